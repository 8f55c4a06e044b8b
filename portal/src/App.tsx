// Sign-in, then the shell of the signed-in account's role: its navigation, the account and role in the
// header, sign-out. A token the API refuses (revoked, mistyped) lands back on the sign-in form with the
// API's message.
import { Alert, Center, Loader } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { Provider, useQuery } from 'urql';
import { createPortalClient } from './client.js';
import { apiErrors } from './errors.js';
import { PortalViewerDocument } from './generated/graphql.js';
import { SignIn } from './pages/SignIn.js';
import { Shell } from './Shell.js';
import { storedToken, storeToken } from './session.js';
import { SessionContext } from './session-context.js';

export function App() {
  const [token, setToken] = useState<string | null>(storedToken);
  const [refused, setRefused] = useState<string | null>(null);
  const portal = useMemo(() => (token ? createPortalClient(token) : null), [token]);
  useEffect(() => () => portal?.close(), [portal]);

  const signIn = (t: string) => {
    storeToken(t);
    setRefused(null);
    setToken(t);
  };
  const signOut = (why: string | null = null) => {
    storeToken(null);
    setRefused(why);
    setToken(null);
  };

  if (!token || !portal) return <SignIn onSignIn={signIn} refused={refused} />;
  return (
    <Provider value={portal.client}>
      <SignedIn token={token} signOut={signOut} />
    </Provider>
  );
}

function SignedIn({ token, signOut }: { token: string; signOut: (why?: string | null) => void }) {
  const [{ data, error, fetching }] = useQuery({
    query: PortalViewerDocument,
    requestPolicy: 'network-only',
  });
  const errors = apiErrors(error);
  useEffect(() => {
    if (errors.some((e) => e.code === 'UNAUTHENTICATED')) signOut(errors[0]?.message ?? 'Sign in again');
  });
  if (data?.viewer) {
    const session = {
      token,
      account: data.viewer.account,
      role: data.viewer.role,
      signOut: () => signOut(null),
    };
    return (
      <SessionContext.Provider value={session}>
        <Shell />
      </SessionContext.Provider>
    );
  }
  if (fetching)
    return (
      <Center h="100vh">
        <Loader aria-label="Signing in" />
      </Center>
    );
  return (
    <Center h="100vh">
      <Alert color="red" title="Cannot sign in" role="alert">
        {errors[0]?.message ?? 'No answer from the gateway'}
      </Alert>
    </Center>
  );
}
