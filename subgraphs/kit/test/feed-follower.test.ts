// The kit's FeedFollower against real subgraphs over a real websocket: an upstream "gadgets" subgraph
// whose feed is followed by a consumer living in a second subgraph (its cursor in that one's database).
// It hands every change over once per cursor, resumes after a restart from the stored cursor without a
// resync, and when the upstream has pruned past the stored cursor it resyncs from current state before
// following on: what happened while it was away is not lost (the old follower went live and lost it).
import { randomBytes } from 'node:crypto';
import {
  Cursor,
  DateTime,
  type EntityDoc,
  entityModel,
  type FeedChange,
  type FeedContext,
  FeedFollower,
  feedSubscription,
  idOf,
  type KitEnv,
  type RunningSubgraph,
  startSubgraph,
} from '@daas/kit';
import { parse } from 'graphql';
import type { Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniquePrefix } from '../../../tests/support/db.js';

interface Gadget extends EntityDoc {
  vendor: string;
}

const typeDefs = parse(`
  scalar Cursor
  scalar DateTime
  type Gadget { id: ID! vendor: String! status: String }
  type GadgetChange {
    cursor: Cursor! kind: String! status: String previousStatus: String at: DateTime! gadget: Gadget!
  }
  type Query { ping: Boolean }
  type Subscription { gadgetChanged(after: Cursor): GadgetChange }
`);

const secret = randomBytes(24).toString('base64url');

const settings = () => ({
  MONGODB_URI: inject('mongoUri'),
  DB_NAME_PREFIX: uniquePrefix('f'),
  PORT: '0',
  IDENTITY_KEYS: `test:${secret}`,
  LOG_LEVEL: process.env.TEST_LOG ?? 'silent',
  FEED_POLL_MS: '20',
  FEED_PROGRESS_MS: '100',
});

type Env = { models: Record<string, never>; kit: KitEnv };

function start(name: string, resolvers: Record<string, unknown>, register?: (kit: KitEnv) => void) {
  return startSubgraph<Env, Record<string, never>>(
    {
      name,
      defaultPort: 0,
      typeDefs,
      resolvers: { Cursor, DateTime, Query: { ping: () => true }, ...resolvers } as never,
      createEnv: (kit) => {
        register?.(kit);
        return { models: {}, kit };
      },
      createLoaders: () => ({}),
    },
    settings(),
  );
}

const gadgetModel = (kit: KitEnv): Model<Gadget> =>
  (kit.db.conn.models.Gadget as Model<Gadget> | undefined) ??
  entityModel<Gadget>(kit.db.conn, 'Gadget', 'gadgets', { vendor: String, status: String });

interface GadgetChange extends FeedChange {
  gadget: { id: string; status: string };
}

/** A consumer that records what it was handed; its "state" is the set of gadget ids it knows. */
class Recorder {
  readonly handled: string[] = [];
  readonly known = new Set<string>();
  resyncs = 0;
  constructor(
    private readonly upstream: RunningSubgraph,
    readonly key: string,
  ) {}

  consumer() {
    return {
      key: this.key,
      url: this.upstream.url,
      field: 'gadgetChanged',
      selection: 'gadget { id status }',
      handle: async (c: GadgetChange) => {
        this.handled.push(c.gadget.id);
        this.known.add(c.gadget.id);
      },
      resync: async () => {
        this.resyncs++;
        // current state, read as a real consumer would ask the upstream for it
        const all = await gadgetModel(this.upstream.kit).find({}).lean<Gadget[]>();
        for (const g of all) this.known.add(g._id);
      },
    };
  }
}

async function until(what: string, ok: () => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('FeedFollower', () => {
  let upstream: RunningSubgraph;
  let consumerSide: RunningSubgraph;
  let n = 0;

  beforeAll(async () => {
    upstream = await start(
      'gadgets',
      {
        Gadget: { id: idOf },
        Subscription: {
          gadgetChanged: feedSubscription<never, FeedContext>({
            entityType: 'Gadget',
            entityField: 'gadget',
          }),
        },
      },
      (kit) => kit.changes.register(gadgetModel(kit)),
    );
    consumerSide = await start('watcher', {});
    await upstream.kit.changes.hub.started;
  }, 120_000);

  afterAll(async () => {
    await consumerSide?.close();
    await upstream?.close();
  });

  async function gadget(): Promise<string> {
    const id = `G-${++n}`;
    await upstream.kit.changes.create<Gadget>({
      model: gadgetModel(upstream.kit),
      entityType: 'Gadget',
      doc: { _id: id, vendor: 'VA-1', status: 'draft', _acl: ['VA-1'] },
      actor: { accountId: 'VA-1', role: 'VENDOR' },
      partitionKey: 'VA-1',
    });
    return id;
  }

  const storedCursor = async (key: string) =>
    (await consumerSide.kit.db.conn.collection('feed_cursors').findOne({ _id: key as never }))?.cursor as
      | string
      | undefined;

  it('first start: resyncs, then hands over every change once, in order, storing its cursor', async () => {
    const before = await gadget();
    const r = new Recorder(upstream, 'gadgets:first');
    const f = new FeedFollower(consumerSide.kit, r.consumer());
    f.start();
    await until('the first resync', () => f.resyncs === 1);
    expect(r.known.has(before)).toBe(true);
    const ids = [await gadget(), await gadget(), await gadget()];
    await until('three changes', () => ids.every((id) => r.handled.includes(id)));
    expect(r.handled).toEqual(ids);
    await f.stop();
    expect(await storedCursor('gadgets:first')).toMatch(/^c1-\d+$/);
  });

  it('a restart resumes from the stored cursor: nothing missed while stopped, nothing repeated, no resync', async () => {
    const r = new Recorder(upstream, 'gadgets:restart');
    const first = new FeedFollower(consumerSide.kit, r.consumer());
    first.start();
    await until('the first resync', () => first.resyncs === 1);
    const a = await gadget();
    await until('the first change', () => r.handled.includes(a));
    await first.stop();
    const whileStopped = [await gadget(), await gadget()];
    const second = new FeedFollower(consumerSide.kit, r.consumer());
    second.start();
    const b = await gadget();
    await until('every change', () => r.handled.includes(b));
    await second.stop();
    expect(r.handled).toEqual([a, ...whileStopped, b]);
    expect(second.resyncs).toBe(0);
    expect(r.resyncs).toBe(1);
  });

  it('the upstream pruned past the stored cursor: resync from current state, then follow from there', async () => {
    const r = new Recorder(upstream, 'gadgets:expired');
    const first = new FeedFollower(consumerSide.kit, r.consumer());
    first.start();
    await until('the first resync', () => first.resyncs === 1);
    const a = await gadget();
    await until('the first change', () => r.handled.includes(a));
    await first.stop();
    const stored = await storedCursor('gadgets:expired');

    // while it is away: changes, then retention drops every event so far (its cursor included)
    const missed = [await gadget(), await gadget()];
    // (as after a retention period: the upstream's own reader has passed them; a reader below a prune
    // that removed slots it had not read yet would wait on them)
    const head = upstream.kit.changes.feed.headPositions()[0]!;
    await until(
      'the upstream reader at the head',
      () => upstream.kit.changes.hub.currentPosition()[0]! >= head,
    );
    expect(await upstream.kit.changes.feed.prune(new Date())).toBeGreaterThan(0);

    const second = new FeedFollower(consumerSide.kit, r.consumer());
    second.start();
    await until('the resync after CURSOR_EXPIRED', () => second.resyncs === 1);
    for (const id of missed) expect(r.known.has(id), `${id} lost`).toBe(true);
    const after = await gadget();
    await until('the change after the resync', () => r.handled.includes(after));
    await second.stop();
    expect(r.handled.filter((id) => id === after)).toHaveLength(1);
    expect(await storedCursor('gadgets:expired')).not.toBe(stored);
  });
});
