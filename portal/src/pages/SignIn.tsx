// Sign-in with an API token (Settings → API tokens in the platform; the demo tokens are in the README).
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';

export function SignIn({ onSignIn, refused }: { onSignIn: (token: string) => void; refused: string | null }) {
  const [token, setToken] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (token.trim()) onSignIn(token.trim());
  };
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <form onSubmit={submit}>
          <Stack>
            <Title order={2}>DaaS portal</Title>
            <Text size="sm" c="dimmed">
              Sign in with an API token of your account. It is kept for this browser tab only.
            </Text>
            {refused && (
              <Alert color="red" role="alert" title="Signed out">
                {refused}
              </Alert>
            )}
            <PasswordInput
              label="API token"
              placeholder="SU-…:secret"
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
              autoFocus
              required
            />
            <Button type="submit">Sign in</Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
