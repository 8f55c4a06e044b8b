// The gateway's upstream side of subscriptions against a subgraph that fails on cue: a real gateway
// process whose partners subgraph is a fake in this process (tests/support/fake-subgraph.ts), speaking
// graphql-ws over real sockets. What a real subgraph cannot be made to do at a given moment: send progress
// frames (until the kit sends them), refuse its feed position or the gateway's connection, go silent on an
// open socket.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { type Stack, startStack } from '../../scripts/lib/stack.js';
import { uniquePrefix } from '../support/db.js';
import { FakeSubgraph, type FakeSubscribe } from '../support/fake-subgraph.js';
import { Subscriber } from '../support/subscriber.js';

let fake: FakeSubgraph;
let stack: Stack;

/** Each test names its operation: identical subscriptions would share the upstream of an earlier test. */
const query = (name: string) =>
  `subscription ${name}($after: Cursor) { contractChanged(after: $after) { cursor kind } }`;
type Change = { contractChanged: { cursor: string; kind: string } };

/** An event as partners sends it to the gateway (with the cursor the gateway asked for to resume). */
const event = (cursor: string, kind = 'UPDATED') => ({
  data: { contractChanged: { cursor, kind, _resumeCursor: cursor } },
});
const progress = (cursor: string) => ({ extensions: { progress: cursor } });

const subscribe = (name: string, progressFrames = false) =>
  new Subscriber<Change>(
    stack.gatewayUrl,
    'any token: AUTH_MODE=off',
    query(name),
    {},
    { progress: progressFrames },
  );

/** The gateway's gauge of subscriptions (`what`: sockets, clients, upstreams, connections). */
async function gatewayMetric(what: string): Promise<number> {
  const text = await (await fetch(stack.metricsUrlOf('gateway'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`gateway_subscriptions{what="${what}"`));
  return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? Number.NaN);
}

/** The subscribe the gateway sends next (after those seen so far). */
async function nextSubscribe(seen: number): Promise<FakeSubscribe> {
  await fake.until(() => fake.subscribes.length > seen, `subscribe #${seen + 1}`);
  return fake.subscribes[seen]!;
}

beforeAll(async () => {
  fake = await FakeSubgraph.start();
  const dbPrefix = uniquePrefix('u');
  stack = await startStack({
    mongoUri: inject('mongoUri'),
    dbPrefix,
    identityKeys: `test:${randomBytes(24).toString('base64url')}`,
    ports: 'free',
    services: ['gateway'],
    logDir: join(REPO_ROOT, 'test-artifacts', 'logs', dbPrefix),
    serviceEnv: {
      gateway: {
        SUBGRAPH_URL_PARTNERS: fake.url,
        // no partners to verify tokens: every client is this vendor
        AUTH_MODE: 'off',
        AUTH_OFF_IDENTITY: 'VA-100-001:VENDOR',
        SUBSCRIPTION_KEEPALIVE_MS: '1500',
        LOG_LEVEL: 'info',
      },
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await fake?.close();
});

describe('the gateway against a subgraph that fails on cue', () => {
  it('asks for progress frames, forwards them only to clients that asked, and resumes from them', async () => {
    const seen = fake.subscribes.length;
    let clients = 0;
    const asked = subscribe('Progress', true);
    const plain = subscribe('Progress', false);
    const up = await nextSubscribe(seen);
    expect(up.payload.extensions?.progress).toBe(true);
    expect(up.payload.variables?.after).toBe(fake.position); // a subscription from now starts there

    // both clients share the upstream; the second must be attached before the first event
    await fake.until(
      () => clients === 2,
      'both clients attached',
      20_000,
      async () => {
        clients = await gatewayMetric('clients');
      },
    );
    expect(await gatewayMetric('upstreams')).toBe(1);
    fake.send(up, event('c1-3'));
    await Promise.all([asked.count(1), plain.count(1)]);
    fake.send(up, progress('c1-7'));
    fake.send(up, event('c1-9'));
    await Promise.all([asked.count(2), plain.count(2)]);
    expect(asked.data().map((d) => d.contractChanged.cursor)).toEqual(['c1-3', 'c1-9']);
    expect(plain.data().map((d) => d.contractChanged.cursor)).toEqual(['c1-3', 'c1-9']);
    // in order with the events, never executed as one
    expect(asked.progress).toEqual([{ cursor: 'c1-7', afterEvents: 1 }]);
    expect(plain.progress).toEqual([]);

    // a quiet stretch, then the upstream is lost: the gateway resumes from the progress cursor
    fake.send(up, progress('c1-20'));
    await asked.until((s) => s.progress.length === 2, 20_000, 'the second progress frame');
    const before = fake.subscribes.length;
    fake.dropConnections();
    const resumed = await nextSubscribe(before);
    expect(resumed.payload.variables?.after).toBe('c1-20');
    fake.send(resumed, event('c1-21'));
    await Promise.all([asked.count(3), plain.count(3)]);
    expect(plain.events.every((e) => !e.errors)).toBe(true);
    await Promise.all([asked.close(), plain.close()]);
  });

  it('retries the feed position until it is known, and only then subscribes, from there', async () => {
    const seen = fake.subscribes.length;
    const requests = fake.positionRequests;
    fake.failPositions = 3;
    fake.position = 'c1-42';
    const s = subscribe('Position');
    const up = await nextSubscribe(seen);
    expect(fake.positionRequests - requests).toBe(4);
    expect(up.payload.variables?.after).toBe('c1-42');
    fake.send(up, event('c1-43'));
    await s.count(1);
    await s.close();
  });

  it('reconnects an upstream that stops answering on its open socket, resuming after the last event', async () => {
    const seen = fake.subscribes.length;
    fake.position = 'c1-50';
    const s = subscribe('Silent');
    const up = await nextSubscribe(seen);
    fake.send(up, event('c1-51'));
    await s.count(1);
    // the socket stays open and says nothing more: no pong, no event, no close
    fake.silenceOpenSockets();
    const resumed = await nextSubscribe(seen + 1);
    expect(resumed.socket).not.toBe(up.socket);
    expect(resumed.payload.variables?.after).toBe('c1-51');
    fake.send(resumed, event('c1-52'));
    await s.count(2);
    expect(s.data().map((d) => d.contractChanged.cursor)).toEqual(['c1-51', 'c1-52']);
    expect(s.closeCode).toBeNull();
    await s.close();
  });

  it("ends a subscription whose subgraph refuses the gateway's connection with DOWNSTREAM_SERVICE_ERROR", async () => {
    // e.g. partners does not accept the gateway's identity (keys out of step): not the client's fault, and
    // not an unknown one (INTERNAL) either
    fake.refuseConnections = true;
    fake.dropConnections();
    try {
      const s = subscribe('Refused');
      await s.until((x) => x.completed || x.closeCode !== null, 30_000, 'the end of the subscription');
      expect(s.events.map((e) => e.errors?.[0]?.extensions?.code)).toEqual(['DOWNSTREAM_SERVICE_ERROR']);
      expect(s.closeCode).toBeNull();
      await s.close();
    } finally {
      fake.refuseConnections = false;
    }
  });
});
