// The billing API through the subgraph's own schema (what the gateway forwards), against the real
// database: price list tenancy per role (a reseller never sees cost), the vendor's verbs refused to
// others, the billing request machine (every transition × party), lists and history.
import { isDomainError, ManualClock } from '@daas/kit';
import type { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeAsset } from '../src/flows/observe.js';
import { billingRequestId, runBilling } from '../src/flows/scheduler.js';
import {
  billingWorld,
  D,
  distributor,
  ITEM_A,
  ITEM_B,
  MP,
  operator,
  PRODUCT,
  R,
  reseller,
  snapshot,
  V,
  vendor,
} from './world.js';

const clock = new ManualClock('2026-03-10T08:00:00Z');
let world: Awaited<ReturnType<typeof billingWorld>>;
let listId = '';
const stranger = { accountId: 'VA-999-999', role: 'VENDOR' as const };
const otherReseller = { accountId: 'PA-999-999', role: 'RESELLER' as const };

const LIST = `query($id: ID!) { priceList(id: $id) { id currency vendor { id } distributor { id }
  activeVersion { number status points { item { id } cost price msrp } } versions { number status } } }`;

async function ok<T>(p: Promise<{ data?: T | null; errors?: readonly { message: string }[] }>): Promise<T> {
  const r = await p;
  if (r.errors?.length) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.data as T;
}

/** the error's code, as the kit's error formatting puts it in `extensions.code` (null: no error) */
async function code(p: Promise<{ errors?: readonly GraphQLError[] }>) {
  const e = (await p).errors?.[0];
  if (!e) return null;
  return isDomainError(e.originalError) ? e.originalError.code : `not a domain error: ${e.message}`;
}

beforeAll(async () => {
  world = await billingWorld('billing_api', clock);
  const created = await ok<{ createPriceList: { priceList: { id: string } } }>(
    world.run(
      vendor,
      `mutation($input: CreatePriceListInput!) { createPriceList(input: $input) { priceList { id } } }`,
      { input: { product: PRODUCT, marketplace: MP, currency: 'usd', name: 'Seats' } },
    ),
  );
  listId = created.createPriceList.priceList.id;
  await ok(
    world.run(
      vendor,
      `mutation($input: CreatePriceListVersionInput!) { createPriceListVersion(input: $input) { priceList { id } } }`,
      {
        input: {
          priceList: listId,
          points: [
            { item: ITEM_A, cost: '8.00', price: '10.00', msrp: '12.00' },
            { item: ITEM_B, cost: '3', price: '5' },
          ],
        },
      },
    ),
  );
  await ok(
    world.run(
      vendor,
      `mutation($input: ActivatePriceListVersionInput!) { activatePriceListVersion(input: $input) { priceList { id } } }`,
      { input: { priceList: listId, version: 1, effectiveDate: '2026-03-01T00:00:00Z' } },
    ),
  );
  // one asset billed for one period, sold by the reseller
  await observeAsset(world.env, snapshot('AS-3000-0000-0001', 'active', [[ITEM_A, '1']], R));
  clock.set('2026-04-10T08:00:00Z');
  await runBilling(world.env);
}, 300_000);

afterAll(() => world?.close());

describe('price lists', () => {
  it('the vendor and the distributor see cost; the reseller sees the price without cost', async () => {
    for (const who of [vendor, distributor, operator]) {
      const d = await ok<{ priceList: { activeVersion: { points: { cost: string | null }[] } } }>(
        world.run(who, LIST, { id: listId }),
      );
      expect(d.priceList.activeVersion.points.map((p) => p.cost)).toEqual(['8.00', '3']);
    }
    const r = await ok<{ priceList: Record<string, unknown> }>(world.run(reseller, LIST, { id: listId }));
    expect(r.priceList).toMatchObject({
      currency: 'USD',
      activeVersion: {
        number: 1,
        status: 'ACTIVE',
        points: [
          { item: { id: ITEM_A }, cost: null, price: '10.00', msrp: '12.00' },
          { item: { id: ITEM_B }, cost: null, price: '5', msrp: null },
        ],
      },
    });
  });

  it('is hidden from accounts outside the marketplace, by id and in lists', async () => {
    for (const who of [stranger, otherReseller]) {
      expect(await code(world.run(who, LIST, { id: listId }))).toBe('NOT_FOUND');
      const d = await ok<{ priceLists: { totalCount: number } }>(
        world.run(who, `{ priceLists(filter: { product: "${PRODUCT}" }) { totalCount } }`),
      );
      expect(d.priceLists.totalCount).toBe(0);
    }
    const d = await ok<{ priceLists: { totalCount: number } }>(
      world.run(reseller, `{ priceLists { totalCount } }`),
    );
    expect(d.priceLists.totalCount).toBe(1);
  });

  it('only its vendor changes it', async () => {
    const addVersion = `mutation($input: CreatePriceListVersionInput!) { createPriceListVersion(input: $input) { priceList { id } } }`;
    const input = { priceList: listId, points: [{ item: ITEM_A, cost: '1', price: '2' }] };
    expect(await code(world.run(distributor, addVersion, { input }))).toBe('FORBIDDEN');
    expect(await code(world.run(reseller, addVersion, { input }))).toBe('FORBIDDEN');
    // another vendor cannot even see it
    expect(await code(world.run(stranger, addVersion, { input }))).toBe('BAD_USER_INPUT');
    const create = `mutation($input: CreatePriceListInput!) { createPriceList(input: $input) { priceList { id } } }`;
    expect(
      await code(
        world.run(stranger, create, {
          input: { product: PRODUCT, marketplace: MP, currency: 'USD', name: 'x' },
        }),
      ),
    ).toBe('NOT_FOUND');
    // one list per product and marketplace
    expect(
      await code(
        world.run(vendor, create, {
          input: { product: PRODUCT, marketplace: MP, currency: 'USD', name: 'x' },
        }),
      ),
    ).toBe('CONFLICT');
  });

  it('refuses bad money, unknown items and activating twice', async () => {
    const addVersion = `mutation($input: CreatePriceListVersionInput!) { createPriceListVersion(input: $input) { priceList { versions { number status } } } }`;
    for (const point of [
      { item: ITEM_A, cost: '-1', price: '2' },
      { item: ITEM_A, cost: '1.5e3', price: '2' },
      { item: ITEM_A, cost: '0.00001', price: '2' },
      { item: `${PRODUCT}-0099`, cost: '1', price: '2' },
    ]) {
      expect(
        await code(world.run(vendor, addVersion, { input: { priceList: listId, points: [point] } })),
      ).toBe('BAD_USER_INPUT');
    }
    const activate = `mutation($input: ActivatePriceListVersionInput!) { activatePriceListVersion(input: $input) { priceList { id } } }`;
    expect(await code(world.run(vendor, activate, { input: { priceList: listId, version: 1 } }))).toBe(
      'CONFLICT',
    );
    expect(await code(world.run(vendor, activate, { input: { priceList: listId, version: 7 } }))).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('billing requests', () => {
  const BR = `query($id: ID!) { billingRequest(id: $id) { id status side total issuer { id }
    lines { mpn quantity unitPrice amount days periodDays } history { kind from to actorRole } } }`;
  const vendorSide = billingRequestId('vendor', 'AS-3000-0000-0001', 0);
  const providerSide = billingRequestId('provider', 'AS-3000-0000-0001', 0);

  it("the vendor side (at cost) is the vendor's and the distributor's, never the reseller's", async () => {
    const v = await ok<{ billingRequest: Record<string, unknown> }>(
      world.run(vendor, BR, { id: vendorSide }),
    );
    expect(v.billingRequest).toMatchObject({
      status: 'PENDING',
      side: 'VENDOR',
      total: '8',
      issuer: { id: V },
    });
    expect(await code(world.run(reseller, BR, { id: vendorSide }))).toBe('NOT_FOUND');
    const p = await ok<{ billingRequest: Record<string, unknown> }>(
      world.run(reseller, BR, { id: providerSide }),
    );
    expect(p.billingRequest).toMatchObject({ side: 'PROVIDER', total: '10', issuer: { id: D } });
    expect(await code(world.run(vendor, BR, { id: providerSide }))).toBe('NOT_FOUND');
  });

  it('lists by asset and status, as each party may see them', async () => {
    const q = `{ billingRequests(filter: { asset: "AS-3000-0000-0001", statuses: [PENDING] }) { totalCount edges { node { id } } } }`;
    const counts = await Promise.all(
      [vendor, distributor, reseller, stranger, operator].map(async (who) => {
        const d = await ok<{ billingRequests: { totalCount: number } }>(world.run(who, q));
        return d.billingRequests.totalCount;
      }),
    );
    expect(counts).toEqual([1, 2, 1, 0, 2]);
  });

  it('moves by its machine: only the issuer or the operator, only from PENDING', async () => {
    const approve = `mutation($input: ApproveBillingRequestInput!) { approveBillingRequest(input: $input) { billingRequest { status } } }`;
    const fail = `mutation($input: FailBillingRequestInput!) { failBillingRequest(input: $input) { billingRequest { status reason } } }`;
    // the distributor sees the vendor side but does not issue it
    expect(await code(world.run(distributor, approve, { input: { billingRequest: vendorSide } }))).toBe(
      'FORBIDDEN',
    );
    expect(await code(world.run(reseller, approve, { input: { billingRequest: providerSide } }))).toBe(
      'FORBIDDEN',
    );
    const a = await ok<{ approveBillingRequest: { billingRequest: { status: string } } }>(
      world.run(vendor, approve, { input: { billingRequest: vendorSide } }),
    );
    expect(a.approveBillingRequest.billingRequest.status).toBe('APPROVED');
    expect(
      await code(world.run(vendor, fail, { input: { billingRequest: vendorSide, reason: 'late' } })),
    ).toBe('CONFLICT');
    const f = await ok<{ failBillingRequest: { billingRequest: { status: string; reason: string } } }>(
      world.run(operator, fail, { input: { billingRequest: providerSide, reason: 'customer disputes' } }),
    );
    expect(f.failBillingRequest.billingRequest).toEqual({ status: 'FAILED', reason: 'customer disputes' });
    const h = await ok<{ billingRequest: { history: unknown[] } }>(
      world.run(distributor, BR, { id: providerSide }),
    );
    expect(h.billingRequest.history).toEqual([
      { kind: 'CREATED', from: null, to: 'PENDING', actorRole: 'SERVICE' },
      { kind: 'FAILED', from: 'PENDING', to: 'FAILED', actorRole: 'OPERATOR' },
    ]);
  });

  it("shows an asset's billing to its parties", async () => {
    const q = `query { _entities(representations: [{ __typename: "Asset", id: "AS-3000-0000-0001" }]) {
      ... on Asset { billing { status period anchorDate nextBillingDate billedPeriods } } } }`;
    const d = await ok<{ _entities: { billing: unknown }[] }>(world.run(reseller, q));
    expect(d._entities[0]!.billing).toEqual({
      status: 'ACTIVE',
      period: 'MONTHLY',
      anchorDate: '2026-03-10T00:00:00.000Z',
      nextBillingDate: '2026-05-10T00:00:00.000Z',
      billedPeriods: 1,
    });
    const s = await ok<{ _entities: { billing: unknown }[] }>(world.run(stranger, q));
    expect(s._entities[0]!.billing).toBeNull();
  });
});

describe("an asset request's price", () => {
  // what the gateway sends billing for `assetRequest { price }`: the fields `price` @requires
  const PRICE = `query($reps: [_Any!]!) { _entities(representations: $reps) {
    ... on AssetRequest { price { version currency effectiveAt priceList { id } points { item { id } cost price } } } } }`;
  const rep = (effectiveDate: string | null) => ({
    __typename: 'AssetRequest',
    id: 'PR-3000-0000-0001-001',
    effectiveDate,
    product: { id: PRODUCT },
    marketplace: { id: MP },
  });
  type Priced = { _entities: { price: Record<string, unknown> | null }[] };

  it('is the version effective at the request date, without cost for the reseller; stable after a new version', async () => {
    const at = '2026-03-20T12:00:00.000Z';
    const v = await ok<Priced>(world.run(vendor, PRICE, { reps: [rep(at)] }));
    expect(v._entities[0]!.price).toEqual({
      version: 1,
      currency: 'USD',
      effectiveAt: '2026-03-01T00:00:00.000Z',
      priceList: { id: listId },
      points: [
        { item: { id: ITEM_A }, cost: '8.00', price: '10.00' },
        { item: { id: ITEM_B }, cost: '3', price: '5' },
      ],
    });
    const r = await ok<Priced>(world.run(reseller, PRICE, { reps: [rep(at)] }));
    expect((r._entities[0]!.price!.points as { cost: string | null }[]).map((p) => p.cost)).toEqual([
      null,
      null,
    ]);
    // another reseller of the marketplace that sold it still sees its price, never the cost
    const o = await ok<Priced>(world.run(otherReseller, PRICE, { reps: [rep(at)] }));
    expect(o._entities[0]!.price).toMatchObject({ version: 1, priceList: null });
    expect((o._entities[0]!.price!.points as { cost: string | null }[]).map((p) => p.cost)).toEqual([
      null,
      null,
    ]);

    // a version 2, which may not reach back before now (the clock is 2026-04-10): the request keeps version 1
    const add = `mutation($input: CreatePriceListVersionInput!) { createPriceListVersion(input: $input) { priceList { id } } }`;
    await ok(
      world.run(vendor, add, {
        input: { priceList: listId, points: [{ item: ITEM_A, cost: '9', price: '11' }] },
      }),
    );
    const activate = `mutation($input: ActivatePriceListVersionInput!) { activatePriceListVersion(input: $input) { priceList { id } } }`;
    expect(
      await code(
        world.run(vendor, activate, {
          input: { priceList: listId, version: 2, effectiveDate: '2026-03-15T00:00:00Z' },
        }),
      ),
    ).toBe('BAD_USER_INPUT');
    await ok(world.run(vendor, activate, { input: { priceList: listId, version: 2 } }));
    const after = await ok<Priced>(
      world.run(vendor, PRICE, { reps: [rep(at), rep(clock.now().toISOString())] }),
    );
    expect(after._entities.map((e) => e.price?.version)).toEqual([1, 2]);
  });

  it('is null before the request takes effect and for a date no version priced', async () => {
    const d = await ok<Priced>(world.run(vendor, PRICE, { reps: [rep(null), rep('2026-02-01T00:00:00Z')] }));
    expect(d._entities.map((e) => e.price)).toEqual([null, null]);
  });
});

describe("an asset's renewal", () => {
  const SET = `mutation($input: SetAssetRenewalInput!) { setAssetRenewal(input: $input) {
    assetBilling { provider { id } commitment { months endsAt renew renewals } } } }`;
  it('is the seller’s and the distributor’s to decide, on an asset with a commitment', async () => {
    const input = { asset: 'AS-3000-0000-0001', renew: false };
    expect(await code(world.run(vendor, SET, { input }))).toBe('FORBIDDEN');
    expect(await code(world.run(otherReseller, SET, { input }))).toBe('BAD_USER_INPUT');
    // the reseller that sold it may, but it has no commitment
    expect(await code(world.run(reseller, SET, { input }))).toBe('CONFLICT');
    await observeAsset(world.env, snapshot('AS-3000-0000-0002', 'active', [[ITEM_A, '1']], R, 12));
    const d = await ok<{ setAssetRenewal: { assetBilling: unknown } }>(
      world.run(reseller, SET, { input: { asset: 'AS-3000-0000-0002', renew: false } }),
    );
    expect(d.setAssetRenewal.assetBilling).toEqual({
      provider: { id: R },
      commitment: { months: 12, endsAt: '2027-04-10T00:00:00.000Z', renew: false, renewals: 0 },
    });
  });
});
