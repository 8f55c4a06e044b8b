import {
  ChangeStore,
  conflict,
  type Decision,
  DomainError,
  type EntityDoc,
  entityModel,
  type FeedRow,
  openDatabase,
  partitionOf,
} from '@daas/kit';
import type { Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testChangeStore, testDatabase } from '../../../tests/support/db.js';
import { silentLogger } from '../../../tests/support/log.js';

interface Thing extends EntityDoc {
  name: string;
  vendor: string;
  note?: string;
}

const actor = { accountId: 'VA-000-001', role: 'VENDOR' as const };

let db: Awaited<ReturnType<typeof testDatabase>>;
let store: ChangeStore;
let Things: Model<Thing>;

beforeAll(async () => {
  db = await testDatabase('kit');
  Things = entityModel<Thing>(db.conn, 'Thing', 'things', { name: String, vendor: String, status: String });
  store = await testChangeStore(db, {
    entities: [Things],
    partitions: 2,
    pollMs: 20,
    graceMs: 300,
    start: true,
  });
});

afterAll(async () => {
  await store.stop();
  await db.conn.dropDatabase();
  await db.close();
});

async function createThing(id: string, vendor = 'VA-000-001') {
  return store.create<Thing>({
    model: Things,
    entityType: 'Thing',
    doc: { _id: id, name: id, vendor, status: 'pending', _acl: [vendor] },
    actor,
    partitionKey: vendor,
  });
}

/** A change of a Thing, by this process's store or by another writer (`via`) on the same database. */
function changeThing(
  id: string,
  decide: (doc: Thing) => Decision,
  via: { store: ChangeStore; model: Model<Thing> } = { store, model: Things },
) {
  return via.store.change<Thing>({
    model: via.model,
    entityType: 'Thing',
    id,
    actor,
    partitionKey: (d) => d.vendor,
    decide,
  });
}

function decideTo(to: string) {
  return (doc: Thing) => {
    if (doc.status !== 'pending') throw conflict(`Thing ${doc._id} is ${doc.status}`, doc.status);
    return { kind: to, to, set: {} };
  };
}

describe('ChangeStore', () => {
  it('creates an entity with version 1 and a created event', async () => {
    const { doc, created } = await createThing('T-1');
    expect(created).toBe(true);
    expect(doc.version).toBe(1);
    const stored = await Things.findById('T-1').lean();
    expect(stored?.status).toBe('pending');
    const history = await store.history('T-1');
    expect(history.map((h) => h.kind)).toEqual(['created']);
    await expect(createThing('T-1')).rejects.toThrow(/already exists/);
  });

  it('lets exactly one of 50 concurrent transitions win; the others get CONFLICT naming the status', async () => {
    await createThing('T-RACE');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => changeThing('T-RACE', decideTo(i % 2 ? 'approved' : 'failed'))),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    const final = (await Things.findById('T-RACE').lean())!;
    for (const r of lost) {
      expect(r.reason).toBeInstanceOf(DomainError);
      expect((r.reason as DomainError).code).toBe('CONFLICT');
      expect((r.reason as DomainError).details.currentStatus).toBe(final.status);
    }
    expect(final.version).toBe(2);
    const events = await store.models.feed.find({ entityId: 'T-RACE' }).lean();
    expect(events.map((e) => e.kind).sort()).toEqual(['created', final.status].sort());
  });

  it('serialises concurrent non-conflicting edits instead of losing one', async () => {
    await createThing('T-EDIT');
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        changeThing('T-EDIT', (d) => ({
          kind: 'updated',
          set: { [`field${i}`]: i, note: `${d.note ?? ''}${i}` },
        })),
      ),
    );
    const final = (await Things.findById('T-EDIT').lean()) as unknown as Record<string, unknown>;
    expect(final.version).toBe(11);
    for (let i = 0; i < 10; i++) expect(final[`field${i}`]).toBe(i);
    expect(String(final.note).split('').sort()).toEqual('0123456789'.split(''));
  });

  it('returns the first entity for a repeated idempotency key, even under concurrency', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.create<Thing>({
          model: Things,
          entityType: 'Thing',
          doc: { _id: `T-IDEM-${i}`, name: 'idem', vendor: 'VA-000-002', status: 'pending', _acl: [] },
          actor,
          partitionKey: 'VA-000-002',
          idempotencyKey: 'thing:VA-000-002:key-1',
        }),
      ),
    );
    const ids = new Set(results.map((r) => r.doc._id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await Things.countDocuments({ name: 'idem' })).toBe(1);
  });

  it('finishes a change whose writer died after the compare-and-set', async () => {
    await createThing('T-CRASH');
    // What a writer leaves when killed right after step 2: a marker and a change row, nothing applied.
    await store.models.pending.collection.insertOne({
      _id: 'marker-crash',
      changeId: 'T-CRASH#2',
      at: new Date(Date.now() - 60_000),
    } as never);
    await store.models.changes.collection.insertOne({
      _id: 'T-CRASH#2',
      collection: 'things',
      entityType: 'Thing',
      entityId: 'T-CRASH',
      version: 2,
      kind: 'approved',
      from: 'pending',
      to: 'approved',
      set: { status: 'approved', updatedAt: new Date() },
      unset: [],
      node: { _id: 'T-CRASH', status: 'approved', version: 2, _acl: ['VA-000-001'] },
      actor,
      at: new Date(),
      partition: 0,
      acl: ['VA-000-001'],
    } as never);
    // The store's own periodic sweep may get there first; either way the change must be finished.
    await store.recoverPending(0);
    const doc = await Things.findById('T-CRASH').lean();
    expect(doc?.status).toBe('approved');
    expect(doc?.version).toBe(2);
    const events = await store.models.feed.find({ key: 'T-CRASH#2' }).lean();
    expect(events).toHaveLength(1);
    // Recovering again appends nothing twice.
    await store.models.pending.collection.insertOne({
      _id: 'm2',
      changeId: 'T-CRASH#2',
      at: new Date(0),
    } as never);
    await store.recoverPending(0);
    expect(await store.models.feed.countDocuments({ key: 'T-CRASH#2' })).toBe(1);
  });

  it('delivers events in order to subscribers and resumes from a cursor without loss or duplicates', async () => {
    const seen: string[] = [];
    const live = store.hub.subscribe({ filter: (r) => r.entityId.startsWith('T-SUB') });
    const collect = (async () => {
      for await (const e of live) {
        seen.push(`${e.row.entityId}:${e.row.kind}`);
        if (seen.length === 6) break;
      }
    })();
    for (let i = 0; i < 3; i++) await createThing(`T-SUB-${i}`, `VA-00${i}-000`);
    let cursor = '';
    // "From now" means from the hub's position, which may trail the creations by a poll: filter kinds.
    const first = store.hub.subscribe({
      filter: (r) => r.entityId.startsWith('T-SUB') && r.kind === 'approved',
    });
    for (let i = 0; i < 3; i++) {
      await changeThing(`T-SUB-${i}`, decideTo('approved'));
    }
    const firstEvent = await first.next();
    cursor = firstEvent.value!.cursor;
    await first.return?.();
    await collect;
    expect(seen.filter((s) => s.endsWith(':created'))).toHaveLength(3);
    expect(seen.filter((s) => s.endsWith(':approved'))).toHaveLength(3);
    // Order holds per partition only: the first event may be any of the three approvals.
    const firstId = firstEvent.value!.row.entityId;
    expect(firstEvent.value!.row.kind).toBe('approved');
    const resumed = store.hub.subscribe({
      after: cursor,
      filter: (r) => r.entityId.startsWith('T-SUB') && r.kind !== 'created',
    });
    const replay: string[] = [];
    for (let i = 0; i < 2; i++) {
      const e = (await resumed.next()).value!;
      replay.push(`${e.row.entityId}:${e.row.kind}`);
    }
    expect(replay.sort()).toEqual(
      ['T-SUB-0', 'T-SUB-1', 'T-SUB-2'].filter((id) => id !== firstId).map((id) => `${id}:approved`),
    );
    // The seam: the next event after the replay is a new live one, not a repeat.
    await changeThing('T-SUB-0', () => ({ kind: 'updated', set: { note: 'after' } }));
    const next = (await resumed.next()).value!;
    expect(`${next.row.entityId}:${next.row.kind}`).toBe('T-SUB-0:updated');
    await resumed.return?.();
  });
  it('replays from a cursor for a subscriber that arrives before the process has found the feed heads', async () => {
    // A restarted subgraph listens while its change feed starts; a gateway resuming at that moment
    // must still get every event between its cursor and the head (a CI run once lost one here).
    const mark = store.hub.subscribe({ filter: (r) => r.entityId === 'T-EARLY-0' });
    await createThing('T-EARLY-0');
    const cursor = (await mark.next()).value!.cursor;
    await mark.return?.();
    for (let i = 1; i <= 3; i++) await createThing(`T-EARLY-${i}`);
    const replica = openDatabase({ uri: inject('mongoUri'), name: db.name, log: silentLogger() });
    await replica.connected();
    const restarted = new ChangeStore(replica.conn, {
      partitions: 2,
      pollMs: 20,
      retentionHours: 1,
      dialect: () => db.dialect(),
      log: silentLogger(),
    });
    const early = restarted.hub.subscribe({ after: cursor, filter: (r) => r.entityId.startsWith('T-EARLY') });
    await restarted.start();
    try {
      const got: string[] = [];
      const within = (ms: number) =>
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`only ${got.length} of 3`)), ms));
      for (let i = 0; i < 3; i++)
        got.push((await Promise.race([early.next(), within(10_000)])).value!.row.entityId);
      expect(got.sort()).toEqual(['T-EARLY-1', 'T-EARLY-2', 'T-EARLY-3']);
    } finally {
      await early.return?.();
      await restarted.stop();
      await replica.close();
    }
  });
});

describe('ChangeStore with a unique index on the entity', () => {
  it('refuses a creation that breaks it, voids the change and emits no event', async () => {
    const Coded = entityModel<Thing & { code: string }>(db.conn, 'Coded', 'coded_things', { code: String }, [
      [{ code: 1 }, { unique: true }],
    ]);
    await Coded.createIndexes();
    const make = (id: string) =>
      store.create<Thing & { code: string }>({
        model: Coded,
        entityType: 'Coded',
        doc: { _id: id, name: id, vendor: 'VA-000-001', code: 'SAME', status: 'draft', _acl: [] },
        actor,
        partitionKey: 'VA-000-001',
      });
    await make('C-1');
    const err = await make('C-2').catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('CONFLICT');
    expect(await Coded.exists({ _id: 'C-2' })).toBeNull();
    expect((await store.models.changes.findById('C-2#1').lean())?.void).toBe(true);
    expect(await store.models.feed.countDocuments({ key: 'C-2#1' })).toBe(0);
  });
});

/** Another process's writer on the same database, which holds at `step` of change `changeId` until released. */
async function stalledWriter(step: 'apply' | 'append', changeId: string, graceMs = 300) {
  const conn = openDatabase({ uri: inject('mongoUri'), name: db.name, log: silentLogger() });
  await conn.connected();
  let reached!: () => void;
  let release!: () => void;
  const atStep = new Promise<void>((r) => {
    reached = r;
  });
  const released = new Promise<void>((r) => {
    release = r;
  });
  const writer = new ChangeStore(conn.conn, {
    partitions: 2,
    pollMs: 20,
    retentionHours: 1,
    graceMs,
    dialect: () => conn.dialect(),
    log: silentLogger(),
    pauseAt: async (at, row) => {
      if (at !== step || row._id !== changeId) return;
      reached();
      await released;
    },
  });
  const WriterThings = entityModel<Thing>(conn.conn, 'Thing', 'things', {
    name: String,
    vendor: String,
    status: String,
  });
  writer.register(WriterThings);
  await writer.init();
  return {
    note: (id: string, note: string) =>
      changeThing(id, () => ({ kind: 'updated', set: { note } }), { store: writer, model: WriterThings }),
    atStep,
    release,
    close: async () => {
      release();
      await writer.stop();
      await conn.close();
    },
  };
}

const note = (id: string, text: string) => changeThing(id, () => ({ kind: 'updated', set: { note: text } }));

/** The versions of an entity's events in feed order (its partition's order). */
async function feedVersions(entityId: string): Promise<number[]> {
  const events = await store.models.feed.find({ entityId }).lean<FeedRow[]>();
  return events.sort((a, b) => a.s - b.s).map((e) => e.version);
}

describe('ChangeStore under stalled writers', () => {
  it("appends an entity's events in version order when a writer stalls between apply and append", async () => {
    await createThing('T-ORDER');
    const stalled = await stalledWriter('append', 'T-ORDER#2');
    try {
      const second = stalled.note('T-ORDER', 'two');
      await stalled.atStep; // version 2 is applied; its event is not appended
      expect((await Things.findById('T-ORDER').lean())?.version).toBe(2);
      // Version 3 is decided on version 2 and must not reach the feed before version 2's event.
      await note('T-ORDER', 'three');
      stalled.release();
      await second;
      expect(await feedVersions('T-ORDER')).toEqual([1, 2, 3]);
      expect((await store.models.changes.findById('T-ORDER#2').lean())?.fed).toBe(true);
    } finally {
      await stalled.close();
    }
  });

  it('does not roll an entity back when recovery finished a stalled change and a newer one followed', async () => {
    await createThing('T-ROLL');
    const stalled = await stalledWriter('apply', 'T-ROLL#2');
    try {
      const late = stalled.note('T-ROLL', 'two');
      await stalled.atStep; // the change row of version 2 exists; the writer holds before applying it
      // Recovery finishes version 2 for it once its marker is older than the grace period (300 ms here).
      const deadline = Date.now() + 20_000;
      while ((await Things.findById('T-ROLL').lean())?.version !== 2) {
        if (Date.now() > deadline) throw new Error('recovery did not finish the stalled change');
        await store.recoverPending();
        await new Promise((r) => setTimeout(r, 50));
      }
      await note('T-ROLL', 'three');
      stalled.release(); // the late writer now applies version 2 again
      await late;
      const doc = await Things.findById('T-ROLL').lean();
      expect(doc?.version).toBe(3);
      expect(doc?.note).toBe('three');
      expect(await feedVersions('T-ROLL')).toEqual([1, 2, 3]);
    } finally {
      await stalled.close();
    }
  });
});

describe('ChangeStore on rows of an older version', () => {
  it('takes a change row marked applied but not fed (written before `fed` existed) as fed', async () => {
    await createThing('T-OLDROW');
    await note('T-OLDROW', 'two');
    await store.models.changes.updateMany({ entityId: 'T-OLDROW' }, { $unset: { fed: '', slot: '' } });
    // Another process, with a grace period longer than this test may take: it must not wait for one.
    const other = await stalledWriter('apply', 'none', 600_000);
    try {
      await other.note('T-OLDROW', 'three');
      expect(await feedVersions('T-OLDROW')).toEqual([1, 2, 3]);
    } finally {
      await other.close();
    }
  });
});

describe('ChangeStore recovery', () => {
  it('finishes the other interrupted changes when one of them cannot be finished', async () => {
    await createThing('T-BROKEN');
    await createThing('T-FINE');
    const crashed = (id: string, extra: Record<string, unknown>) => ({
      _id: `${id}#2`,
      collection: 'things',
      entityType: 'Thing',
      entityId: id,
      version: 2,
      kind: 'approved',
      from: 'pending',
      to: 'approved',
      set: { status: 'approved', updatedAt: new Date() },
      unset: [],
      node: { _id: id, status: 'approved', version: 2, _acl: ['VA-000-001'] },
      actor,
      at: new Date(),
      partition: 0,
      acl: ['VA-000-001'],
      ...extra,
    });
    // The first marker's change has an effect on a collection this process does not know: it fails.
    await store.models.changes.collection.insertOne(
      crashed('T-BROKEN', {
        effects: [
          { collection: 'nowhere', entityType: 'X', entityId: 'X-1', kind: 'x', set: {}, partitionKey: 'x' },
        ],
      }) as never,
    );
    await store.models.changes.collection.insertOne(crashed('T-FINE', {}) as never);
    await store.models.pending.collection.insertOne({
      _id: 'marker-broken',
      changeId: 'T-BROKEN#2',
      at: new Date(Date.now() - 120_000),
    } as never);
    await store.models.pending.collection.insertOne({
      _id: 'marker-fine',
      changeId: 'T-FINE#2',
      at: new Date(Date.now() - 60_000),
    } as never);
    try {
      await store.recoverPending(0);
      await store.recoverPending(0);
      expect((await Things.findById('T-FINE').lean())?.status).toBe('approved');
      expect(await store.models.pending.exists({ _id: 'marker-fine' })).toBeNull();
      // the failing one stays, to be tried again
      expect(await store.models.pending.exists({ _id: 'marker-broken' })).not.toBeNull();
    } finally {
      await store.models.pending.deleteOne({ _id: 'marker-broken' });
    }
  });
});

describe('ChangeStore on a replica set', () => {
  it('writes the change mechanism with majority write concern and reads events at majority', async () => {
    const conn = openDatabase({
      uri: inject('mongoUri'),
      name: db.name,
      log: silentLogger(),
      onCommand: () => {},
    });
    await conn.connected();
    const sent: { name: string; collection: string; command: Record<string, unknown> }[] = [];
    conn.conn.getClient().on('commandStarted', (e) => {
      const collection = (e.command as Record<string, unknown>)[e.commandName];
      sent.push({ name: e.commandName, collection: String(collection), command: e.command });
    });
    const watched = new ChangeStore(conn.conn, {
      partitions: 2,
      pollMs: 20,
      retentionHours: 1,
      dialect: () => conn.dialect(),
      log: silentLogger(),
    });
    const WatchedThings = entityModel<Thing>(conn.conn, 'Thing', 'things', { name: String, status: String });
    watched.register(WatchedThings);
    await watched.init();
    try {
      await watched.create<Thing>({
        model: WatchedThings,
        entityType: 'Thing',
        doc: { _id: 'T-WC', name: 'wc', vendor: 'VA-000-001', status: 'pending', _acl: [] },
        actor,
        partitionKey: 'VA-000-001',
      });
      await changeThing('T-WC', () => ({ kind: 'updated', set: { note: 'wc' } }), {
        store: watched,
        model: WatchedThings,
      });
      const reads = await watched.feed.read(partitionOf('VA-000-001', 2), 1, 2);
      expect(reads.length).toBeGreaterThan(0);
      const mechanism = ['changes', 'feed', 'pending_changes', 'idempotency_claims', 'feed_meta', 'things'];
      const writes = sent.filter((c) => ['insert', 'update', 'delete'].includes(c.name));
      expect(new Set(writes.map((w) => w.collection))).toEqual(
        new Set(['changes', 'feed', 'pending_changes', 'things']),
      );
      for (const w of writes.filter((c) => mechanism.includes(c.collection))) {
        expect(w.command.writeConcern, `${w.name} ${w.collection}`).toEqual({ w: 'majority' });
      }
      const feedReads = sent.filter((c) => c.name === 'find' && c.collection === 'feed');
      expect(feedReads.length).toBeGreaterThan(0);
      expect(feedReads.some((r) => (r.command.readConcern as { level?: string })?.level === 'majority')).toBe(
        true,
      );
      // and reads go to the primary (every path: consistency.test.ts)
      expect(conn.conn.getClient().readPreference.mode).toBe('primary');
    } finally {
      await conn.close();
    }
  });
});
