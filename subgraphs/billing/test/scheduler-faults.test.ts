// The scheduler's exactly-once promise with real processes on the real database: two runners at once
// bill every period once between them; a runner killed (kill -9) mid-run and run again leaves no period
// billed twice or skipped. Runners are subgraphs/billing/src/run-billing.ts (tests/support/faults.ts).
import type { ChildProcess } from 'node:child_process';
import { type Database, openDatabase } from '@daas/kit';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { testChangeStore, uniquePrefix } from '../../../tests/support/db.js';
import { billingRunInChild } from '../../../tests/support/faults.js';
import { silentLogger } from '../../../tests/support/log.js';
import { billingRequestId, type RunStats } from '../src/flows/scheduler.js';
import { type AssetBillingDoc, billingModels } from '../src/models/index.js';
import { D, ITEM_A, MP, PRODUCT, V } from './world.js';

const ANCHOR = new Date('2026-01-15T00:00:00Z');
/** four monthly periods have ended by then (Feb 15, Mar 15, Apr 15, May 15) */
const AT = new Date('2026-05-20T00:00:00Z');
const PERIODS = 4;

const opened: Database[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
});

/** A billing database with `n` active monthly assets anchored on ANCHOR, loaded in bulk, and a price list. */
async function seeded(n: number) {
  const prefix = uniquePrefix('bf');
  const db = openDatabase({ uri: inject('mongoUri'), name: `${prefix}billing`, log: silentLogger() });
  opened.push(db);
  await db.connected();
  const models = billingModels(db.conn);
  const changes = await testChangeStore(db, { entities: Object.values(models) });
  const now = new Date();
  const assets = Array.from({ length: n }, (_, i) => `AS-2000-0000-${String(i + 1).padStart(4, '0')}`);
  // test data only: written in bulk, as a loader would, not through the change store
  await models.AssetBilling.collection.insertMany(
    assets.map((id) => ({
      _id: id,
      version: 1,
      status: 'active',
      product: PRODUCT,
      marketplace: MP,
      vendor: V,
      provider: D,
      distributor: D,
      period: 'monthly',
      anchorAt: ANCHOR,
      billedPeriods: 0,
      nextBillingAt: new Date('2026-02-15T00:00:00Z'),
      segments: [{ from: ANCHOR, state: 'active', items: [{ item: ITEM_A, mpn: 'SEAT', quantity: '2' }] }],
      _acl: [V, D],
      createdAt: now,
      updatedAt: now,
    })) as never,
  );
  const version = {
    number: 1,
    status: 'active',
    effectiveAt: new Date('2026-01-01T00:00:00Z'),
    expiredAt: null,
    createdAt: now,
    points: [{ item: ITEM_A, cost: '8.00', price: '10.00', msrp: null }],
  };
  await models.PriceList.collection.insertOne({
    _id: 'PL-100-100-100',
    version: 2,
    product: PRODUCT,
    marketplace: MP,
    vendor: V,
    distributor: D,
    currency: 'USD',
    name: 'Seats',
    versions: [version],
    _acl: [V, D],
    createdAt: now,
    updatedAt: now,
  } as never);
  return { prefix, models, changes, assets };
}

function finished(child: ChildProcess): Promise<RunStats> {
  let out = '';
  child.stdout!.on('data', (c) => {
    out += c;
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
        : reject(new Error(`runner exited ${code}`)),
    ),
  );
}

async function until(check: () => Promise<boolean>, what: string, ms = 300_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every asset billed for exactly PERIODS periods, both sides, totals right, and moved on past them. */
async function expectBilledOnce(s: Awaited<ReturnType<typeof seeded>>) {
  const docs = await s.models.BillingRequest.find({}, { _id: 1, total: 1, status: 1 }).lean();
  expect(docs).toHaveLength(s.assets.length * PERIODS * 2);
  const ids = new Set(docs.map((d) => d._id));
  const missing = s.assets.flatMap((a) =>
    Array.from({ length: PERIODS }, (_, n) => [
      billingRequestId('vendor', a, n),
      billingRequestId('provider', a, n),
    ])
      .flat()
      .filter((id) => !ids.has(id)),
  );
  expect(missing).toEqual([]);
  expect(new Set(docs.map((d) => `${d._id.slice(0, 3)} ${d.total} ${d.status}`))).toEqual(
    new Set(['BRV 16 pending', 'BRP 20 pending']),
  );
  // one creation per request in the audit (the change store's compare-and-set), none voided twice over
  const creations = await s.changes.models.changes.countDocuments({
    entityType: 'BillingRequest',
    version: 1,
    void: { $ne: true },
  });
  expect(creations).toBe(docs.length);
  const billings = await s.models.AssetBilling.find().lean<AssetBillingDoc[]>();
  expect(new Set(billings.map((b) => `${b.billedPeriods} ${b.nextBillingAt.toISOString()}`))).toEqual(
    new Set([`${PERIODS} 2026-06-15T00:00:00.000Z`]),
  );
}

describe('billing runners', () => {
  it('two at once create each request once between them', async () => {
    const s = await seeded(40);
    const [a, b] = await Promise.all([
      finished(billingRunInChild(inject('mongoUri'), s.prefix, AT)),
      finished(billingRunInChild(inject('mongoUri'), s.prefix, AT)),
    ]);
    expect(a.created + b.created).toBe(40 * PERIODS * 2);
    await expectBilledOnce(s);
    console.log(
      `two runners: ${a.created} + ${b.created} created, ${a.existing} + ${b.existing} found existing`,
    );
  }, 600_000);

  it('a runner killed mid-run and run again bills no period twice and skips none', async () => {
    const s = await seeded(60);
    const first = billingRunInChild(inject('mongoUri'), s.prefix, AT);
    const exited = new Promise((r) => first.on('exit', r));
    await until(
      async () => (await s.models.BillingRequest.estimatedDocumentCount()) >= 40,
      'the first requests',
    );
    first.kill('SIGKILL');
    await exited;
    const before = await s.models.BillingRequest.countDocuments();
    expect(before).toBeLessThan(60 * PERIODS * 2); // it really was killed mid-run
    const again = await finished(billingRunInChild(inject('mongoUri'), s.prefix, AT));
    // what the killed runner left between a compare-and-set and its document, the service's periodic
    // sweep finishes; here the test runs that sweep once
    await s.changes.recoverPending(0);
    await expectBilledOnce(s);
    console.log(
      `killed after ${before} requests; the second run created ${again.created}, found ${again.existing}`,
    );
  }, 600_000);
});
