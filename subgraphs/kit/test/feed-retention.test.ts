// The feed at the edges of its retained range, against the real database with real change stores: a
// restarted replica writing before it knows the heads, cursors ahead of the feed, pruning that crashes
// (kill -9) or runs on several replicas at once, and a resume while a prune removes what it replays.
import {
  ChangeStore,
  type Database,
  type DomainError,
  type EntityDoc,
  encodeCursor,
  entityModel,
  type FeedEvent,
  FeedLog,
  type FeedRow,
  openDatabase,
  slotId,
} from '@daas/kit';
import type { Model } from 'mongoose';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { appendTestEvents, testChangeStore, testDatabase } from '../../../tests/support/db.js';
import { pruneInChild } from '../../../tests/support/faults.js';
import { silentLogger } from '../../../tests/support/log.js';

interface Thing extends EntityDoc {
  name: string;
  note?: string;
}

const actor = { accountId: 'VA-000-001', role: 'VENDOR' as const };
const cleanup: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const thingModel = (db: Database) =>
  entityModel<Thing>(db.conn, 'Thing', 'things', { name: String, note: String, status: String });

/** A database of the test's own with a running change store on it. */
async function fresh(tag: string) {
  const db = await testDatabase(tag);
  const Things = thingModel(db);
  const store = await testChangeStore(db, { entities: [Things], pollMs: 20, graceMs: 300, start: true });
  cleanup.push(async () => {
    await store.stop();
    await db.conn.dropDatabase();
    await db.close();
  });
  return { db, Things, store };
}

/** Another replica (its own connection and store) on the same database, not started. */
async function replica(db: Database, pollMs = 20) {
  const conn = openDatabase({ uri: inject('mongoUri'), name: db.name, log: silentLogger() });
  await conn.connected();
  const Things = thingModel(conn);
  const store = new ChangeStore(conn.conn, {
    partitions: 1,
    pollMs,
    retentionHours: 1,
    graceMs: 300,
    dialect: () => conn.dialect(),
    log: silentLogger(),
  });
  store.register(Things);
  cleanup.push(async () => {
    await store.stop();
    await conn.close();
  });
  return { store, Things };
}

const create = (store: ChangeStore, Things: Model<Thing>, id: string) =>
  store.create<Thing>({
    model: Things,
    entityType: 'Thing',
    doc: { _id: id, name: id, status: 'draft', _acl: [actor.accountId] },
    actor,
    partitionKey: actor.accountId,
  });

const edit = (store: ChangeStore, Things: Model<Thing>, id: string, note: string) =>
  store.change<Thing>({
    model: Things,
    entityType: 'Thing',
    id,
    actor,
    partitionKey: () => actor.accountId,
    decide: () => ({ kind: 'edited', set: { note } }),
  });

/** The next item, or an error naming what was awaited after `ms`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads events until the iterator fails; returns what came and the error. */
async function drain(it: AsyncIterableIterator<FeedEvent>, until: (row: FeedRow) => boolean) {
  const rows: FeedRow[] = [];
  try {
    for (;;) {
      const next = await within(it.next(), 30_000, `event ${rows.length + 1}`);
      if (next.done) return { rows, error: null };
      rows.push(next.value.row);
      if (until(next.value.row)) return { rows, error: null };
    }
  } catch (e) {
    return { rows, error: e as DomainError };
  }
}

const feedSeqs = async (store: ChangeStore) =>
  (await store.models.feed.find({}, { s: 1 }).lean<FeedRow[]>()).map((r) => r.s).sort((a, b) => a - b);

describe('a restarted replica after retention', () => {
  it('appends its first change above the low mark, and a resumed subscriber receives it', async () => {
    const { db, Things, store } = await fresh('rret');
    for (let i = 0; i < 4; i++) await create(store, Things, `T-R${i}`);
    const cursor = encodeCursor(store.feed.headPositions());
    expect(await store.feed.prune(new Date(Date.now() + 60_000))).toBe(4);
    expect(store.feed.low(0)).toBe(5);

    // The restarted replica serves a mutation while its feed is still starting (or before it started).
    const restarted = await replica(db);
    const [changed] = await Promise.all([
      edit(restarted.store, restarted.Things, 'T-R1', 'after restart'),
      restarted.store.start(),
    ]);
    expect(changed.version).toBe(2);
    const event = await store.models.feed.findOne({ key: 'T-R1#2' }).lean<FeedRow>();
    expect(event?.s).toBeGreaterThanOrEqual(5);

    const resumed = store.hub.subscribe({ after: cursor, filter: () => true });
    const next = await within(resumed.next(), 10_000, 'the change made while the replica started');
    expect(next.value?.row.key).toBe('T-R1#2');
    await resumed.return?.();
  });
});

describe('a cursor ahead of the feed', () => {
  it('is refused with BAD_USER_INPUT, reason CURSOR_AHEAD', async () => {
    const { Things, store } = await fresh('rahead');
    await create(store, Things, 'T-A0');
    const beyond = encodeCursor([store.feed.head(0) + 1000]);
    const sub = store.hub.subscribe({ after: beyond, filter: () => true });
    const error = await within(
      sub.next().then(
        () => null,
        (e: DomainError) => e,
      ),
      10_000,
      'the refusal',
    );
    expect(error?.code).toBe('BAD_USER_INPUT');
    expect(error?.details).toEqual({ field: 'after', reason: 'CURSOR_AHEAD' });
  });

  it('is accepted when only this process has not read that far yet (another replica wrote it)', async () => {
    const { db, Things, store } = await fresh('rlag');
    // A replica whose reader polls once a minute: it will not have seen the writes below.
    const lagging = await replica(db, 60_000);
    await lagging.store.start();
    await create(store, Things, 'T-L0');
    await create(store, Things, 'T-L1');
    const atSecond = encodeCursor(store.feed.headPositions());
    await create(store, Things, 'T-L2');
    expect(lagging.store.hub.currentPosition()[0]).toBeLessThan(store.feed.head(0));

    const sub = lagging.store.hub.subscribe({ after: atSecond, filter: (r) => r.entityId.startsWith('T-L') });
    // Its own write wakes its reader, which then reads the other replica's event too.
    await create(lagging.store, lagging.Things, 'T-L3');
    const got = await drain(sub, (r) => r.entityId === 'T-L3');
    expect(got.error).toBeNull();
    expect(got.rows.map((r) => r.entityId)).toEqual(['T-L2', 'T-L3']);
    await sub.return?.();
  });
});

describe('pruning', () => {
  it('finishes after a prune was killed (kill -9) in the middle', async () => {
    const { db, store } = await fresh('rkill');
    await appendTestEvents(store, 'k', 1000);
    const head = store.feed.head(0);
    const cutoff = new Date(Date.now() + 60_000);
    const child = pruneInChild(inject('mongoUri'), db.name, cutoff);
    const exited = new Promise((r) => child.once('exit', r));
    // Kill it once it has deleted some events but not all (1,000 events: point deletes on FerretDB v1,
    // range deletes of 128 elsewhere).
    for (;;) {
      const left = await store.models.feed.countDocuments();
      if (left <= head - 50) break;
      if (child.exitCode !== null) throw new Error('the prune finished before it could be killed');
      await new Promise((r) => setTimeout(r, 5)); // leave the database to the prune
    }
    child.kill('SIGKILL');
    await exited;
    expect(await store.models.feed.countDocuments()).toBeGreaterThan(0);

    // Any later prune (here another replica's) finishes the job.
    const other = await replica(db);
    await other.store.init();
    await other.store.feed.prune(cutoff);
    await store.feed.refreshLows();
    expect(store.feed.low(0)).toBe(head + 1);
    expect(await store.models.feed.countDocuments()).toBe(0);
    // and the feed goes on above it
    await appendTestEvents(store, 'k2', 2);
    expect(await feedSeqs(store)).toEqual([head + 1, head + 2]);
  }, 240_000); // 1,000 appends and point deletes: minutes on a loaded two-core machine

  it('gets past a slot deleted by a prune that died before recording its low mark (older versions)', async () => {
    const { store } = await fresh('rhole');
    await appendTestEvents(store, 'h', 10);
    // What the previous prune left when killed: the low slot deleted, the low mark not moved.
    await store.models.feed.deleteOne({ _id: slotId(0, 1) });
    expect(await store.feed.prune(new Date(Date.now() + 60_000))).toBe(9);
    expect(store.feed.low(0)).toBe(11);
    expect(await store.models.feed.countDocuments()).toBe(0);
  });

  it('is safe with several replicas pruning at once: the low mark only rises, nothing below it remains', async () => {
    const { db, store } = await fresh('rconc');
    await appendTestEvents(store, 'c', 60);
    const rows = await store.models.feed.find({}, { s: 1, at: 1 }).lean<FeedRow[]>();
    const atSeq = (s: number) => new Date(rows.find((r) => r.s === s)!.at.getTime() + 1);
    const replicas = await Promise.all([replica(db), replica(db), replica(db)]);
    for (const r of replicas) await r.store.init();
    // Three cutoffs: after seq 20, 40 and 50.
    const cutoffs = [atSeq(20), atSeq(40), atSeq(50)];
    // The low mark as a process starting now would read it, watched while they prune.
    const lowNow = async () => {
      const reader = new FeedLog(store.models, 1, () => db.dialect(), silentLogger());
      await reader.refreshLows();
      return reader.low(0);
    };
    const lows: number[] = [];
    let pruning = true;
    const watching = (async () => {
      while (pruning) lows.push(await lowNow());
    })();
    await Promise.all(replicas.map((r, i) => r.store.feed.prune(cutoffs[i]!)));
    pruning = false;
    await watching;
    lows.push(await lowNow());
    await store.feed.refreshLows();
    expect(lows).toEqual([...lows].sort((a, b) => a - b));
    const low = store.feed.low(0);
    expect(low).toBeGreaterThanOrEqual(51);
    // Events equal in time to a cutoff's neighbour may stay; everything from the low mark on is there.
    const left = await feedSeqs(store);
    expect(left).toEqual(Array.from({ length: 60 - low + 1 }, (_, i) => low + i));
  });
});

describe('a resume while a prune runs', () => {
  it('never skips: it replays in order up to the pruned part, then ends with CURSOR_EXPIRED', async () => {
    const { db, store } = await fresh('rduring');
    await appendTestEvents(store, 'd', 400);
    // A subscriber at the start of the feed with room for 100 events: it replays at its own pace.
    const sub = store.hub.subscribe({ after: encodeCursor([0]), filter: () => true, maxQueue: 100 });
    const first: FeedRow[] = [];
    for (let i = 0; i < 10; i++) first.push((await within(sub.next(), 10_000, 'replayed event')).value!.row);
    // Another replica prunes everything while this replay is under way.
    const other = await replica(db);
    await other.store.init();
    await other.store.feed.prune(new Date(Date.now() + 60_000));
    const rest = await drain(sub, () => false);
    const seqs = [...first, ...rest.rows].map((r) => r.s);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // contiguous from 1: nothing skipped
    expect(seqs.length).toBeLessThan(400);
    expect(rest.error?.code).toBe('BAD_USER_INPUT');
    expect(rest.error?.details).toEqual({ field: 'after', reason: 'CURSOR_EXPIRED' });
  });

  it('does not jump over slots an older prune deleted before recording its low mark', async () => {
    const { store } = await fresh('rlegacy');
    await appendTestEvents(store, 'l', 20);
    // Slots 1..10 deleted, low mark still 1: what the older prune left while it ran, or when it died.
    for (let s = 1; s <= 10; s++) await store.models.feed.deleteOne({ _id: slotId(0, s) });
    const sub = store.hub.subscribe({ after: encodeCursor([0]), filter: () => true });
    // This process's next prune runs meanwhile.
    const pruning = store.feed.prune(new Date(Date.now() + 60_000));
    const got = await drain(sub, () => false);
    await pruning;
    expect(got.rows).toEqual([]);
    expect(got.error?.details).toEqual({ field: 'after', reason: 'CURSOR_EXPIRED' });
  });
});
