import { ChangeStore, conflict, DomainError, type EntityDoc, entityModel, openDatabase } from '@daas/kit';
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
      Array.from({ length: 50 }, (_, i) =>
        store.change<Thing>({
          model: Things,
          entityType: 'Thing',
          id: 'T-RACE',
          actor,
          partitionKey: (d) => d.vendor,
          decide: decideTo(i % 2 ? 'approved' : 'failed'),
        }),
      ),
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
        store.change<Thing>({
          model: Things,
          entityType: 'Thing',
          id: 'T-EDIT',
          actor,
          partitionKey: (d) => d.vendor,
          decide: (d) => ({ kind: 'updated', set: { [`field${i}`]: i, note: `${d.note ?? ''}${i}` } }),
        }),
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
      await store.change<Thing>({
        model: Things,
        entityType: 'Thing',
        id: `T-SUB-${i}`,
        actor,
        partitionKey: (d) => d.vendor,
        decide: decideTo('approved'),
      });
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
    await store.change<Thing>({
      model: Things,
      entityType: 'Thing',
      id: 'T-SUB-0',
      actor,
      partitionKey: (d) => d.vendor,
      decide: () => ({ kind: 'updated', set: { note: 'after' } }),
    });
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
