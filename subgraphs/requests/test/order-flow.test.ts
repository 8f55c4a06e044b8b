// The order flow against the real database (flows + change store), with products' and partners' answers
// fixed (peers-fixture.ts): purchase and inquiry, approval, S4's change/suspend/resume/cancel with
// scheduling and revocation, tier configs at levels 1 and 2, idempotency and concurrent decisions.
import { type ChangeStore, DomainError, entityWriters, type Identity, type KitEnv, newId } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testChangeStore, testDatabase } from '../../../tests/support/db.js';
import type { RequestEnv } from '../src/env.js';
import { purchase } from '../src/flows/purchase.js';
import { actOnRequest, editRequestParams, openAssetRequest } from '../src/flows/requests.js';
import { actOnTierConfigRequest } from '../src/flows/tiers.js';
import {
  type AssetDoc,
  type AssetRequestDoc,
  type RequestModels,
  requestEntities,
  requestModels,
  type TierAccountDoc,
  type TierConfigDoc,
  type TierConfigRequestDoc,
} from '../src/models/index.js';
import {
  contractOf,
  DISTRIBUTOR,
  FixedPeers,
  MARKETPLACE,
  productFacts,
  RESELLER,
  VENDOR,
} from './peers-fixture.js';

const vendor: Identity = { accountId: VENDOR, role: 'VENDOR' };
const distributor: Identity = { accountId: DISTRIBUTOR, role: 'DISTRIBUTOR' };
const reseller: Identity = { accountId: RESELLER, role: 'RESELLER' };

let db: Awaited<ReturnType<typeof testDatabase>>;
let store: ChangeStore;
let m: RequestModels;
let env: RequestEnv;
const peers = new FixedPeers();
const PRD = 'PRD-900-000-001';
const PRD_T1 = 'PRD-900-000-002';
const PRD_T2 = 'PRD-900-000-003';
const PRD_NOHOLD = 'PRD-900-000-004';

beforeAll(async () => {
  db = await testDatabase('requests');
  m = requestModels(db.conn);
  store = await testChangeStore(db, { entities: Object.values(m) });
  env = {
    kit: { changes: store } as unknown as KitEnv,
    models: m,
    write: entityWriters(store, requestEntities(m)),
    peers,
  };
  const tierParams = [
    { name: 'tenant_name', scope: 'ASSET', phase: 'ORDERING', required: true },
    { name: 'license_key', scope: 'ASSET', phase: 'FULFILLMENT', required: true },
    { name: 'reseller_id', scope: 'TIER1', phase: 'ORDERING', required: true },
  ];
  peers.products.set(PRD, productFacts(PRD));
  peers.products.set(PRD_T1, productFacts(PRD_T1, { configsLevel: 1, parameters: tierParams }));
  peers.products.set(
    PRD_T2,
    productFacts(PRD_T2, {
      configsLevel: 2,
      parameters: [...tierParams, { name: 'region', scope: 'TIER2', phase: 'ORDERING', required: true }],
    }),
  );
  peers.products.set(PRD_NOHOLD, productFacts(PRD_NOHOLD, { hold: false }));
  for (const p of [PRD, PRD_T1, PRD_T2, PRD_NOHOLD]) peers.listed.add(`${p}:${MARKETPLACE}`);
  peers.paths.set(`${DISTRIBUTOR}:${MARKETPLACE}`, {
    distribution: contractOf(MARKETPLACE),
    distributor: DISTRIBUTOR,
    marketplace: MARKETPLACE,
  });
});

afterAll(async () => {
  await db.conn.dropDatabase();
  await db.close();
});

async function tierAccount(type: 'customer' | 'reseller', owner = DISTRIBUTOR): Promise<TierAccountDoc> {
  const id = newId('tierAccount');
  const { doc } = await store.create<TierAccountDoc>({
    model: m.TierAccount,
    entityType: 'TierAccount',
    doc: {
      _id: id,
      type,
      status: 'active',
      name: `${type} ${id}`,
      externalId: null,
      parentId: null,
      owner,
      _acl: [owner],
    },
    actor: { accountId: owner, role: 'DISTRIBUTOR' },
    partitionKey: owner,
  });
  return doc;
}

type TierDocs = { customer: TierAccountDoc; tier1: TierAccountDoc | null; tier2: TierAccountDoc | null };

async function buy(
  product: string,
  over: Partial<Omit<Parameters<typeof purchase>[3], 'tiers'>> & { tiers?: TierDocs } = {},
  who: Identity = distributor,
): Promise<{ asset: AssetDoc; request: AssetRequestDoc }> {
  const { tiers, ...rest } = over;
  const t = tiers ?? { customer: await tierAccount('customer'), tier1: null, tier2: null };
  return purchase(env, who, 'test', {
    product,
    marketplace: MARKETPLACE,
    externalId: null,
    items: [{ item: `${product}-0001`, quantity: '10' }, { item: `${product}-0002` }],
    params: [{ name: 'tenant_name', value: 'acme' }],
    tiers: { customer: t.customer._id, tier1: t.tier1?._id ?? null, tier2: t.tier2?._id ?? null },
    idempotencyKey: undefined,
    ...rest,
  });
}

const asset = async (id: string) => (await m.Asset.findById(id).lean<AssetDoc>())!;
const request = async (id: string) => (await m.AssetRequest.findById(id).lean<AssetRequestDoc>())!;
const tcr = async (id: string) => (await m.TierConfigRequest.findById(id).lean<TierConfigRequestDoc>())!;
const act = async (who: Identity, id: string, action: Parameters<typeof actOnRequest>[4], input = {}) =>
  actOnRequest(env, who, 'test', await request(id), action, input);
const open = async (who: Identity, id: string, type: Parameters<typeof openAssetRequest>[4], input = {}) =>
  openAssetRequest(env, who, 'test', await asset(id), type, input);

async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('purchase', () => {
  it('creates a processing asset and its pending request PR-<asset>-001; approval activates it', async () => {
    const { asset: a, request: r } = await buy(PRD);
    expect(a.status).toBe('processing');
    expect(r._id).toBe(`PR-${a._id.slice(3)}-001`);
    expect(r.status).toBe('pending');
    expect(a.items).toEqual([
      { itemId: `${PRD}-0001`, mpn: 'MPN-USERS', quantity: '10' },
      { itemId: `${PRD}-0002`, mpn: 'MPN-PPU', quantity: '0' },
    ]);
    expect(a._acl.sort()).toEqual([DISTRIBUTOR, VENDOR].sort());
    // approval needs the required fulfillment parameter and a fulfillment template
    expect(await refused(act(vendor, r._id, 'approve', { template: 'TL-100-000-001' }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await refused(editRequestParams(env, distributor, r, [{ name: 'license_key', value: 'x' }]))).toBe(
      'BAD_USER_INPUT',
    );
    await editRequestParams(env, vendor, r, [{ name: 'license_key', value: 'LK-1' }]);
    expect(await refused(act(vendor, r._id, 'approve', {}))).toBe('BAD_USER_INPUT');
    expect(await refused(act(vendor, r._id, 'approve', { template: 'TL-100-000-002' }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await refused(act(distributor, r._id, 'approve', { template: 'TL-100-000-001' }))).toBe(
      'FORBIDDEN',
    );
    const approved = await act(vendor, r._id, 'approve', { template: 'TL-100-000-001' });
    expect(approved.status).toBe('approved');
    expect(approved.activationKey).toBe('TL-100-000-001: tenant_name=acme, license_key=LK-1');
    const after = await asset(a._id);
    expect(after.status).toBe('active');
    expect(after.activatedAt).toBeInstanceOf(Date);
    expect(after.pendingRequest).toBeNull();
    expect(after.params).toEqual([
      { name: 'tenant_name', value: 'acme', valueError: null },
      { name: 'license_key', value: 'LK-1', valueError: null },
    ]);
    const events = await store.models.feed
      .find({ entityId: { $in: [a._id, r._id] } })
      .sort({ s: 1 })
      .lean();
    expect(events.map((e) => `${e.entityType}:${e.kind}:${e.from}->${e.to}`)).toEqual([
      'Asset:created:null->processing',
      'AssetRequest:created:null->pending',
      'AssetRequest:params_updated:pending->pending',
      'AssetRequest:approve:pending->approved',
      'Asset:purchase_approved:processing->active',
    ]);
  });

  it('asks for an empty required ordering value (inquiring), and the buyer answers', async () => {
    const { request: r } = await buy(PRD, { params: [{ name: 'tenant_name', value: '' }] });
    expect(r.status).toBe('inquiring');
    expect(r.params.find((p) => p.name === 'tenant_name')?.valueError).toBe('required');
    expect(
      await refused(act(vendor, r._id, 'answer', { params: [{ name: 'tenant_name', value: 'acme' }] })),
    ).toBe('FORBIDDEN');
    const answered = await act(distributor, r._id, 'answer', {
      params: [{ name: 'tenant_name', value: 'acme' }],
    });
    expect(answered.status).toBe('pending');
    expect(answered.answered).toBe(true);
    expect(answered.params.find((p) => p.name === 'tenant_name')).toEqual({
      name: 'tenant_name',
      value: 'acme',
      valueError: null,
    });
    // the vendor inquires with a per-parameter error, then fails it: the asset is terminated
    const inquired = await act(vendor, r._id, 'inquire', {
      params: [{ name: 'tenant_name', valueError: 'already taken' }],
    });
    expect(inquired.status).toBe('inquiring');
    expect(inquired.params.find((p) => p.name === 'tenant_name')?.valueError).toBe('already taken');
    expect(await refused(act(vendor, r._id, 'fail', { reason: 'x' }))).toBe('CONFLICT');
    await act(vendor, r._id, 'pend');
    await act(vendor, r._id, 'fail', { reason: 'no capacity' });
    const a = await asset(r.assetId);
    expect(a.status).toBe('terminated');
    expect(a.terminatedAt).toBeInstanceOf(Date);
    expect(
      await refused(open(distributor, a._id, 'change', { items: [{ item: `${PRD}-0001`, quantity: '1' }] })),
    ).toBe('CONFLICT');
  });

  it('refuses what is not sold there, unknown items, bad quantities, unknown or missing params', async () => {
    expect(await refused(buy('PRD-900-000-099'))).toBe('BAD_USER_INPUT');
    peers.products.set('PRD-900-000-098', productFacts('PRD-900-000-098'));
    expect(await refused(buy('PRD-900-000-098'))).toBe('CONFLICT'); // not listed
    // no contract for the reseller there (with a customer of its own: another's is bad input first)
    const own = { customer: await tierAccount('customer', RESELLER), tier1: null, tier2: null };
    expect(await refused(buy(PRD, { tiers: own }, reseller))).toBe('FORBIDDEN');
    const others = { customer: await tierAccount('customer'), tier1: null, tier2: null };
    expect(await refused(buy(PRD, { tiers: others }, reseller))).toBe('BAD_USER_INPUT');
    expect(await refused(buy(PRD, { items: [{ item: `${PRD}-0009`, quantity: '1' }] }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await refused(buy(PRD, { items: [{ item: `${PRD}-0001`, quantity: '1.5' }] }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await refused(buy(PRD, { items: [{ item: `${PRD}-0001`, quantity: '0' }] }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await refused(buy(PRD, { items: [{ item: `${PRD}-0002`, quantity: '1.255' }] }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await refused(buy(PRD, { params: [] }))).toBe('BAD_USER_INPUT');
    expect(
      await refused(
        buy(PRD, {
          params: [
            { name: 'tenant_name', value: 'a' },
            { name: 'nope', value: '1' },
          ],
        }),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(await m.Asset.countDocuments({ productId: 'PRD-900-000-098' })).toBe(0);
  });

  it('returns the first purchase for a repeated idempotency key or external id, also when concurrent', async () => {
    const customer = await tierAccount('customer');
    const tiers = { customer, tier1: null, tier2: null };
    const key = `purchase:${DISTRIBUTOR}:k-${newId('asset')}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => buy(PRD, { tiers, idempotencyKey: key })),
    );
    expect(new Set(results.map((r) => r.asset._id)).size).toBe(1);
    expect(new Set(results.map((r) => r.request._id)).size).toBe(1);
    expect(await m.Asset.countDocuments({ customerId: customer._id })).toBe(1);
    const ext = `ORDER-${newId('asset')}`;
    const byExt = await Promise.all(Array.from({ length: 5 }, () => buy(PRD, { tiers, externalId: ext })));
    expect(new Set(byExt.map((r) => r.asset._id)).size).toBe(1);
    expect(await m.Asset.countDocuments({ customerId: customer._id })).toBe(2);
    expect(await m.AssetRequest.countDocuments({ customerId: customer._id })).toBe(2);
  });

  it('lets exactly one of 50 concurrent approve/fail calls win; the asset changes once', async () => {
    const { asset: a, request: r } = await buy(PRD);
    await editRequestParams(env, vendor, r, [{ name: 'license_key', value: 'LK-2' }]);
    const fresh = await request(r._id);
    const calls = Array.from({ length: 50 }, (_, i) =>
      actOnRequest(env, vendor, 'test', fresh, i % 2 ? 'approve' : 'fail', {
        template: 'TL-100-000-001',
        reason: 'race',
      }).then(
        () => 'ok',
        (e: DomainError) => e.code,
      ),
    );
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CONFLICT')).toHaveLength(49);
    const after = await asset(a._id);
    expect(after.version).toBe(2);
    expect(['active', 'terminated']).toContain(after.status);
    const decided = await store.models.feed.countDocuments({
      entityId: r._id,
      kind: { $in: ['approve', 'fail'] },
    });
    expect(decided).toBe(1);
    expect(await store.models.feed.countDocuments({ entityId: a._id })).toBe(2);
  });
});

describe('S4: change, suspend/resume, cancel with scheduling and revocation', () => {
  it('walks the scenario step by step', async () => {
    const { asset: a, request: r } = await buy(PRD);
    await editRequestParams(env, vendor, r, [{ name: 'license_key', value: 'LK-3' }]);
    await act(vendor, r._id, 'approve', { template: 'TL-100-000-001' });
    const id = a._id;
    const pr = (n: number) => `PR-${id.slice(3)}-00${n}`;
    // 1-2: change 10 -> 15, approved
    const change = await open(distributor, id, 'change', {
      items: [{ item: `${PRD}-0001`, quantity: '15' }],
    });
    expect(change._id).toBe(pr(2));
    expect(change.items).toEqual([
      { itemId: `${PRD}-0001`, mpn: 'MPN-USERS', quantity: '15', oldQuantity: '10' },
    ]);
    expect((await asset(id)).status).toBe('active');
    expect(await refused(open(distributor, id, 'cancel'))).toBe('CONFLICT'); // one open request at a time
    await act(vendor, pr(2), 'approve');
    expect((await asset(id)).items?.find((i) => i.mpn === 'MPN-USERS')?.quantity).toBe('15');
    // 3: change to 20 failed: quantity stays 15
    await open(distributor, id, 'change', { items: [{ item: `${PRD}-0001`, quantity: '20' }] });
    await act(vendor, pr(3), 'fail', { reason: 'no capacity' });
    expect((await asset(id)).items?.find((i) => i.mpn === 'MPN-USERS')?.quantity).toBe('15');
    // 4-5: suspend, resume
    expect(await refused(open(vendor, id, 'suspend'))).toBe('FORBIDDEN');
    await open(distributor, id, 'suspend');
    await act(vendor, pr(4), 'approve');
    expect((await asset(id)).status).toBe('suspended');
    expect(
      await refused(open(distributor, id, 'change', { items: [{ item: `${PRD}-0001`, quantity: '1' }] })),
    ).toBe('CONFLICT');
    await open(distributor, id, 'resume');
    await act(vendor, pr(5), 'approve');
    expect((await asset(id)).status).toBe('active');
    // 6-7a: cancel -> terminating, failed -> active
    await open(distributor, id, 'cancel');
    expect((await asset(id)).status).toBe('terminating');
    await act(vendor, pr(6), 'fail', { reason: 'customer stays' });
    expect((await asset(id)).status).toBe('active');
    // 7b: cancel scheduled, revoked by the distributor, confirmed by the vendor: back to active
    await open(distributor, id, 'cancel');
    const planned = new Date(Date.now() + 86_400_000);
    expect((await act(vendor, pr(7), 'schedule', { plannedDate: planned })).status).toBe('scheduled');
    expect(await refused(act(vendor, pr(7), 'revoke', { reason: 'x' }))).toBe('FORBIDDEN');
    expect((await act(distributor, pr(7), 'revoke', { reason: 'changed mind' })).status).toBe('revoking');
    expect((await act(vendor, pr(7), 'confirmRevocation')).status).toBe('revoked');
    expect((await asset(id)).status).toBe('active');
    // 8: cancel approved: terminated, nothing more
    await open(distributor, id, 'cancel');
    await act(vendor, pr(8), 'approve');
    const end = await asset(id);
    expect(end.status).toBe('terminated');
    expect(end.terminatedAt).toBeInstanceOf(Date);
    for (const type of ['change', 'suspend', 'resume', 'cancel'] as const) {
      expect(
        await refused(open(distributor, id, type, { items: [{ item: `${PRD}-0001`, quantity: '1' }] })),
      ).toBe('CONFLICT');
    }
    expect(end.requestCount).toBe(8);
  });

  it('refuses suspend without hold, requests on a processing asset, and scheduling where not allowed', async () => {
    const { asset: a, request: r } = await buy(PRD_NOHOLD);
    expect(
      await refused(
        open(distributor, a._id, 'change', { items: [{ item: `${PRD_NOHOLD}-0001`, quantity: '1' }] }),
      ),
    ).toBe('CONFLICT');
    expect(await refused(open(distributor, a._id, 'cancel'))).toBe('CONFLICT');
    await editRequestParams(env, vendor, r, [{ name: 'license_key', value: 'LK' }]);
    await act(vendor, r._id, 'approve', { template: 'TL-100-000-001' });
    expect(await refused(open(distributor, a._id, 'suspend'))).toBe('CONFLICT');
    peers.products.set(PRD_NOHOLD, {
      ...peers.products.get(PRD_NOHOLD)!,
      scheduling: { purchase: false, change: false, suspend: false, resume: false, cancel: false },
    });
    const cancel = await open(distributor, a._id, 'cancel');
    expect(
      await refused(act(vendor, cancel._id, 'schedule', { plannedDate: new Date(Date.now() + 1000) })),
    ).toBe('CONFLICT');
  });
});

describe('tier configurations', () => {
  it('level 1 (S3): the purchase waits for the tier-1 setup request, which inquires, is answered and approved', async () => {
    const tier1 = await tierAccount('reseller');
    const { asset: a, request: r } = await buy(PRD_T1, {
      tiers: { customer: await tierAccount('customer'), tier1, tier2: null },
      params: [{ name: 'tenant_name', value: 'acme' }],
    });
    expect(r.status).toBe('tiers_setup');
    const tc = (await m.TierConfig.findOne({ accountId: tier1._id }).lean<TierConfigDoc>())!;
    expect(tc.status).toBe('processing');
    expect(tc.tierLevel).toBe(1);
    const setup = await tcr(r.waitingFor!);
    expect(setup._id).toBe(`TCR-${tc._id.slice(3)}-001`);
    expect(setup.status).toBe('inquiring'); // reseller_id missing
    expect(await refused(actOnTierConfigRequest(env, vendor, 't', setup, 'approve', {}))).toBe('CONFLICT');
    const answered = await actOnTierConfigRequest(env, distributor, 't', setup, 'answer', {
      params: [{ name: 'reseller_id', value: 'R-77' }],
    });
    expect(answered.status).toBe('pending');
    await actOnTierConfigRequest(env, vendor, 't', answered, 'approve', { template: 'TL-100-000-002' });
    expect((await tcr(setup._id)).activationText).toBe('TL-100-000-002: reseller_id=R-77');
    expect((await m.TierConfig.findById(tc._id).lean<TierConfigDoc>())!.status).toBe('active');
    expect((await request(r._id)).status).toBe('pending');
    expect((await asset(a._id)).status).toBe('processing');
    // a second purchase for the same reseller finds the config active and does not wait
    const second = await buy(PRD_T1, {
      tiers: { customer: await tierAccount('customer'), tier1, tier2: null },
    });
    expect(second.request.status).toBe('pending');
    expect(await m.TierConfig.countDocuments({ accountId: tier1._id })).toBe(1);
  });

  it('level 1 alternative B: failing the tier config request fails the purchase and terminates the asset', async () => {
    const tier1 = await tierAccount('reseller');
    const { asset: a, request: r } = await buy(PRD_T1, {
      tiers: { customer: await tierAccount('customer'), tier1, tier2: null },
      params: [
        { name: 'tenant_name', value: 'acme' },
        { name: 'reseller_id', value: 'R-1' },
      ],
    });
    const setup = await tcr(r.waitingFor!);
    expect(setup.status).toBe('pending');
    await actOnTierConfigRequest(env, vendor, 't', setup, 'fail', { reason: 'unknown reseller' });
    expect((await request(r._id)).status).toBe('failed');
    const after = await asset(a._id);
    expect(after.status).toBe('terminated');
    expect(after.pendingRequest).toBeNull();
  });

  it('level 2: tier-1 waits for tier-2; approvals cascade; a later tier-1 failure fails the purchase', async () => {
    const tier1 = await tierAccount('reseller');
    const tier2 = await tierAccount('reseller');
    const { asset: a, request: r } = await buy(PRD_T2, {
      tiers: { customer: await tierAccount('customer'), tier1, tier2 },
      params: [
        { name: 'tenant_name', value: 'acme' },
        { name: 'reseller_id', value: 'R-1' },
        { name: 'region', value: 'eu' },
      ],
    });
    const t1 = await tcr(r.waitingFor!);
    expect(t1.tierLevel).toBe(1);
    expect(t1.status).toBe('tiers_setup');
    const t2 = await tcr(t1.waitingFor!);
    expect(t2.tierLevel).toBe(2);
    expect(t2.status).toBe('pending');
    await actOnTierConfigRequest(env, vendor, 't', t2, 'approve', {});
    expect((await tcr(t1._id)).status).toBe('pending');
    expect((await request(r._id)).status).toBe('tiers_setup');
    await actOnTierConfigRequest(env, distributor, 't', await tcr(t1._id), 'fail', { reason: 'withdrawn' });
    expect((await request(r._id)).status).toBe('failed');
    expect((await asset(a._id)).status).toBe('terminated');
  });

  it('level 2: a tier-2 failure cascades through the waiting tier-1 request to the purchase', async () => {
    const { asset: a, request: r } = await buy(PRD_T2, {
      tiers: {
        customer: await tierAccount('customer'),
        tier1: await tierAccount('reseller'),
        tier2: await tierAccount('reseller'),
      },
      params: [{ name: 'tenant_name', value: 'acme' }],
    });
    const t1 = await tcr(r.waitingFor!);
    const t2 = await tcr(t1.waitingFor!);
    expect(t2.status).toBe('inquiring');
    await actOnTierConfigRequest(env, vendor, 't', t2, 'fail', { reason: 'no' });
    expect((await tcr(t1._id)).status).toBe('failed');
    expect((await request(r._id)).status).toBe('failed');
    expect((await asset(a._id)).status).toBe('terminated');
    expect(
      await refused(
        buy(PRD_T2, { tiers: { customer: await tierAccount('customer'), tier1: null, tier2: null } }),
      ),
    ).toBe('BAD_USER_INPUT');
  });
});
