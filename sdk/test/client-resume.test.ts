// The client's reconnect and resume against a real graphql-ws server on a loopback port: when the
// socket dies mid-stream, the client reconnects and subscribes again after the last cursor it
// delivered (or the last progress frame's), so the caller sees every event exactly once. A refused token
// is not retried.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlatformClient, PlatformError } from '@daas/sdk';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { buildSchema, execute, parse, subscribe, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';

const TOTAL = 12;
const schema = buildSchema(`
  type Query { ok: Boolean }
  type Tick { cursor: String! n: Int! }
  type Subscription { ticks(after: String): Tick! }
`);

let http: Server;
let wss: WebSocketServer;
let url: string;
const afterSeen: (string | null)[] = [];
// Emitting waits for the test to allow it, so the test decides where in the stream the socket dies.
let allowed = 0;
/** ticks sent as progress frames (`{ extensions: { progress: cursor } }`) to clients that ask for them */
const progressAt = new Set<number>();
const askedProgress: boolean[] = [];

async function* ticks(after: string | null) {
  afterSeen.push(after);
  for (let n = after ? Number(after) + 1 : 1; n <= TOTAL; n++) {
    while (n > allowed) await new Promise((r) => setTimeout(r, 5));
    yield { ticks: { cursor: String(n), n } };
  }
}

beforeAll(async () => {
  http = createServer();
  wss = new WebSocketServer({ server: http, path: '/graphql' });
  useServer(
    {
      schema,
      // graphql-ws must run our graphql instance: vitest may load the package twice (ESM and CJS).
      // (`subscribe`, below, is graphql's too.)
      execute,
      validate,
      onConnect: (ctx) => ctx.connectionParams?.authorization === 'Bearer good',
      onSubscribe: (_ctx, _id, payload) => {
        askedProgress.push(payload.extensions?.progress === true);
      },
      // as the gateway does: a progress frame in place of a tick, to a subscription that asked for them
      subscribe: async (args) => {
        const result = await subscribe(args);
        if (!(Symbol.asyncIterator in result) || !askedProgress.at(-1)) return result;
        return (async function* () {
          for await (const item of result) {
            const tick = (item.data as { ticks: { cursor: string; n: number } } | undefined)?.ticks;
            yield tick && progressAt.has(tick.n) ? { extensions: { progress: tick.cursor } } : item;
          }
        })();
      },
      roots: { subscription: { ticks: (args: { after?: string | null }) => ticks(args.after ?? null) } },
    },
    wss,
  );
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  for (const ws of wss.clients) ws.terminate();
  await new Promise((r) => wss.close(r));
  await new Promise((r) => http.close(r));
});

const TicksDocument = parse(
  'subscription Ticks($after: String) { ticks(after: $after) { cursor n } }',
) as TypedDocumentNode<{ ticks: { cursor: string; n: number } }, { after?: string | null }>;

describe('PlatformClient.subscribe', () => {
  it('resumes after the last delivered cursor when the socket drops', async () => {
    let connects = 0;
    const client = new PlatformClient({ url, token: 'good', onConnected: () => connects++ });
    const sub = client.subscribe(TicksDocument, {});
    const seen: number[] = [];
    allowed = 5;
    for await (const event of sub) {
      seen.push(event.ticks.n);
      if (event.ticks.n === 5) {
        for (const ws of wss.clients) ws.terminate(); // the network drops, not a clean close
        allowed = TOTAL;
      }
      if (event.ticks.n === TOTAL) break;
    }
    await client.close();
    expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(afterSeen).toEqual([null, '5']);
    expect(connects).toBe(2);
    expect(sub.lastCursor).toBe(String(TOTAL));
  });

  it('starts after a stored cursor', async () => {
    afterSeen.length = 0;
    const client = new PlatformClient({ url, token: 'good' });
    const seen: number[] = [];
    for await (const event of client.subscribe(TicksDocument, {}, { after: '10' })) {
      seen.push(event.ticks.n);
      if (event.ticks.n === TOTAL) break;
    }
    await client.close();
    expect(seen).toEqual([11, 12]);
    expect(afterSeen).toEqual(['10']);
  });

  it('takes progress frames as cursors, yielding nothing for them, and resumes after them', async () => {
    afterSeen.length = 0;
    allowed = 0;
    progressAt.clear();
    progressAt.add(4).add(5);
    const client = new PlatformClient({ url, token: 'good' });
    const sub = client.subscribe(TicksDocument, {});
    const events = sub[Symbol.asyncIterator]();
    allowed = 3;
    for (let n = 1; n <= 3; n++) expect((await events.next()).value?.ticks.n).toBe(n);
    const next = events.next();
    allowed = 5; // two progress frames, nothing for the caller
    const deadline = Date.now() + 20_000;
    while (sub.lastCursor !== '5') {
      if (Date.now() > deadline)
        throw new Error(`lastCursor is ${sub.lastCursor}, not the progress frame's 5`);
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const ws of wss.clients) ws.terminate();
    allowed = 7;
    expect((await next).value?.ticks.n).toBe(6);
    await client.close();
    expect(askedProgress.at(-1)).toBe(true);
    expect(afterSeen).toEqual([null, '5']);
    progressAt.clear();
  });

  it('fails at once, without retrying, when the token is refused', async () => {
    let connects = 0;
    const client = new PlatformClient({ url, token: 'bad', onConnected: () => connects++ });
    const failure = await (async () => {
      for await (const _ of client.subscribe(TicksDocument, {})) return null;
      return null;
    })().catch((e: unknown) => e);
    await client.close();
    expect(failure).toBeInstanceOf(PlatformError);
    expect((failure as PlatformError).code).toBe('UNAUTHENTICATED');
    expect(connects).toBe(0);
  });
});
