// The order flow through the gateway with every subgraph running: products built and listed through the
// products API on the demo contract network, then scenarios S3 and S4 (docs/domain.md#scenarios) step by
// step with their alternatives and negative steps, purchase refusals, concurrency and tenancy per role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { type BuiltProduct, OrdersApi } from '../support/orders.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { Subscriber } from '../support/subscriber.js';

let t: TestStack;
let api: OrdersApi;
const V = DEMO.vendor; // Acme VA-100-001
const D = DEMO.distributor; // Globex PA-200-001
const R = DEMO.reseller; // Initech PA-300-001, resells Globex's by syndication in MP-30001
const US = 'MP-20001';
let P: BuiltProduct; // tier configs level 1, hold, cancel scheduling; listed in Globex US
let NOHOLD: BuiltProduct; // no hold, no tiers; listed in Globex US
let UNLISTED: BuiltProduct;
/** S3's asset, where S4 starts */
let s3Asset = '';

beforeAll(async () => {
  t = await startTestStack({ seed: true });
  api = new OrdersApi(t);
  const contracts = await api.ok<{ contracts: { edges: { node: { id: string } }[] } }>(
    V,
    `{ contracts(filter: { type: DISTRIBUTION, status: ACTIVE, marketplace: "${US}" }) { edges { node { id } } } }`,
  );
  const listOn = { contract: contracts.contracts.edges[0]!.node.id, distributor: D };
  P = await api.product(V, {
    name: 'Acme Orders',
    configsLevel: 1,
    hold: true,
    scheduling: { cancel: true },
    listOn,
  });
  NOHOLD = await api.product(V, { name: 'Acme No Hold', hold: false, listOn });
  UNLISTED = await api.product(V, { name: 'Acme Unlisted' });
}, 300_000);

afterAll(async () => {
  await t?.stop();
});

const approveTcr = (request: string, template?: string) =>
  api.tcr(V, 'approveTierConfigRequest', { tierConfigRequest: request, ...(template ? { template } : {}) });

// Subscriptions of the requests subgraph heard through the gateway while the scenarios run: each event
// carries the product's name (products) and the marketplace's (partners), resolved per event.
const ASSET_CHANGES = `subscription($f: AssetChangeFilter) { assetChanged(filter: $f) {
  kind previousStatus status asset { id status product { name } marketplace { name } } } }`;
const TCR_CHANGES = `subscription($f: TierConfigRequestChangeFilter) { tierConfigRequestChanged(filter: $f) {
  kind previousStatus status
  tierConfigRequest { id status configuration { product { name } marketplace { name } } } } }`;
interface Change {
  kind: string;
  previousStatus: string | null;
  status: string | null;
}
type AssetEv = { assetChanged: Change & { asset: Record<string, unknown> } };
type TcrEv = { tierConfigRequestChanged: Change & { tierConfigRequest: Record<string, unknown> } };
const MARKET = { name: 'Globex US' };
const subscribe = <T>(token: string, query: string, f: Record<string, unknown> | null = null) =>
  new Subscriber<T>(t.gatewayUrl, token, query, { f });
/** Waits until `heard` has `n` events, a little longer for any extra, then checks that `deaf` got none. */
async function exactly<T>(heard: Subscriber<T>[], n: number, deaf: Subscriber<unknown>[]): Promise<void> {
  for (const s of heard) await s.count(n);
  await new Promise((r) => setTimeout(r, 700));
  for (const s of heard) {
    expect(s.events.filter((e) => e.errors)).toEqual([]);
    expect(s.events).toHaveLength(n);
  }
  for (const s of deaf) expect(s.events).toEqual([]);
}

const activeAsset = (product: BuiltProduct, customer: string) =>
  api.activeAsset(D, V, {
    product,
    marketplace: US,
    tiers: { customer },
    items: [{ item: product.users, quantity: '10' }, { item: product.ppu }],
  });

describe('scenario S3: purchase with tier config, inquiry and approval', () => {
  let customer: string;
  let reseller: string;
  let asset: string;
  let pr: string;
  let tcr: string;
  let heard: {
    assets: Subscriber<AssetEv>[];
    tcrs: Subscriber<TcrEv>[];
    deaf: Subscriber<unknown>[];
  };

  it('subscribers open: the vendor and the distributor, another vendor, filters that exclude the order', async () => {
    heard = {
      // (a) the product's vendor (by product) and the selling distributor (everything it may see)
      assets: [subscribe(V, ASSET_CHANGES, { product: P.id }), subscribe(D, ASSET_CHANGES)],
      tcrs: [subscribe(V, TCR_CHANGES, { product: P.id }), subscribe(D, TCR_CHANGES)],
      deaf: [
        // (b) another vendor, not a party
        subscribe(DEMO.vendor2, ASSET_CHANGES),
        subscribe(DEMO.vendor2, TCR_CHANGES),
        // filters that exclude this order, for a party
        subscribe(V, ASSET_CHANGES, { product: NOHOLD.id }),
        subscribe(D, TCR_CHANGES, { statuses: ['FAILED'] }),
      ],
    };
    await Promise.all([...heard.assets, ...heard.tcrs, ...heard.deaf].map((s) => Subscriber.ready(s, 700)));
  });

  it('1-2. D posts a purchase: AS processing, PR tiers_setup, TC processing, TCR inquiring (reseller_id missing)', async () => {
    customer = await api.tierAccount(D, 'CUSTOMER', 'Wayne Enterprises');
    reseller = await api.tierAccount(D, 'RESELLER', 'Tier One Ltd');
    const r = await api.purchase(D, {
      product: P.id,
      marketplace: US,
      items: [{ item: P.users, quantity: '10' }, { item: P.ppu }],
      params: [{ name: 'tenant_name', value: '' }],
      tiers: { customer, tier1: reseller },
      externalId: 'S3-ORDER-1',
    });
    asset = r.asset.id;
    pr = r.request.id;
    expect(r.asset.status).toBe('PROCESSING');
    expect(pr).toBe(`PR-${asset.slice(3)}-001`);
    expect(r.request.status).toBe('TIERS_SETUP');
    expect(r.request.tierConfigRequest?.status).toBe('INQUIRING');
    tcr = r.request.tierConfigRequest!.id;
    const tc = await api.ok<{ tierConfigRequest: { configuration: { status: string } } }>(
      V,
      `{ tierConfigRequest(id: "${tcr}") { configuration { status } } }`,
    );
    expect(tc.tierConfigRequest.configuration.status).toBe('PROCESSING');
  });

  it('3. the provider fills reseller_id: TCR pending', async () => {
    const neg = await api.error(
      V,
      'mutation($i: AnswerTierConfigRequestInput!) { answerTierConfigRequest(input: $i) { tierConfigRequest { id } } }',
      { i: { tierConfigRequest: tcr, params: [{ name: 'reseller_id', value: 'R-1' }] } },
    );
    expect(neg.code).toBe('FORBIDDEN');
    const t3 = await api.tcr(D, 'answerTierConfigRequest', {
      tierConfigRequest: tcr,
      params: [{ name: 'reseller_id', value: 'R-1' }],
    });
    expect(t3.status).toBe('PENDING');
  });

  it('4. V approves the TCR with a template: TCR approved, TC active, PR pending', async () => {
    expect(
      (
        await api.error(
          D,
          `mutation { approveTierConfigRequest(input: { tierConfigRequest: "${tcr}" }) { tierConfigRequest { id } } }`,
        )
      ).code,
    ).toBe('FORBIDDEN');
    const t4 = await approveTcr(tcr, P.tierTemplate);
    expect(t4.status).toBe('APPROVED');
    expect(t4.activationText).toBe('Reseller R-1 set up');
    const d = await api.ok<{ assetRequest: { status: string } }>(
      V,
      `{ assetRequest(id: "${pr}") { status } }`,
    );
    expect(d.assetRequest.status).toBe('PENDING');
  });

  it('5. V marks tenant_name with a value error and inquires: PR inquiring, AS processing', async () => {
    const r = await api.request(V, 'inquireAssetRequest', {
      assetRequest: pr,
      params: [{ name: 'tenant_name', valueError: 'a tenant name is required' }],
    });
    expect(r.status).toBe('INQUIRING');
    expect(r.params.find((p) => p.name === 'tenant_name')?.valueError).toBe('a tenant name is required');
    expect(r.asset?.status).toBe('PROCESSING');
  });

  it('6. D updates tenant_name: PR pending, answered', async () => {
    const r = await api.request(D, 'answerAssetRequest', {
      assetRequest: pr,
      params: [{ name: 'tenant_name', value: 'acme' }],
    });
    expect(r.status).toBe('PENDING');
    expect(r.answered).toBe(true);
  });

  it('7. V sets license_key and approves with the template: PR approved, activation rendered, AS active', async () => {
    const early = await api.requestError(V, 'approveAssetRequest', {
      assetRequest: pr,
      template: P.assetTemplate,
    });
    expect(early).toMatchObject({ code: 'BAD_USER_INPUT', field: 'params.license_key' });
    expect(
      (
        await api.requestError(D, 'updateAssetRequestParams', {
          assetRequest: pr,
          params: [{ name: 'license_key', value: 'x' }],
        })
      ).code,
    ).toBe('BAD_USER_INPUT');
    await api.request(V, 'updateAssetRequestParams', {
      assetRequest: pr,
      params: [{ name: 'license_key', value: 'LK-7' }],
    });
    const r = await api.request(V, 'approveAssetRequest', { assetRequest: pr, template: P.assetTemplate });
    expect(r.status).toBe('APPROVED');
    expect(r.activationKey).toBe('Key LK-7 for acme');
    expect(r.asset?.status).toBe('ACTIVE');
    expect(r.asset?.activatedAt).toBeTruthy();
    s3Asset = asset;
    expect(r.asset?.items).toEqual([
      { mpn: 'MPN-USERS', quantity: '10' },
      { mpn: 'MPN-PPU', quantity: '0' },
    ]);
    const again = await api.requestError(V, 'failAssetRequest', { assetRequest: pr, reason: 'late' });
    expect(again).toMatchObject({ code: 'CONFLICT', currentStatus: 'APPROVED' });
  });

  it('the vendor and the distributor heard the asset and its tier config request change, in order; no one else', async () => {
    const names = { product: { name: 'Acme Orders' }, marketplace: MARKET };
    const asAsset = (kind: string, previousStatus: string | null, status: string) => ({
      kind,
      previousStatus,
      status,
      asset: { id: asset, status, ...names },
    });
    const asTcr = (kind: string, previousStatus: string | null, status: string) => ({
      kind,
      previousStatus,
      status,
      tierConfigRequest: { id: tcr, status, configuration: names },
    });
    await exactly(heard.assets, 2, []);
    await exactly(heard.tcrs, 3, heard.deaf);
    for (const s of heard.assets) {
      expect(s.data().map((e) => e.assetChanged)).toEqual([
        asAsset('CREATED', null, 'PROCESSING'),
        asAsset('PURCHASE_APPROVED', 'PROCESSING', 'ACTIVE'),
      ]);
    }
    for (const s of heard.tcrs) {
      expect(s.data().map((e) => e.tierConfigRequestChanged)).toEqual([
        asTcr('CREATED', null, 'INQUIRING'),
        asTcr('ANSWER', 'INQUIRING', 'PENDING'),
        asTcr('APPROVE', 'PENDING', 'APPROVED'),
      ]);
    }
    await Promise.all([...heard.assets, ...heard.tcrs, ...heard.deaf].map((s) => s.close()));
  });

  it('the same external id again returns the first asset; the asset carries product, marketplace, tiers and history', async () => {
    const r = await api.purchase(D, {
      product: P.id,
      marketplace: US,
      items: [{ item: P.users, quantity: '3' }],
      params: [{ name: 'tenant_name', value: 'other' }],
      tiers: { customer, tier1: reseller },
      externalId: 'S3-ORDER-1',
    });
    expect(r.asset.id).toBe(asset);
    const d = await api.ok<{
      asset: {
        product: { id: string; name: string };
        marketplace: { id: string; name: string };
        tiers: { customer: { id: string; account: { name: string } }; tier1: { id: string } };
        requests: { totalCount: number };
        history: { kind: string; from: string | null; to: string; actorRole: string }[];
      };
    }>(
      D,
      `{ asset(id: "${asset}") { product { id name } marketplace { id name }
         tiers { customer { id account { name } } tier1 { id } } requests { totalCount }
         history { kind from to actorRole } } }`,
    );
    expect(d.asset.product).toEqual({ id: P.id, name: 'Acme Orders' });
    expect(d.asset.marketplace.id).toBe(US);
    expect(d.asset.tiers.customer).toEqual({ id: customer, account: { name: 'Wayne Enterprises' } });
    expect(d.asset.tiers.tier1.id).toBe(reseller);
    expect(d.asset.requests.totalCount).toBe(1);
    expect(d.asset.history.map((h) => `${h.kind}:${h.from}->${h.to}`)).toEqual([
      'CREATED:null->PROCESSING',
      'PURCHASE_APPROVED:PROCESSING->ACTIVE',
    ]);
  });

  it('alt A: V fails the purchase at step 7: PR failed, AS terminated', async () => {
    const c = await api.tierAccount(D, 'CUSTOMER', 'Alt A');
    const r = await api.purchase(D, {
      product: P.id,
      marketplace: US,
      items: [{ item: P.users, quantity: '1' }],
      params: [{ name: 'tenant_name', value: 'alt-a' }],
      tiers: { customer: c, tier1: reseller },
    });
    expect(r.request.status).toBe('PENDING'); // the reseller's tier config is active now
    expect(
      (await api.requestError(V, 'failAssetRequest', { assetRequest: r.request.id, reason: ' ' })).code,
    ).toBe('BAD_USER_INPUT');
    const f = await api.request(V, 'failAssetRequest', { assetRequest: r.request.id, reason: 'no capacity' });
    expect(f).toMatchObject({ status: 'FAILED', reason: 'no capacity' });
    expect(f.asset?.status).toBe('TERMINATED');
  });

  it('alt B: V fails the TCR at step 4: TCR failed, PR failed, AS terminated', async () => {
    const c = await api.tierAccount(D, 'CUSTOMER', 'Alt B');
    const r2 = await api.tierAccount(D, 'RESELLER', 'Tier One B');
    const r = await api.purchase(D, {
      product: P.id,
      marketplace: US,
      items: [{ item: P.users, quantity: '1' }],
      params: [
        { name: 'tenant_name', value: 'alt-b' },
        { name: 'reseller_id', value: 'R-B' },
      ],
      tiers: { customer: c, tier1: r2 },
    });
    expect(r.request.tierConfigRequest?.status).toBe('PENDING');
    const f = await api.tcr(V, 'failTierConfigRequest', {
      tierConfigRequest: r.request.tierConfigRequest!.id,
      reason: 'unknown reseller',
    });
    expect(f.status).toBe('FAILED');
    const d = await api.ok<{ assetRequest: { status: string; asset: { status: string } } }>(
      V,
      `{ assetRequest(id: "${r.request.id}") { status asset { status } } }`,
    );
    expect(d.assetRequest).toEqual({ status: 'FAILED', asset: { status: 'TERMINATED' } });
  });
});

describe('purchases refused', () => {
  let customer: string;
  const input = (over: Record<string, unknown>) => ({
    product: NOHOLD.id,
    marketplace: US,
    items: [{ item: NOHOLD.users, quantity: '1' }],
    params: [{ name: 'tenant_name', value: 'x' }],
    tiers: { customer },
    ...over,
  });
  const refuse = (token: string, over: Record<string, unknown>) =>
    api.error(token, api.purchaseQuery, { input: input(over) });

  beforeAll(async () => {
    customer = await api.tierAccount(D, 'CUSTOMER', 'Refused');
  });

  it('when the product is not listed, the contract is not active, an item is unknown, a required param is missing', async () => {
    expect(
      (await refuse(D, { product: UNLISTED.id, items: [{ item: UNLISTED.users, quantity: '1' }] })).code,
    ).toBe('CONFLICT');
    const hooliCustomer = await api.tierAccount(DEMO.distributor2, 'CUSTOMER', 'Hooli customer');
    expect((await refuse(DEMO.distributor2, { tiers: { customer: hooliCustomer } })).code).toBe('FORBIDDEN');
    expect(await refuse(D, { items: [{ item: `${NOHOLD.id}-0099`, quantity: '1' }] })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.items.0.item',
    });
    expect(await refuse(D, { items: [{ item: P.users, quantity: '1' }] })).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(await refuse(D, { params: [] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.params' });
    expect(await refuse(D, { items: [{ item: NOHOLD.users, quantity: '2.5' }] })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.items.0.quantity',
    });
    expect((await refuse(V, {})).code).toBe('FORBIDDEN');
    expect(await refuse(D, { tiers: { customer: 'TA-9999-9999-9999' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.tiers.customer',
    });
    const none = await api.ok<{ assets: { totalCount: number } }>(
      D,
      `{ assets(filter: { customer: "${customer}" }) { totalCount } }`,
    );
    expect(none.assets.totalCount).toBe(0);
  });
});

describe('scenario S4: change, suspend/resume, cancel with scheduling and revocation', () => {
  let asset: string;
  const pr = (n: number) => `PR-${asset.slice(3)}-00${n}`;
  let heard: Subscriber<AssetEv>[];
  let deaf: Subscriber<unknown>[];

  it("starts from S3's asset AS-1, active with 10 users; subscribers open", async () => {
    expect(s3Asset).toBeTruthy();
    asset = s3Asset;
    // (a) the vendor (this asset) and the distributor (everything it may see); (b) another vendor, and a
    // filter on statuses the asset never reaches in S4
    heard = [subscribe(V, ASSET_CHANGES, { id: asset }), subscribe(D, ASSET_CHANGES)];
    deaf = [
      subscribe(DEMO.vendor2, ASSET_CHANGES),
      subscribe(D, ASSET_CHANGES, { id: asset, statuses: ['PROCESSING', 'DRAFT'] }),
    ];
    await Promise.all([...heard, ...deaf].map((s) => Subscriber.ready(s, 700)));
  });

  it('1-2. change to 15, approved', async () => {
    const c = await api.request(D, 'createChangeRequest', {
      asset,
      items: [{ item: P.users, quantity: '15' }],
    });
    expect(c).toMatchObject({ id: pr(2), type: 'CHANGE', status: 'PENDING' });
    expect(c.items).toEqual([{ mpn: 'MPN-USERS', quantity: '15', oldQuantity: '10' }]);
    expect(c.asset?.status).toBe('ACTIVE');
    expect((await api.requestError(D, 'createCancelRequest', { asset })).code).toBe('CONFLICT');
    const a = await api.request(V, 'approveAssetRequest', { assetRequest: pr(2) });
    expect(a.asset?.items.find((i) => i.mpn === 'MPN-USERS')?.quantity).toBe('15');
  });

  it('3. change to 20 failed "no capacity": quantity stays 15', async () => {
    await api.request(D, 'createChangeRequest', { asset, items: [{ item: P.users, quantity: '20' }] });
    const f = await api.request(V, 'failAssetRequest', { assetRequest: pr(3), reason: 'no capacity' });
    expect(f.status).toBe('FAILED');
    expect(f.asset?.items.find((i) => i.mpn === 'MPN-USERS')?.quantity).toBe('15');
  });

  it('4-5. suspend approved, resume approved', async () => {
    await api.request(D, 'createSuspendRequest', { asset });
    expect((await api.request(V, 'approveAssetRequest', { assetRequest: pr(4) })).asset?.status).toBe(
      'SUSPENDED',
    );
    await api.request(D, 'createResumeRequest', { asset });
    expect((await api.request(V, 'approveAssetRequest', { assetRequest: pr(5) })).asset?.status).toBe(
      'ACTIVE',
    );
  });

  it('6-7a. cancel: terminating; V fails it: active', async () => {
    expect((await api.request(D, 'createCancelRequest', { asset })).asset?.status).toBe('TERMINATING');
    expect(
      (await api.request(V, 'failAssetRequest', { assetRequest: pr(6), reason: 'stays' })).asset?.status,
    ).toBe('ACTIVE');
  });

  it('7b. cancel scheduled, revoked by D, confirmed by V: revoked, asset active', async () => {
    await api.request(D, 'createCancelRequest', { asset });
    const plannedDate = new Date(Date.now() + 86_400_000).toISOString();
    expect((await api.request(V, 'scheduleAssetRequest', { assetRequest: pr(7), plannedDate })).status).toBe(
      'SCHEDULED',
    );
    expect((await api.requestError(V, 'revokeAssetRequest', { assetRequest: pr(7), reason: 'x' })).code).toBe(
      'FORBIDDEN',
    );
    expect(
      (await api.request(D, 'revokeAssetRequest', { assetRequest: pr(7), reason: 'changed mind' })).status,
    ).toBe('REVOKING');
    const c = await api.request(V, 'confirmAssetRequestRevocation', { assetRequest: pr(7) });
    expect(c.status).toBe('REVOKED');
    expect(c.asset?.status).toBe('ACTIVE');
  });

  it('8. cancel approved: terminated, and nothing more may be requested', async () => {
    await api.request(D, 'createCancelRequest', { asset });
    const a = await api.request(V, 'approveAssetRequest', { assetRequest: pr(8) });
    expect(a.asset?.status).toBe('TERMINATED');
    expect(a.asset?.terminatedAt).toBeTruthy();
    for (const m of ['createSuspendRequest', 'createCancelRequest']) {
      expect(await api.requestError(D, m, { asset })).toMatchObject({
        code: 'CONFLICT',
        currentStatus: 'TERMINATED',
      });
    }
    const history = await api.ok<{
      asset: { requests: { edges: { node: { id: string; status: string } }[] } };
    }>(D, `{ asset(id: "${asset}") { requests(first: 20) { edges { node { id status } } } } }`);
    expect(history.asset.requests.edges.map((e) => e.node.status)).toEqual([
      'APPROVED',
      'REVOKED',
      'FAILED',
      'APPROVED',
      'APPROVED',
      'FAILED',
      'APPROVED',
      'APPROVED',
    ]);
  });

  it('the vendor and the distributor heard every change of the asset in order, suspend and cancel included; no one else', async () => {
    const step = (kind: string, previousStatus: string, status: string) => ({
      kind,
      previousStatus,
      status,
      asset: { id: asset, status, product: { name: 'Acme Orders' }, marketplace: MARKET },
    });
    const expected = [
      step('CHANGE_REQUESTED', 'ACTIVE', 'ACTIVE'),
      step('CHANGE_APPROVED', 'ACTIVE', 'ACTIVE'),
      step('CHANGE_REQUESTED', 'ACTIVE', 'ACTIVE'),
      step('CHANGE_FAILED', 'ACTIVE', 'ACTIVE'),
      step('SUSPEND_REQUESTED', 'ACTIVE', 'ACTIVE'),
      step('SUSPEND_APPROVED', 'ACTIVE', 'SUSPENDED'),
      step('RESUME_REQUESTED', 'SUSPENDED', 'SUSPENDED'),
      step('RESUME_APPROVED', 'SUSPENDED', 'ACTIVE'),
      step('CANCEL_REQUESTED', 'ACTIVE', 'TERMINATING'),
      step('CANCEL_FAILED', 'TERMINATING', 'ACTIVE'),
      step('CANCEL_REQUESTED', 'ACTIVE', 'TERMINATING'),
      step('CANCEL_REVOKED', 'TERMINATING', 'ACTIVE'), // scheduling and revoking the request leave the asset alone
      step('CANCEL_REQUESTED', 'ACTIVE', 'TERMINATING'),
      step('CANCEL_APPROVED', 'TERMINATING', 'TERMINATED'),
    ];
    await exactly(heard, expected.length, deaf);
    for (const s of heard) expect(s.data().map((e) => e.assetChanged)).toEqual(expected);
    await Promise.all([...heard, ...deaf].map((s) => s.close()));
  });

  it('neg: suspend when hold=false, change or cancel on a processing asset, schedule where not allowed', async () => {
    const customer = await api.tierAccount(D, 'CUSTOMER', 'S4 neg');
    const { asset: processing, request } = await api.purchase(D, {
      product: NOHOLD.id,
      marketplace: US,
      items: [{ item: NOHOLD.users, quantity: '1' }],
      params: [{ name: 'tenant_name', value: 'n' }],
      tiers: { customer },
    });
    expect(
      await api.requestError(D, 'createChangeRequest', {
        asset: processing.id,
        items: [{ item: NOHOLD.users, quantity: '2' }],
      }),
    ).toMatchObject({ code: 'CONFLICT', currentStatus: 'PROCESSING' });
    expect((await api.requestError(D, 'createCancelRequest', { asset: processing.id })).code).toBe(
      'CONFLICT',
    );
    const plannedDate = new Date(Date.now() + 86_400_000).toISOString();
    expect(
      (await api.requestError(V, 'scheduleAssetRequest', { assetRequest: request.id, plannedDate })).code,
    ).toBe('CONFLICT');
    const active = await activeAsset(NOHOLD, customer);
    expect((await api.requestError(D, 'createSuspendRequest', { asset: active })).code).toBe('CONFLICT');
  });
});

describe('concurrency', () => {
  it('50 concurrent approve/fail on one pending request: one wins, 49 CONFLICT, the asset changes once', async () => {
    const customer = await api.tierAccount(D, 'CUSTOMER', 'Race');
    const { asset, request } = await api.purchase(D, {
      product: NOHOLD.id,
      marketplace: US,
      items: [{ item: NOHOLD.users, quantity: '1' }],
      params: [{ name: 'tenant_name', value: 'race' }],
      tiers: { customer },
    });
    await api.request(V, 'updateAssetRequestParams', {
      assetRequest: request.id,
      params: [{ name: 'license_key', value: 'LK' }],
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.query(
          V,
          i % 2
            ? `mutation { approveAssetRequest(input: { assetRequest: "${request.id}", template: "${NOHOLD.assetTemplate}" }) { assetRequest { status } } }`
            : `mutation { failAssetRequest(input: { assetRequest: "${request.id}", reason: "race" }) { assetRequest { status } } }`,
        ),
      ),
    );
    const ok = results.filter((r) => !r.errors);
    const codes = results.flatMap((r) => r.errors?.map((e) => e.extensions?.code) ?? []);
    expect(ok).toHaveLength(1);
    expect(codes).toEqual(Array(49).fill('CONFLICT'));
    const d = await api.ok<{
      asset: { status: string; history: { kind: string }[] };
      assetRequest: { history: { kind: string }[] };
    }>(
      V,
      `{ asset(id: "${asset.id}") { status history { kind } } assetRequest(id: "${request.id}") { history { kind } } }`,
    );
    expect(d.asset.history).toHaveLength(2);
    expect(d.assetRequest.history.filter((h) => h.kind === 'APPROVE' || h.kind === 'FAIL')).toHaveLength(1);
  });

  it('20 concurrent purchases with one idempotency key: one asset', async () => {
    const customer = await api.tierAccount(D, 'CUSTOMER', 'Retry');
    const input = {
      product: NOHOLD.id,
      marketplace: US,
      items: [{ item: NOHOLD.users, quantity: '1' }],
      params: [{ name: 'tenant_name', value: 'retry' }],
      tiers: { customer },
      idempotencyKey: 'order-retry-1',
    };
    const all = await Promise.all(Array.from({ length: 20 }, () => api.purchase(D, input)));
    expect(new Set(all.map((r) => r.asset.id)).size).toBe(1);
    const d = await api.ok<{ assets: { totalCount: number }; assetRequests: { totalCount: number } }>(
      D,
      `{ assets(filter: { customer: "${customer}" }) { totalCount } assetRequests(filter: { customer: "${customer}" }) { totalCount } }`,
    );
    expect(d).toEqual({ assets: { totalCount: 1 }, assetRequests: { totalCount: 1 } });
  });
});

describe('tenancy per role', () => {
  let direct: string;
  let syndicated: string;

  beforeAll(async () => {
    direct = await activeAsset(NOHOLD, await api.tierAccount(D, 'CUSTOMER', 'Tenancy direct'));
    const rc = await api.tierAccount(R, 'CUSTOMER', 'Initech customer');
    const s = await api.purchase(R, {
      product: NOHOLD.id,
      marketplace: 'MP-30001',
      items: [{ item: NOHOLD.users, quantity: '2' }],
      params: [{ name: 'tenant_name', value: 'syn' }],
      tiers: { customer: rc },
    });
    syndicated = s.asset.id;
  });

  const sees = async (token: string, id: string) => {
    const r = await t.query<{ asset: { id: string } | null }>(token, `{ asset(id: "${id}") { id } }`);
    return r.data?.asset?.id === id;
  };
  const listed = async (token: string, id: string) => {
    const d = await api.ok<{ assetRequests: { edges: { node: { asset: { id: string } } }[] } }>(
      token,
      `{ assetRequests(first: 500, filter: { product: "${NOHOLD.id}" }) { edges { node { asset { id } } } } }`,
    );
    return d.assetRequests.edges.some((e) => e.node.asset.id === id);
  };

  it('the vendor sees requests for its products; another vendor none', async () => {
    expect(await sees(V, direct)).toBe(true);
    expect(await sees(V, syndicated)).toBe(true);
    expect(await listed(V, syndicated)).toBe(true);
    expect(await sees(DEMO.vendor2, direct)).toBe(false);
    expect(await listed(DEMO.vendor2, direct)).toBe(false);
    const missing = await api.error(DEMO.vendor2, `{ asset(id: "${direct}") { id } }`);
    const absent = await api.error(DEMO.vendor2, '{ asset(id: "AS-9999-9999-9998") { id } }');
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message.replace(direct, 'X')).toBe(absent.message.replace('AS-9999-9999-9998', 'X'));
  });

  it("a distributor sees those through its marketplaces (and its resellers'), another distributor none", async () => {
    expect(await sees(D, direct)).toBe(true);
    expect(await sees(D, syndicated)).toBe(true);
    expect(await sees(DEMO.distributor2, direct)).toBe(false);
    expect(await listed(DEMO.distributor2, syndicated)).toBe(false);
    const m = await api.ok<{ marketplace: { assets: { edges: { node: { id: string } }[] } } }>(
      D,
      `{ marketplace(id: "${US}") { assets(first: 500) { edges { node { id } } } } }`,
    );
    expect(m.marketplace.assets.edges.map((e) => e.node.id)).toContain(direct);
  });

  it("a reseller sees only its customers'", async () => {
    expect(await sees(R, syndicated)).toBe(true);
    expect(await sees(R, direct)).toBe(false);
    expect(await listed(R, syndicated)).toBe(true);
    expect(await listed(R, direct)).toBe(false);
    expect(await sees(DEMO.reseller2, syndicated)).toBe(false);
    const p = await api.ok<{ product: { assets: { edges: { node: { id: string } }[] } } | null }>(
      V,
      `{ product(id: "${NOHOLD.id}") { assets(first: 500) { edges { node { id } } } } }`,
    );
    expect(p.product?.assets.edges.map((e) => e.node.id)).toEqual(
      expect.arrayContaining([direct, syndicated]),
    );
  });

  it('assetsByParameter answers what usage asks, within the caller tenancy', async () => {
    const q = `{ assetsByParameter(product: "${NOHOLD.id}", parameter: "tenant_name", values: ["syn"]) { id activatedAt } }`;
    expect(
      (await api.ok<{ assetsByParameter: { id: string }[] }>(V, q)).assetsByParameter.map((a) => a.id),
    ).toEqual([syndicated]);
    expect(
      (await api.ok<{ assetsByParameter: { id: string }[] }>(DEMO.vendor2, q)).assetsByParameter,
    ).toEqual([]);
  });
});
