// A year of billing in accelerated time (a manual clock moved a day at a time) against the real database:
// five monthly assets anchored on 2026-01-15, one with a quantity change (and a one-year commitment that
// renews), one suspended for 20 days, one cancelled mid-period, one committed for a year whose renewal is
// turned off, one transferred from the distributor to a reseller mid-period, and a price change from
// 2026-07-15. Every billing request of both sides is checked
// against amounts computed by hand below (cost 8.00 / price 10.00 for SEAT, 3.00 / 5.00 for SUPPORT;
// SEAT 9.00 / 11.00 from version 2).
import { ManualClock } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeAsset } from '../src/flows/observe.js';
import {
  activatePriceListVersion,
  createPriceList,
  createPriceListVersion,
} from '../src/flows/price-lists.js';
import { setAssetRenewal } from '../src/flows/renewal.js';
import { billingRequestId, runBilling } from '../src/flows/scheduler.js';
import type { BillingRequestDoc } from '../src/models/index.js';
import {
  billingWorld,
  D,
  distributor,
  ITEM_A,
  ITEM_B,
  MP,
  PRODUCT,
  R,
  reseller,
  snapshot,
  V,
  vendor,
} from './world.js';

const A1 = 'AS-1000-0000-0001'; // SEAT 2 + SUPPORT 1; SEAT 5 from 2026-03-01 (sold by the reseller)
const A2 = 'AS-1000-0000-0002'; // SEAT 1; suspended 2026-04-05, resumed 2026-04-25
const A3 = 'AS-1000-0000-0003'; // SEAT 3; terminated 2026-06-01
const A4 = 'AS-1000-0000-0004'; // SEAT 1; committed 12 periods, renewal turned off 2026-06-10
const A5 = 'AS-1000-0000-0005'; // SEAT 2; sold by the distributor, transferred to the reseller 2026-05-25
const COMMITTED = new Set([A1, A4]);

const DAY = 86_400_000;
const clock = new ManualClock('2026-01-15T10:00:00Z');
let world: Awaited<ReturnType<typeof billingWorld>>;

/** period number → [vendor total, provider total], computed by hand */
const EXPECTED: Record<string, [string, string][]> = {
  // P0 full: 2×8+3 / 2×10+5. P1 (Feb 15 – Mar 15, 28 days) 14 days at SEAT 2, 14 at SEAT 5:
  // 2×8×14/28 + 3×14/28 + 5×8×14/28 + 3×14/28 = 8+1.5+20+1.5 = 31; 10+2.5+25+2.5 = 40.
  // P2–P5: 5×8+3 / 5×10+5. P6–P11 (version 2): 5×9+3 / 5×11+5.
  [A1]: [
    ['19', '25'],
    ['31', '40'],
    ...Array<[string, string]>(4).fill(['43', '55']),
    ...Array<[string, string]>(6).fill(['48', '60']),
  ],
  // P2 (Mar 15 – Apr 15, 31 days) active 21 days: 8×21/31 = 5.419… → 5.42; 10×21/31 = 6.774… → 6.77.
  // P3 (Apr 15 – May 15, 30 days) active from Apr 25, 20 days: 8×20/30 = 5.33; 10×20/30 = 6.67.
  [A2]: [
    ['8', '10'],
    ['8', '10'],
    ['5.42', '6.77'],
    ['5.33', '6.67'],
    ['8', '10'],
    ['8', '10'],
    ...Array<[string, string]>(6).fill(['9', '11']),
  ],
  // P4 (May 15 – Jun 15, 31 days) active 17 days: 3×8×17/31 = 13.161… → 13.16; 3×10×17/31 = 16.451… → 16.45.
  // Nothing after: the asset's billing ends.
  [A3]: [...Array<[string, string]>(4).fill(['24', '30']), ['13.16', '16.45']],
  // the commitment ends on 2027-01-15 and does not renew: P0–P11 whole, then the billing ends.
  [A4]: [...Array<[string, string]>(6).fill(['8', '10']), ...Array<[string, string]>(6).fill(['9', '11'])],
  // P4 (May 15 – Jun 15, 31 days) cut at the transfer on May 25: 10 days, 2×8×10/31 = 5.161… → 5.16 and
  // 2×10×10/31 = 6.451… → 6.45 (the distributor's). From May 25 the periods are the reseller's, re-anchored:
  // P5 May 25 – Jun 25, P6 Jun 25 – Jul 25 (version 1), P7 Jul 25 – … P11 Nov 25 – Dec 25 (version 2).
  [A5]: [
    ...Array<[string, string]>(4).fill(['16', '20']),
    ['5.16', '6.45'],
    ...Array<[string, string]>(2).fill(['16', '20']),
    ...Array<[string, string]>(5).fill(['18', '22']),
  ],
};

const EVENTS: Record<
  string,
  [asset: string, status: string, items: [string, string][], provider?: string][]
> = {
  '2026-01-15': [
    [
      A1,
      'active',
      [
        [ITEM_A, '2'],
        [ITEM_B, '1'],
      ],
    ],
    [A2, 'active', [[ITEM_A, '1']]],
    [A3, 'active', [[ITEM_A, '3']]],
    [A4, 'active', [[ITEM_A, '1']]],
    [A5, 'active', [[ITEM_A, '2']]],
  ],
  '2026-03-01': [
    [
      A1,
      'active',
      [
        [ITEM_A, '5'],
        [ITEM_B, '1'],
      ],
    ],
  ],
  '2026-04-05': [[A2, 'suspended', [[ITEM_A, '1']]]],
  '2026-04-25': [[A2, 'active', [[ITEM_A, '1']]]],
  '2026-05-25': [[A5, 'active', [[ITEM_A, '2']], R]],
  '2026-06-01': [[A3, 'terminated', [[ITEM_A, '3']]]],
};

beforeAll(async () => {
  world = await billingWorld('billing_year', clock);
  const { env } = world;
  clock.set('2026-01-02T09:00:00Z');
  let list = await createPriceList(env, vendor, {
    product: PRODUCT,
    marketplace: MP,
    currency: 'USD',
    name: 'Seats',
  });
  list = await createPriceListVersion(env, vendor, list, [
    { item: ITEM_A, cost: '8.00', price: '10.00', msrp: '12.00' },
    { item: ITEM_B, cost: '3.00', price: '5.00' },
  ]);
  list = await activatePriceListVersion(env, vendor, list, 1, new Date('2026-01-01T00:00:00Z'));
  // version 2 is made and activated in June, effective from July 15 on
  clock.set('2026-06-20T12:00:00Z');
  list = await createPriceListVersion(env, vendor, list, [
    { item: ITEM_A, cost: '9.00', price: '11.00', msrp: '13.00' },
    { item: ITEM_B, cost: '3.00', price: '5.00' },
  ]);
  await activatePriceListVersion(env, vendor, list, 2, new Date('2026-07-15T00:00:00Z'));

  // the year, a day at a time: what changed that day is observed, then the scheduler runs
  clock.set('2026-01-15T10:00:00Z');
  const end = new Date('2027-01-15T10:00:00Z').getTime();
  while (clock.now().getTime() <= end) {
    const day = clock.now().toISOString().slice(0, 10);
    for (const [asset, status, items, provider] of EVENTS[day] ?? []) {
      const seller = provider ?? (asset === A1 ? R : D);
      await observeAsset(env, snapshot(asset, status, items, seller, COMMITTED.has(asset) ? 12 : null));
    }
    if (day === '2026-06-10') {
      // only the asset's provider (here the distributor) or the operator decides its renewal
      await expect(setAssetRenewal(env, reseller, A4, false)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await setAssetRenewal(env, distributor, A4, false);
    }
    await runBilling(env);
    clock.advance(DAY);
  }
}, 900_000);

afterAll(() => world?.close());

describe('a year of monthly billing', () => {
  it('makes exactly one request per asset, period and side, with the hand-computed totals', async () => {
    const docs = await world.env.models.BillingRequest.find().lean<BillingRequestDoc[]>();
    const expectedCount = Object.values(EXPECTED).reduce((n, periods) => n + 2 * periods.length, 0);
    expect(docs).toHaveLength(expectedCount);
    const byId = new Map(docs.map((d) => [d._id, d]));
    for (const [asset, periods] of Object.entries(EXPECTED)) {
      for (const [n, [vendorTotal, providerTotal]] of periods.entries()) {
        const v = byId.get(billingRequestId('vendor', asset, n));
        const p = byId.get(billingRequestId('provider', asset, n));
        expect({ asset, n, v: v?.total, p: p?.total }).toEqual({
          asset,
          n,
          v: vendorTotal,
          p: providerTotal,
        });
        expect(v?.status).toBe('pending');
        expect(v?.currency).toBe('USD');
      }
    }
  });

  it('prorates a quantity change by days, one line per stretch and item', async () => {
    const p1 = await world.env.models.BillingRequest.findById(
      billingRequestId('vendor', A1, 1),
    ).lean<BillingRequestDoc>();
    expect(p1!.period.from.toISOString()).toBe('2026-02-15T00:00:00.000Z');
    expect(p1!.period.to.toISOString()).toBe('2026-03-15T00:00:00.000Z');
    expect(p1!.lines.map((l) => [l.mpn, l.quantity, l.unitPrice, l.days, l.periodDays, l.amount])).toEqual([
      ['SEAT', '2', '8.00', 14, 28, '8'],
      ['SUPPORT', '1', '3.00', 14, 28, '1.5'],
      ['SEAT', '5', '8.00', 14, 28, '20'],
      ['SUPPORT', '1', '3.00', 14, 28, '1.5'],
    ]);
  });

  it('does not bill suspended days', async () => {
    const p2 = await world.env.models.BillingRequest.findById(
      billingRequestId('provider', A2, 2),
    ).lean<BillingRequestDoc>();
    expect(p2!.lines.map((l) => [l.days, l.periodDays, l.amount])).toEqual([[21, 31, '6.77']]);
    const p3 = await world.env.models.BillingRequest.findById(
      billingRequestId('provider', A2, 3),
    ).lean<BillingRequestDoc>();
    expect(p3!.lines.map((l) => [l.from.toISOString().slice(0, 10), l.days, l.periodDays, l.amount])).toEqual(
      [['2026-04-25', 20, 30, '6.67']],
    );
  });

  it('ends the billing of a cancelled asset after its last, prorated period', async () => {
    const b = await world.env.models.AssetBilling.findById(A3).lean();
    expect(b).toMatchObject({ status: 'ended', billedPeriods: 5 });
    const others = await world.env.models.AssetBilling.find({ _id: { $in: [A1, A2] } }).lean();
    for (const o of others) {
      expect(o).toMatchObject({ status: 'active', billedPeriods: 12 });
      expect(o.nextBillingAt.toISOString()).toBe('2027-02-15T00:00:00.000Z');
    }
  });

  it('prices each period with the version effective on its first day', async () => {
    const p5 = await world.env.models.BillingRequest.findById(
      billingRequestId('vendor', A1, 5),
    ).lean<BillingRequestDoc>();
    const p6 = await world.env.models.BillingRequest.findById(
      billingRequestId('vendor', A1, 6),
    ).lean<BillingRequestDoc>();
    expect([p5!.priceListVersion, p6!.priceListVersion]).toEqual([1, 2]);
    const list = await world.env.models.PriceList.findOne({ product: PRODUCT }).lean();
    expect(list!.versions.map((v) => [v.number, v.status, v.expiredAt?.toISOString() ?? null])).toEqual([
      [1, 'expired', '2026-07-15T00:00:00.000Z'],
      [2, 'active', null],
    ]);
  });

  it('shows each side only to its parties: the vendor side (at cost) never to the reseller', async () => {
    const v = await world.env.models.BillingRequest.findById(
      billingRequestId('vendor', A1, 0),
    ).lean<BillingRequestDoc>();
    const p = await world.env.models.BillingRequest.findById(
      billingRequestId('provider', A1, 0),
    ).lean<BillingRequestDoc>();
    expect(v!._acl.sort()).toEqual([D, V].sort());
    expect(p!._acl.sort()).toEqual([D, R].sort());
    expect([v!.issuer, p!.issuer]).toEqual([V, D]);
  });

  it('renews a commitment at its end, and ends the billing of one whose renewal was turned off', async () => {
    const a1 = await world.env.models.AssetBilling.findById(A1).lean();
    expect(a1!.commitment).toEqual({
      months: 12,
      endsAt: new Date('2028-01-15T00:00:00Z'),
      renew: true,
      renewals: 1,
    });
    const a4 = await world.env.models.AssetBilling.findById(A4).lean();
    expect(a4).toMatchObject({ status: 'ended', billedPeriods: 12 });
    expect(a4!.commitment).toMatchObject({
      endsAt: new Date('2027-01-15T00:00:00Z'),
      renew: false,
      renewals: 0,
    });
  });

  it('bills a transferred asset continuously: the cut period to the old provider, then the new one', async () => {
    const docs = await world.env.models.BillingRequest.find({ asset: A5, side: 'provider' })
      .sort({ 'period.number': 1 })
      .lean<BillingRequestDoc[]>();
    // each period starts where the one before ended: no day billed twice or skipped
    for (let i = 1; i < docs.length; i++) expect(docs[i]!.period.from).toEqual(docs[i - 1]!.period.to);
    expect(docs.map((d) => [d.period.number, d.period.from.toISOString().slice(0, 10), d.provider])).toEqual([
      [0, '2026-01-15', D],
      [1, '2026-02-15', D],
      [2, '2026-03-15', D],
      [3, '2026-04-15', D],
      [4, '2026-05-15', D],
      [5, '2026-05-25', R],
      [6, '2026-06-25', R],
      [7, '2026-07-25', R],
      [8, '2026-08-25', R],
      [9, '2026-09-25', R],
      [10, '2026-10-25', R],
      [11, '2026-11-25', R],
    ]);
    expect(docs[4]!.lines.map((l) => [l.days, l.periodDays, l.amount])).toEqual([[10, 31, '6.45']]);
    expect(docs[4]!._acl).toEqual([D]);
    expect(docs[5]!._acl.sort()).toEqual([D, R].sort());
    const b = await world.env.models.AssetBilling.findById(A5).lean();
    expect(b).toMatchObject({ provider: R, anchorPeriod: 5, billedPeriods: 12, cutAt: null });
    expect(b!.nextBillingAt.toISOString()).toBe('2027-01-25T00:00:00.000Z');
  });
});
