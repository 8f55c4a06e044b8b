// One example operation per file under examples/: the leading `#` lines describe it, and two of them
// are read: `# token: <demo token>` becomes the tab's Authorization header, `# variables: <json>` its
// variables. Plain TypeScript so the gateway's tests can check the same files against the schema.

export interface ExampleTab {
  query: string;
  variables?: string;
  headers: string;
}

export function exampleTab(source: string): ExampleTab {
  const token = /^# token: (\S+)$/m.exec(source)?.[1];
  const variables = /^# variables: (.+)$/m.exec(source)?.[1];
  return {
    query: source.trim() + '\n',
    headers: token ? authorizationHeaders(token) : TOKEN_HINT,
    ...(variables ? { variables: JSON.stringify(JSON.parse(variables), null, 2) } : {}),
  };
}

const authorizationHeaders = (token: string) => JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2);

/** What a new tab starts with: how to pass a token (the demo vendor's, see the README). */
export const TOKEN_HINT = authorizationHeaders('SU-000-000-002:demo-vendor-secret');
