// Billing through the gateway with real processes: the billing service learns an asset bought and
// approved in the requests domain (its scheduler asks through the gateway), and, on an accelerated clock
// (ten days a second), bills its monthly item at the vendor's price list: a VENDOR request at cost and a
// PROVIDER request at price each period, heard on billingRequestChanged; price tenancy per role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { Subscriber } from '../support/subscriber.js';
import { buildUsageWorld, currentPeriod, type UsageWorld } from '../support/usage-world.js';

let t: TestStack;
let w: UsageWorld;
let listId = '';
let itemId = '';

beforeAll(async () => {
  t = await startTestStack({
    seed: 'accounts',
    // the shared machine may be far past its cores: give each process time to come up
    readyTimeoutMs: 480_000,
    serviceEnv: {
      billing: { BILLING_TICK_MS: '300', CLOCK_START: '2030-01-01T00:00:00Z', CLOCK_RATE: '864000' },
    },
  });
  w = await buildUsageWorld(t, DEMO.operator, 'Billing', 1);
  const product = await t.queryOk<{ product: { items: { id: string }[] } }>(
    w.vendor.token,
    'query($id: ID!) { product(id: $id) { items { id } } }',
    { id: w.plainProduct },
  );
  itemId = product.product.items[0]!.id;
  const created = await t.queryOk<{ createPriceList: { priceList: { id: string } } }>(
    w.vendor.token,
    'mutation($input: CreatePriceListInput!) { createPriceList(input: $input) { priceList { id } } }',
    { input: { product: w.plainProduct, marketplace: w.marketplace, currency: 'USD', name: 'Seats' } },
  );
  listId = created.createPriceList.priceList.id;
  await t.queryOk(
    w.vendor.token,
    'mutation($input: CreatePriceListVersionInput!) { createPriceListVersion(input: $input) { priceList { id } } }',
    { input: { priceList: listId, points: [{ item: itemId, cost: '7.50', price: '9.99', msrp: '12' }] } },
  );
  await t.queryOk(
    w.vendor.token,
    'mutation($input: ActivatePriceListVersionInput!) { activatePriceListVersion(input: $input) { priceList { id } } }',
    { input: { priceList: listId, version: 1, effectiveDate: '2000-01-01T00:00:00Z' } },
  );
}, 900_000);

afterAll(async () => {
  await t?.stop();
});

const ASSET = `query($id: ID!) { asset(id: $id) { id billing { status period billedPeriods }
  billingRequests(first: 50) { totalCount edges { node { id side status total currency reason
    period { number } lines { item { id } quantity unitPrice amount days periodDays } } } } } }`;

interface AssetView {
  asset: {
    billing: { status: string; period: string; billedPeriods: number } | null;
    billingRequests: {
      totalCount: number;
      edges: {
        node: {
          id: string;
          side: string;
          status: string;
          total: string | null;
          currency: string | null;
          reason: string | null;
          period: { number: number };
        };
      }[];
    };
  };
}

describe('recurring billing of a purchased asset', () => {
  it('bills every ended period once per side, at cost and at price, and tells subscribers', async () => {
    const heard = new Subscriber<{ billingRequestChanged: { kind: string; billingRequest: { id: string } } }>(
      t.gatewayUrl,
      w.distributor.token,
      'subscription($f: BillingRequestChangeFilter) { billingRequestChanged(filter: $f) { kind billingRequest { id } } }',
      { f: { asset: w.plainAsset } },
    );
    try {
      // the asset may be learnt (and a period billed, at ten days a second) before the price list exists
      // on a loaded machine: such a period is FAILED with its reason, every later one priced
      const deadline = Date.now() + 240_000;
      let view: AssetView | null = null;
      // periods whose two requests are both there and priced
      const priced = (v: AssetView) => {
        const pending = v.asset.billingRequests.edges.filter((e) => e.node.status === 'PENDING');
        const n = pending.map((e) => e.node.period.number);
        return new Set(n.filter((x) => n.indexOf(x) !== n.lastIndexOf(x)));
      };
      for (;;) {
        view = await t.queryOk<AssetView>(w.distributor.token, ASSET, { id: w.plainAsset });
        if (priced(view).size >= 2) break;
        if (Date.now() > deadline) throw new Error(`not billed in time: ${JSON.stringify(view)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(view.asset.billing).toMatchObject({ status: 'ACTIVE', period: 'MONTHLY' });
      const nodes = view.asset.billingRequests.edges.map((e) => e.node);
      const first = Math.min(...priced(view));
      for (const n of new Set(nodes.map((x) => x.period.number))) {
        const of = nodes.filter((x) => x.period.number === n);
        if (n < first) {
          expect(of.map((x) => [x.side, x.status, x.total, x.reason]).sort()).toEqual([
            ['PROVIDER', 'FAILED', null, expect.stringMatching(/^no price list/)],
            ['VENDOR', 'FAILED', null, expect.stringMatching(/^no price list/)],
          ]);
          continue;
        }
        // whole periods (quantity 1, no change): the vendor side at cost, the provider at price
        if (of.length < 2 || !of.every((x) => x.status === 'PENDING')) continue; // being billed right now
        expect(of.map((x) => [x.side, x.total, x.currency]).sort()).toEqual([
          ['PROVIDER', '9.99', 'USD'],
          ['VENDOR', '7.5', 'USD'],
        ]);
      }
      // one request per period and side, whatever the ticks did
      expect(new Set(nodes.map((x) => x.id)).size).toBe(nodes.length);
      await heard.until(
        (s) => s.data().filter((d) => d.billingRequestChanged.kind === 'CREATED').length >= 4,
        60_000,
        'four creations heard',
      );
    } finally {
      await heard.close();
    }
  }, 400_000);

  it('a reseller outside the marketplace and another vendor see neither the price list nor the requests', async () => {
    for (const token of [w.reseller.token, w.stranger.token]) {
      const r = await t.query(token, 'query($id: ID!) { priceList(id: $id) { id } }', { id: listId });
      expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const l = await t.queryOk<{ billingRequests: { totalCount: number } }>(
        token,
        '{ billingRequests { totalCount } }',
      );
      expect(l.billingRequests.totalCount).toBe(0);
    }
    const v = await t.queryOk<{ priceList: { activeVersion: { points: { cost: string | null }[] } } }>(
      w.distributor.token,
      'query($id: ID!) { priceList(id: $id) { activeVersion { points { cost price } } } }',
      { id: listId },
    );
    expect(v.priceList.activeVersion.points[0]!.cost).toBe('7.50');
  });

  it("records on the purchase the price it bought at (billing's field on the request, through the gateway)", async () => {
    const q = `query($id: ID!) { asset(id: $id) { requests(first: 5) { edges { node { type effectiveDate
      price { version currency priceList { id } points { item { id } cost price } } } } } } }`;
    type View = {
      asset: {
        requests: {
          edges: { node: { type: string; effectiveDate: string; price: Record<string, unknown> | null } }[];
        };
      };
    };
    const purchase = async (token: string) =>
      (await t.queryOk<View>(token, q, { id: w.plainAsset })).asset.requests.edges
        .map((e) => e.node)
        .find((n) => n.type === 'PURCHASE')!;
    const v = await purchase(w.vendor.token);
    expect(v.effectiveDate).toBeTruthy();
    expect(v.price).toEqual({
      version: 1,
      currency: 'USD',
      priceList: { id: listId },
      points: [{ item: { id: itemId }, cost: '7.50', price: '9.99' }],
    });
    const d = await purchase(w.distributor.token);
    expect(d.price).toMatchObject({ version: 1, points: [{ cost: '7.50', price: '9.99' }] });
  });

  it('reconciles a closed usage file, read through the gateway, and reports its records', async () => {
    // a pay-as-you-go asset's file of this month (the wall clock's), closed by the distributor; billing's
    // clock runs from 2030, so its record falls before the asset's billing started: reported outside
    const period = currentPeriod();
    const run = async (token: string, name: string, input: Record<string, unknown>) =>
      t.queryOk<Record<string, { usageFile: { id: string; status: string } }>>(
        token,
        `mutation($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { usageFile { id status } } }`,
        { input },
      );
    const created = await run(w.vendor.token, 'createUsageFile', {
      name: 'billing usage',
      period,
      currency: 'USD',
      product: w.product,
      contract: w.contract,
    });
    const file = created.createUsageFile!.usageFile.id;
    const up = await run(w.vendor.token, 'uploadUsageRecords', {
      usageFile: file,
      records: [
        {
          // as the demo seed sends them (scripts/seed/usage.ts)
          recordId: 'b-1',
          itemSearchValue: w.mpn,
          quantity: '12.5',
          startTimeUtc: period.from,
          endTimeUtc: `${period.to} 23:59:59`,
          assetSearchValue: w.assets[0],
        },
      ],
    });
    expect(up.uploadUsageRecords!.usageFile.status).toBe('READY');
    await run(w.vendor.token, 'submitUsageFile', { usageFile: file });
    await run(w.distributor.token, 'acceptUsageFile', { usageFile: file });
    const closed = await run(w.distributor.token, 'closeUsageFile', {
      usageFile: file,
      externalBillingId: 'INV-1',
    });
    expect(closed.closeUsageFile!.usageFile.status).toBe('CLOSED');
    const Q = `query($id: ID!) { usageFile(id: $id) { status reconciliation { recordsBilled recordsOutside
      outside { usageRecord { id } reason } } } }`;
    type R = { usageFile: { reconciliation: Record<string, unknown> | null } };
    const deadline = Date.now() + 180_000;
    let r: R;
    for (;;) {
      r = await t.queryOk<R>(w.distributor.token, Q, { id: file });
      if (r.usageFile.reconciliation) break;
      if (Date.now() > deadline) throw new Error(`not reconciled in time: ${JSON.stringify(r)}`);
      await new Promise((res) => setTimeout(res, 500));
    }
    expect(r.usageFile.reconciliation).toMatchObject({
      recordsBilled: 0,
      recordsOutside: 1,
      outside: [{ reason: `before the billing of ${w.assets[0]} started` }],
    });
    // the reseller outside the marketplace learns nothing of it
    const hidden = await t.query(
      w.reseller.token,
      'query($f: ID!) { usageReconciliation(usageFile: $f) { recordsBilled } }',
      {
        f: file,
      },
    );
    expect(hidden.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  }, 300_000);
});
