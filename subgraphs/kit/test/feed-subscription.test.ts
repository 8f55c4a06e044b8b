// The kit's feed subscription against the real database: tenancy by the event's acl, the typed filter,
// the payload's common fields, resume with `after`, and an expired cursor ending with a resync error.
import {
  type ChangeStore,
  type DomainError,
  type EntityDoc,
  entityModel,
  type FeedContext,
  feedSubscription,
  type Identity,
} from '@daas/kit';
import type { Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testChangeStore, testDatabase } from '../../../tests/support/db.js';

interface Gadget extends EntityDoc {
  vendor: string;
}

let db: Awaited<ReturnType<typeof testDatabase>>;
let store: ChangeStore;
let Gadgets: Model<Gadget>;

const field = feedSubscription<{ vendor?: string }, FeedContext>({
  entityType: 'Gadget',
  entityField: 'gadget',
  filter: (f) => (g) => !f?.vendor || g.vendor === f.vendor,
  present: (v) => (v ? v.toUpperCase() : null),
});

const ctx = (identity: Identity): FeedContext => ({ identity, env: { kit: { changes: store } } });
const vendorA = { accountId: 'VA-000-00A', role: 'VENDOR' as const };
const vendorB = { accountId: 'VA-000-00B', role: 'VENDOR' as const };
const operator = { accountId: 'OA-000-001', role: 'OPERATOR' as const };

async function make(id: string, vendor: Identity) {
  await store.create({
    model: Gadgets,
    entityType: 'Gadget',
    doc: { _id: id, vendor: vendor.accountId, status: 'draft', _acl: [vendor.accountId] },
    actor: vendor,
    partitionKey: vendor.accountId,
  });
  await store.change<Gadget>({
    model: Gadgets,
    entityType: 'Gadget',
    id,
    actor: vendor,
    partitionKey: () => vendor.accountId,
    decide: () => ({ kind: 'published', to: 'published', set: {} }),
  });
}

/** Takes `n` payloads (resolving each as the GraphQL layer would), or fails after a while. */
async function take(it: AsyncIterableIterator<unknown>, n: number, c: FeedContext) {
  const out: ReturnType<typeof field.resolve>[] = [];
  while (out.length < n) {
    const next = await Promise.race([
      it.next(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`only ${out.length} of ${n}`)), 5000),
      ),
    ]);
    if (next.done) break;
    out.push(field.resolve(next.value as never, {}, c));
  }
  return out;
}

beforeAll(async () => {
  db = await testDatabase('kitsub');
  Gadgets = entityModel<Gadget>(db.conn, 'Gadget', 'gadgets', { vendor: String, status: String });
  store = await testChangeStore(db, { entities: [Gadgets], partitions: 2, pollMs: 20, start: true });
});

afterAll(async () => {
  await store.stop();
  await db.conn.dropDatabase();
  await db.close();
});

describe('feedSubscription', () => {
  it('gives each subscriber the changes it may see and its filter selects, with the common payload', async () => {
    const a = field.subscribe(null, {}, ctx(vendorA));
    const b = field.subscribe(null, {}, ctx(vendorB));
    const opOnlyB = field.subscribe(null, { filter: { vendor: vendorB.accountId } }, ctx(operator));
    await make('G-A1', vendorA);
    await make('G-B1', vendorB);
    const [gotA, gotB, gotOp] = await Promise.all([
      take(a, 2, ctx(vendorA)),
      take(b, 2, ctx(vendorB)),
      take(opOnlyB, 2, ctx(operator)),
    ]);
    expect(gotA.map((e) => [(e.gadget as Gadget)._id, e.kind, e.previousStatus, e.status])).toEqual([
      ['G-A1', 'CREATED', null, 'DRAFT'],
      ['G-A1', 'PUBLISHED', 'DRAFT', 'PUBLISHED'],
    ]);
    // the actor is resolved only when selected (graphql-js calls a function-valued field)
    expect(gotA[1]).toMatchObject({ actorRole: 'VENDOR' });
    expect((gotA[1]!.actor as () => unknown)()).toEqual({ id: vendorA.accountId });
    expect(gotA[1]!.cursor).toMatch(/^c1-\d+-\d+$/);
    expect(gotB.map((e) => (e.gadget as Gadget)._id)).toEqual(['G-B1', 'G-B1']);
    expect(gotOp.map((e) => (e.gadget as Gadget)._id)).toEqual(['G-B1', 'G-B1']);
    // nothing else is pending for A: B's changes never reached it
    const more = await Promise.race([a.next(), new Promise((r) => setTimeout(() => r('nothing'), 300))]);
    expect(more).toBe('nothing');
    await Promise.all([a, b, opOnlyB].map((s) => s.return?.()));
  });

  it('resumes after a cursor, and ends with CURSOR_EXPIRED when that cursor was pruned', async () => {
    const live = field.subscribe(null, {}, ctx(vendorA));
    await make('G-A2', vendorA);
    const [first] = await take(live, 1, ctx(vendorA));
    await make('G-A3', vendorA);
    const resumed = field.subscribe(null, { after: first!.cursor }, ctx(vendorA));
    const got = await take(resumed, 3, ctx(vendorA));
    expect(got.map((e) => `${(e.gadget as Gadget)._id}:${e.kind}`)).toEqual([
      'G-A2:PUBLISHED',
      'G-A3:CREATED',
      'G-A3:PUBLISHED',
    ]);
    await Promise.all([live, resumed].map((s) => s.return?.()));

    await store.feed.prune(new Date(Date.now() + 60_000));
    const expired = field.subscribe(null, { after: first!.cursor }, ctx(vendorA));
    const next = await expired.next();
    expect(next.done).toBe(false);
    let error: DomainError | null = null;
    try {
      field.resolve(next.value as never, {}, ctx(vendorA));
    } catch (e) {
      error = e as DomainError;
    }
    expect(error?.code).toBe('BAD_USER_INPUT');
    expect(error?.details).toMatchObject({ field: 'after', reason: 'CURSOR_EXPIRED' });
    expect(error?.message).toContain('resync');
    expect((await expired.next()).done).toBe(true);
  });
});
