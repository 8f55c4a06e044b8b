// Who a runner is: the `Authorization` header it sends (Connect's `ApiKey SU-…:secret`, verbatim) is an
// API token of the platform, checked where every token is checked: the gateway answers `viewer` for it.
// The extensions service keeps no secrets; an environment names the token (SU-…) its runner must use.

export interface RunnerIdentity {
  account: string;
  accountName: string;
  role: string;
  token: string | null;
}

const VIEWER = '{ viewer { role account { id name } token { id } } }';

export type RunnerAuth = (authorization: string) => Promise<RunnerIdentity | null>;

/** Asks the gateway who the header's token belongs to; null when it is not a valid token. */
export function gatewayRunnerAuth(gatewayUrl: string): RunnerAuth {
  return async (authorization) => {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: VIEWER }),
    });
    if (res.status === 401 || res.status === 403) return null;
    const body = (await res.json()) as {
      data?: {
        viewer?: { role: string; account: { id: string; name: string }; token: { id: string } | null };
      };
    };
    const v = body.data?.viewer;
    if (!v) return null;
    return { account: v.account.id, accountName: v.account.name, role: v.role, token: v.token?.id ?? null };
  };
}
