// A real HTTP server receiving webhooks in tests: it records every request (path, headers, raw body) and
// answers as each path's script says: a list of answers used in turn (the last one repeats), where an
// answer is a status code, a status code after a delay (a slow but healthy receiver) or 'hang' (the
// request is held open, never answered).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export type Answer = number | 'hang' | { status: number; delayMs: number };

export interface WebhookReceiver {
  /** http://127.0.0.1:<port> */
  base: string;
  received: Received[];
  /** what `path` answers from now on */
  script(path: string, answers: Answer[]): void;
  /** requests received on `path` */
  on(path: string): Received[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const scripts = new Map<string, Answer[]>();
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
      );
      received.push({ path, headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const script = scripts.get(path) ?? [200];
      const answer = script.length > 1 ? script.shift()! : script[0]!;
      if (answer === 'hang') {
        held.push(res);
        return;
      }
      const reply = (status: number) => res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
      if (typeof answer === 'number') reply(answer);
      else setTimeout(() => reply(answer.status), answer.delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    script: (path, answers) => scripts.set(path, [...answers]),
    on: (path) => received.filter((r) => r.path === path),
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
