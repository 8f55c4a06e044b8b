// Progress frames over a real websocket against the kit server: a subscription that asked for them
// (`extensions.progress: true` in its subscribe message) hears where its feed position has moved when
// the events that moved it were not for it; one that did not ask hears exactly what it heard before.
import { randomBytes } from 'node:crypto';
import {
  Cursor,
  type EntityDoc,
  encodeCursor,
  entityModel,
  type FeedContext,
  feedSubscription,
  IdentitySigner,
  idOf,
  type RunningSubgraph,
  startSubgraph,
} from '@daas/kit';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { uniquePrefix } from '../../../tests/support/db.js';

interface Gadget extends EntityDoc {
  vendor: string;
}

const typeDefs = parse(`
  scalar Cursor
  type Gadget { id: ID! vendor: String! }
  input GadgetFilter { vendor: String }
  type GadgetChange { cursor: Cursor! kind: String! gadget: Gadget! }
  type Query { ping: Boolean }
  type Subscription { gadgetChanged(filter: GadgetFilter, after: Cursor): GadgetChange }
`);

const secret = randomBytes(24).toString('base64url');
const signer = new IdentitySigner([{ kid: 'test', secret }]);
const operator = { accountId: 'OA-000-001', role: 'OPERATOR' as const };

/** A subgraph of one entity type and one subscription field, run by the kit server. */
function startGadgets(progressMs: number) {
  return startSubgraph<{ models: Record<string, never>; kit: RunningSubgraph['kit'] }, Record<string, never>>(
    {
      name: 'gadgets',
      defaultPort: 0,
      typeDefs,
      resolvers: {
        Cursor,
        Gadget: { id: idOf },
        Query: { ping: () => true },
        Subscription: {
          gadgetChanged: feedSubscription<{ vendor?: string }, FeedContext>({
            entityType: 'Gadget',
            entityField: 'gadget',
            filter: (f) => (g) => !f?.vendor || g.vendor === f.vendor,
          }),
        },
      } as never,
      createEnv: (kit) => {
        kit.changes.register(gadgetModel(kit));
        return { models: {}, kit };
      },
      createLoaders: () => ({}),
    },
    {
      MONGODB_URI: inject('mongoUri'),
      DB_NAME_PREFIX: uniquePrefix('p'),
      PORT: '0',
      IDENTITY_KEYS: `test:${secret}`,
      LOG_LEVEL: 'silent',
      FEED_POLL_MS: '20',
      FEED_PROGRESS_MS: String(progressMs),
    },
  );
}

const gadgetModel = (kit: RunningSubgraph['kit']) =>
  (kit.db.conn.models.Gadget as never) ??
  entityModel<Gadget>(kit.db.conn, 'Gadget', 'gadgets', { vendor: String, status: String });

async function makeGadget(sub: RunningSubgraph, id: string, vendor: string) {
  await sub.kit.changes.create<Gadget>({
    model: gadgetModel(sub.kit),
    entityType: 'Gadget',
    doc: { _id: id, vendor, status: 'draft', _acl: [vendor] },
    actor: { accountId: vendor, role: 'VENDOR' },
    partitionKey: vendor,
  });
}

interface Message {
  id?: string;
  type: string;
  payload?: { data?: { gadgetChanged?: { cursor: string; gadget: { id: string } } }; extensions?: unknown };
}

/** A graphql-ws socket speaking the protocol by hand, so the frames are seen exactly as sent. */
async function connect(sub: RunningSubgraph) {
  const socket = new WebSocket(sub.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const received: Message[] = [];
  let wake: (() => void) | null = null;
  socket.on('message', (data) => {
    received.push(JSON.parse(String(data)) as Message);
    wake?.();
  });
  await new Promise((r) => socket.once('open', r));
  socket.send(
    JSON.stringify({ type: 'connection_init', payload: { identity: await signer.sign(operator, 'test') } }),
  );
  const next = async (what: string): Promise<Message> => {
    const deadline = Date.now() + 15_000;
    while (received.length === 0) {
      if (Date.now() > deadline) throw new Error(`no message while waiting for ${what}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 500);
      });
    }
    return received.shift()!;
  };
  expect((await next('connection_ack')).type).toBe('connection_ack');
  return {
    subscribe: (id: string, variables: Record<string, unknown>, progress: boolean) =>
      socket.send(
        JSON.stringify({
          id,
          type: 'subscribe',
          payload: {
            query:
              'subscription($filter: GadgetFilter, $after: Cursor) { gadgetChanged(filter: $filter, after: $after) { cursor kind gadget { id } } }',
            variables,
            ...(progress ? { extensions: { progress: true } } : {}),
          },
        }),
      ),
    next,
    close: () => socket.close(),
  };
}

const headCursor = (sub: RunningSubgraph) => encodeCursor(sub.kit.changes.feed.headPositions());

/** Subscribes and waits until the subscription is open in the subgraph's hub, so later writes reach it live. */
async function subscribed(sub: RunningSubgraph, open: () => void) {
  const before = sub.kit.changes.hub.subscriberCount;
  open();
  const deadline = Date.now() + 15_000;
  while (sub.kit.changes.hub.subscriberCount <= before) {
    if (Date.now() > deadline) throw new Error('the subscription did not open');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('progress frames (FEED_PROGRESS_MS=50)', () => {
  let sub: RunningSubgraph;
  beforeAll(async () => {
    sub = await startGadgets(50);
    await sub.kit.changes.hub.started;
  });
  afterAll(async () => {
    await sub?.close();
  });

  it('tell a subscriber that hears nothing where its position has moved, and only that', async () => {
    const ws = await connect(sub);
    await subscribed(sub, () => ws.subscribe('quiet', { filter: { vendor: 'VA-NOBODY' } }, true));
    await makeGadget(sub, 'G-Q1', 'VA-000-001');
    await makeGadget(sub, 'G-Q2', 'VA-000-002');
    const head = headCursor(sub);
    const frames: Message[] = [];
    for (;;) {
      const m = await ws.next('a progress frame at the head');
      frames.push(m);
      const progress = (m.payload?.extensions as { progress?: string } | undefined)?.progress;
      if (progress === head) break;
    }
    for (const m of frames) {
      expect(m.id).toBe('quiet');
      expect(m.type).toBe('next');
      expect(Object.keys(m.payload!)).toEqual(['extensions']);
      expect(Object.keys(m.payload!.extensions as object)).toEqual(['progress']);
    }
    ws.close();
  });

  it('come besides the events, never behind them', async () => {
    const ws = await connect(sub);
    await subscribed(sub, () => ws.subscribe('mixed', { filter: { vendor: 'VA-000-003' } }, true));
    await makeGadget(sub, 'G-M1', 'VA-000-004'); // not for it
    await makeGadget(sub, 'G-M2', 'VA-000-003'); // for it
    const seen: Message[] = [];
    for (;;) {
      const m = await ws.next('the event');
      seen.push(m);
      if (m.payload?.data) break;
    }
    const event = seen.at(-1)!.payload!.data!.gadgetChanged!;
    expect(event.gadget.id).toBe('G-M2');
    expect(event.cursor).toBe(headCursor(sub));
    const seq = (c: string) => Number(c.split('-')[1]);
    for (const m of seen.slice(0, -1)) {
      expect(seq((m.payload!.extensions as { progress: string }).progress)).toBeLessThan(seq(event.cursor));
    }
    ws.close();
  });

  it('are not sent to a subscription that did not ask for them', async () => {
    const ws = await connect(sub);
    await subscribed(sub, () => ws.subscribe('plain', { filter: { vendor: 'VA-000-005' } }, false));
    await makeGadget(sub, 'G-P1', 'VA-000-006'); // not for it: moves its position, 50 ms pass
    await makeGadget(sub, 'G-P2', 'VA-000-006');
    await makeGadget(sub, 'G-P3', 'VA-000-005'); // for it
    const first = await ws.next('the event');
    expect(first.payload).toEqual({
      data: { gadgetChanged: { cursor: headCursor(sub), kind: 'CREATED', gadget: { id: 'G-P3' } } },
    });
    ws.close();
  });
});

describe('progress frames after a replay (FEED_PROGRESS_MS=600000)', () => {
  let sub: RunningSubgraph;
  beforeAll(async () => {
    sub = await startGadgets(600_000);
    await sub.kit.changes.hub.started;
  });
  afterAll(async () => {
    await sub?.close();
  });

  it('come at once when a replay delivered nothing', async () => {
    await makeGadget(sub, 'G-R0', 'VA-000-007');
    const after = headCursor(sub);
    await makeGadget(sub, 'G-R1', 'VA-000-008');
    await makeGadget(sub, 'G-R2', 'VA-000-008');
    const ws = await connect(sub);
    ws.subscribe('resumed', { filter: { vendor: 'VA-000-007' }, after }, true);
    const m = await ws.next('the progress frame after the replay');
    expect(m).toEqual({
      id: 'resumed',
      type: 'next',
      payload: { extensions: { progress: headCursor(sub) } },
    });
    ws.close();
  });
});
