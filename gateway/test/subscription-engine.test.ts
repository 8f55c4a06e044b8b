// The engine's fan-out when something fails inside the gateway: a client sink that throws, an event
// whose execution throws. The engine runs for real against a graphql-ws subgraph over real sockets
// (tests/support/fake-subgraph.ts); the sinks are the test's, so that one of them can fail on cue.
import { composeServices } from '@apollo/composition';
import { createLogger } from '@daas/kit';
import { parse } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSubgraph } from '../../tests/support/fake-subgraph.js';
import { SubscriptionEngine } from '../src/subscriptions/engine.js';
import { type PreparedSubscription, SubscriptionPlanner } from '../src/subscriptions/planning.js';
import type { EventSink } from '../src/subscriptions/socket-sink.js';
import { UpstreamConnections } from '../src/subscriptions/upstream.js';

const THINGS = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Thing @key(fields: "id") { id: ID! name: String! }
  type ThingChange { cursor: String! kind: String! thing: Thing! }
  type Query { thing(id: ID!): Thing }
  type Subscription { thingChanged(after: String): ThingChange }
`;
const QUERY = 'subscription { thingChanged { kind thing { id name } } }';

class TestSink implements EventSink {
  onGone: (() => void) | null = null;
  readonly frames: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] }[] = [];
  ended = false;
  constructor(private readonly fails = false) {}
  deliver(json: string): boolean {
    if (this.fails) throw new Error('this client exploded');
    this.frames.push(JSON.parse(json));
    return true;
  }
  end(): void {
    this.ended = true;
  }
}

let fake: FakeSubgraph;
let connections: UpstreamConnections;
let engine: SubscriptionEngine | null = null;
const log = createLogger('test', 'silent');

beforeEach(async () => {
  fake = await FakeSubgraph.start();
  connections = new UpstreamConnections(async () => 'signed identity', 5000, log);
});

afterEach(async () => {
  engine?.close();
  await connections.close();
  await fake.close();
});

function prepared(): PreparedSubscription {
  const composed = composeServices([{ name: 'things', url: fake.url, typeDefs: parse(THINGS) }]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  const planner = new SubscriptionPlanner();
  planner.load(composed.supergraphSdl);
  const planned = planner.cached(QUERY, null, [], parse);
  if (Array.isArray(planned)) throw new Error(planned.map((e) => e.message).join('\n'));
  return planned.prepared;
}

/** An engine whose `services()` throws the first `failures` times (as mid-reload, say). */
function start(failures = 0): SubscriptionEngine {
  let left = failures;
  engine = new SubscriptionEngine({
    connections,
    services: () => {
      if (left-- > 0) throw new Error('no data sources right now');
      return {};
    },
    urlOf: () => fake.url,
    formatError: (formatted) => formatted,
    log,
  });
  return engine;
}

/** The same subscription for each sink: they share one upstream. */
function attach(e: SubscriptionEngine, sinks: TestSink[]): void {
  const p = prepared();
  for (const sink of sinks) {
    const refused = e.subscribe({
      prepared: p,
      document: parse(QUERY),
      query: QUERY,
      operationName: null,
      variables: {},
      identity: { accountId: 'VA-100-001', role: 'VENDOR' },
      requestId: 'r',
      sink,
    });
    expect(refused).toBeNull();
  }
}

const event = (cursor: string, name: string) => ({
  data: { thingChanged: { kind: 'UPDATED', thing: { id: 'T-1', name }, _resumeCursor: cursor } },
});

const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the upstream subscribe', () => {
  it("carries the subscriber's request id, so the subgraph logs it under the same id", async () => {
    attach(start(), [new TestSink()]);
    await fake.until(() => fake.subscribes.length === 1, 'the upstream subscribe');
    expect(fake.subscribes[0]!.payload.extensions).toMatchObject({ requestId: 'r', progress: true });
  });
});

describe('subscription engine fan-out under failure', () => {
  it('drops a client sink that throws; the others get every event', async () => {
    const e = start();
    const bad = new TestSink(true);
    const good = [new TestSink(), new TestSink()];
    attach(e, [bad, ...good]);
    await fake.until(() => fake.subscribes.length === 1, 'the upstream subscribe');
    const up = fake.subscribes[0]!;
    fake.send(up, event('c1-1', 'one'));
    fake.send(up, event('c1-2', 'two'));
    await until(() => good.every((s) => s.frames.length === 2), 'two events to each good sink');
    for (const s of good) {
      expect(s.frames).toEqual([
        { data: { thingChanged: { kind: 'UPDATED', thing: { id: 'T-1', name: 'one' } } } },
        { data: { thingChanged: { kind: 'UPDATED', thing: { id: 'T-1', name: 'two' } } } },
      ]);
    }
    expect(bad.ended).toBe(true);
    expect(e.stats().clients).toBe(2);
  });

  it('delivers an event whose execution fails as an event with errors, and goes on', async () => {
    const e = start(1);
    const sinks = [new TestSink(), new TestSink()];
    attach(e, sinks);
    await fake.until(() => fake.subscribes.length === 1, 'the upstream subscribe');
    const up = fake.subscribes[0]!;
    fake.send(up, event('c1-1', 'one'));
    fake.send(up, event('c1-2', 'two'));
    await until(() => sinks.every((s) => s.frames.length === 2), 'two frames to each sink');
    for (const s of sinks) {
      expect(s.frames[0]).toEqual({
        data: null,
        errors: [{ message: 'this event could not be completed', extensions: { code: 'INTERNAL' } }],
      });
      expect(s.frames[1]).toEqual({
        data: { thingChanged: { kind: 'UPDATED', thing: { id: 'T-1', name: 'two' } } },
      });
      expect(s.ended).toBe(false);
    }
  });
});
