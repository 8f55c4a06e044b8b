// Pay-as-you-go usage into billing, against the real database: closed usage files (the usage domain's
// answers fixed in world.ts) reconciled into the billing requests of their records' periods, at the
// version that priced each period; records outside any open period reported; a file whose period is not
// billed yet waits; reconciling again, or twice at once, bills nothing twice. Amounts computed by hand.
import { ManualClock } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingRequestId } from '../src/domain/lines.js';
import type { UsageRecordFacts } from '../src/domain/usage.js';
import { actOnBillingRequest } from '../src/flows/billing-requests.js';
import { observeAsset } from '../src/flows/observe.js';
import {
  activatePriceListVersion,
  createPriceList,
  createPriceListVersion,
} from '../src/flows/price-lists.js';
import { runBilling } from '../src/flows/scheduler.js';
import { reconcileUsageFile } from '../src/flows/usage.js';
import type { BillingRequestDoc } from '../src/models/index.js';
import type { UsageFileFacts } from '../src/peers.js';
import {
  billingWorld,
  D,
  distributor,
  ITEM_A,
  ITEM_U,
  MP,
  PRODUCT,
  R,
  reseller,
  snapshot,
  V,
  vendor,
} from './world.js';

const U1 = 'AS-5000-0000-0001'; // SEAT 1 + CALLS, anchored 2026-01-10
const U2 = 'AS-5000-0000-0002'; // CALLS only (pay-as-you-go), anchored 2026-02-01
const clock = new ManualClock('2026-01-02T00:00:00Z');
let world: Awaited<ReturnType<typeof billingWorld>>;

const file = (id: string, from: string, to: string): UsageFileFacts => ({
  id,
  product: PRODUCT,
  marketplace: MP,
  vendor: V,
  provider: D,
  period: { from, to },
});
const rec = (id: string, asset: string | null, quantity: string | null, start: string): UsageRecordFacts => ({
  id,
  asset,
  item: ITEM_U,
  mpn: 'CALLS',
  quantity,
  startTime: new Date(start),
});
const F1 = file('UF-2026-02-0001-0001', '2026-02-01', '2026-02-28');
const F1_RECORDS = [
  rec('UR-0001-0001-00000001', U1, '1000', '2026-02-05T10:00:00Z'), // U1 period 0 (Jan 10 – Feb 10)
  rec('UR-0001-0001-00000002', U1, '250.5', '2026-02-20T10:00:00Z'), // U1 period 1 (Feb 10 – Mar 10)
  rec('UR-0001-0001-00000003', U1, '749.5', '2026-02-25T10:00:00Z'), // U1 period 1
  rec('UR-0001-0001-00000004', U2, '333', '2026-02-03T00:00:00Z'), // U2 period 0 (Feb 1 – Mar 1)
  rec('UR-0001-0001-00000005', U2, '10', '2026-01-15T00:00:00Z'), // before U2's billing started
  rec('UR-0001-0001-00000006', 'AS-5000-0000-0099', '5', '2026-02-03T00:00:00Z'), // an asset not billed
  rec('UR-0001-0001-00000007', U1, null, '2026-02-03T00:00:00Z'), // an amount record (not QT)
];
const F2 = file('UF-2026-04-0002-0001', '2026-04-01', '2026-04-30');
const F2_RECORDS = [
  rec('UR-0002-0001-00000001', U1, '100', '2026-04-05T00:00:00Z'), // U1 period 2 (Mar 10 – Apr 10): version 1
  rec('UR-0002-0001-00000002', U1, '100', '2026-04-15T00:00:00Z'), // U1 period 3 (Apr 10 – May 10): version 2
];

async function billUntil(day: string) {
  await runBilling(world.env, new Date(day));
  clock.set(day);
}

const req = (side: 'vendor' | 'provider', asset: string, n: number) =>
  world.env.models.BillingRequest.findById(billingRequestId(side, asset, n)).lean<BillingRequestDoc>();

beforeAll(async () => {
  world = await billingWorld('billing_usage', clock);
  const { env } = world;
  let list = await createPriceList(env, vendor, {
    product: PRODUCT,
    marketplace: MP,
    currency: 'USD',
    name: 'x',
  });
  list = await createPriceListVersion(env, vendor, list, [
    { item: ITEM_A, cost: '8', price: '10' },
    { item: ITEM_U, cost: '0.012', price: '0.02' },
  ]);
  list = await activatePriceListVersion(env, vendor, list, 1, new Date('2026-01-01T00:00:00Z'));
  list = await createPriceListVersion(env, vendor, list, [
    { item: ITEM_A, cost: '8', price: '10' },
    { item: ITEM_U, cost: '0.015', price: '0.025' },
  ]);
  await activatePriceListVersion(env, vendor, list, 2, new Date('2026-03-15T00:00:00Z'));
  clock.set('2026-01-10T09:00:00Z');
  await observeAsset(
    env,
    snapshot(
      U1,
      'active',
      [
        [ITEM_A, '1'],
        [ITEM_U, '0'],
      ],
      R,
    ),
  );
  clock.set('2026-02-01T09:00:00Z');
  await observeAsset(env, snapshot(U2, 'active', [[ITEM_U, '0']]));
  await billUntil('2026-04-12T00:00:00Z');
}, 300_000);

afterAll(() => world?.close());

describe('usage into billing', () => {
  it('bills closed records into their periods at quantity × unit price, and reports what stayed outside', async () => {
    const r = await reconcileUsageFile(world.env, F1, F1_RECORDS);
    expect(r.status).toBe('reconciled');
    if (r.status === 'waiting') throw new Error(r.reason);
    expect(r.report).toMatchObject({
      recordsBilled: 4,
      recordsOutside: 3,
      // 2333 calls: 1000 × 0.012 + 1000 × 0.012 + 333 × 0.012 (3.996 → 4.00) at cost; × 0.02 at price
      items: [{ item: ITEM_U, mpn: 'CALLS', quantity: '2333', records: 4, cost: '28', price: '46.66' }],
    });
    expect(r.report.outside.map((o) => o.record)).toEqual([
      'UR-0001-0001-00000005',
      'UR-0001-0001-00000006',
      'UR-0001-0001-00000007',
    ]);
    // U1 period 0: SEAT 8 / 10 plus 1000 calls 12 / 20; period 1: 250.5 + 749.5 calls in one line
    const totals = await Promise.all([
      req('vendor', U1, 0),
      req('provider', U1, 0),
      req('vendor', U1, 1),
      req('provider', U1, 1),
      req('vendor', U2, 0),
      req('provider', U2, 0),
    ]);
    expect(totals.map((d) => d?.total)).toEqual(['20', '30', '20', '30', '4', '6.66']);
    const line = totals[3]!.lines.find((l) => l.item === ITEM_U)!;
    expect(line).toMatchObject({
      quantity: '1000',
      unitPrice: '0.02',
      amount: '20',
      usageFile: F1.id,
      records: 2,
    });
  });

  it('waits while a record’s period is not billed, then prices each period with its own version', async () => {
    expect(await reconcileUsageFile(world.env, F2, F2_RECORDS)).toMatchObject({ status: 'waiting' });
    expect((await req('vendor', U1, 2))!.total).toBe('8'); // nothing added while waiting
    await billUntil('2026-05-11T00:00:00Z');
    // twice at once: each line is added once between them, one report
    const both = await Promise.all([
      reconcileUsageFile(world.env, F2, F2_RECORDS),
      reconcileUsageFile(world.env, F2, F2_RECORDS),
    ]);
    expect(both.map((b) => b.status).sort()).toEqual(['done', 'reconciled']);
    // period 2 (from Mar 10: version 1) 100 × 0.012 / 0.02; period 3 (from Apr 10: version 2) 100 × 0.015 / 0.025
    const docs = await Promise.all([
      req('vendor', U1, 2),
      req('provider', U1, 2),
      req('vendor', U1, 3),
      req('provider', U1, 3),
    ]);
    expect(docs.map((d) => [d!.priceListVersion, d!.total])).toEqual([
      [1, '9.2'],
      [1, '12'],
      [2, '9.5'],
      [2, '12.5'],
    ]);
  });

  it('reconciling again bills nothing twice', async () => {
    const before = await world.env.models.BillingRequest.find().lean<BillingRequestDoc[]>();
    for (const [f, records] of [
      [F1, F1_RECORDS],
      [F2, F2_RECORDS],
    ] as const) {
      expect((await reconcileUsageFile(world.env, f, [...records])).status).toBe('done');
    }
    const after = await world.env.models.BillingRequest.find().lean<BillingRequestDoc[]>();
    expect(after.map((d) => [d._id, d.total, d.lines.length, d.version])).toEqual(
      before.map((d) => [d._id, d.total, d.lines.length, d.version]),
    );
  });

  it('leaves outside the records of a period whose requests are no longer pending', async () => {
    await actOnBillingRequest(world.env, vendor, billingRequestId('vendor', U2, 1), 'approve', null);
    const F3 = file('UF-2026-03-0003-0001', '2026-03-01', '2026-03-31');
    const r = await reconcileUsageFile(world.env, F3, [
      rec('UR-0003-0001-00000001', U2, '50', '2026-03-02T00:00:00Z'),
    ]);
    if (r.status === 'waiting') throw new Error(r.reason);
    expect(r.report).toMatchObject({ recordsBilled: 0, recordsOutside: 1, items: [], billingRequests: [] });
    expect(r.report.outside[0]!.reason).toMatch(/no longer pending/);
    expect((await req('provider', U2, 1))!.total).toBe('0');
  });

  it('shows the report to the file’s vendor and distributor only', async () => {
    const Q = `query($f: ID!) { usageReconciliation(usageFile: $f) { recordsBilled recordsOutside
      items { item { id } quantity usageRecords cost price } outside { usageRecord { id } reason }
      billingRequests { id } } }`;
    for (const who of [vendor, distributor]) {
      const d = await world.run<{ usageReconciliation: Record<string, unknown> }>(who, Q, { f: F1.id });
      expect(d.errors).toBeUndefined();
      expect(d.data!.usageReconciliation).toMatchObject({
        recordsBilled: 4,
        items: [{ item: { id: ITEM_U }, quantity: '2333', usageRecords: 4, cost: '28', price: '46.66' }],
      });
    }
    const hidden = await world.run(reseller, Q, { f: F1.id });
    expect(hidden.errors?.[0]?.message).toMatch(/not found/i);
    // the reseller that sold U1 sees the usage line on its provider-side request, at price
    const line = await world.run<{ billingRequest: { lines: unknown[] } }>(
      reseller,
      `query($id: ID!) { billingRequest(id: $id) { lines { mpn quantity unitPrice amount usageFile { id } usageRecords } } }`,
      { id: billingRequestId('provider', U1, 1) },
    );
    expect(line.data!.billingRequest.lines).toContainEqual({
      mpn: 'CALLS',
      quantity: '1000',
      unitPrice: '0.02',
      amount: '20',
      usageFile: { id: F1.id },
      usageRecords: 2,
    });
  });
});
