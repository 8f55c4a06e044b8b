// The server path: the platform on a database server of its own, given to the stack only as MONGODB_URI
// (as an operator runs one), with two replicas of every subgraph and two gateways behind haproxy. The
// order flow runs through the load balancer with its subscriptions, while one replica of the requests
// subgraph and then the other, and the gateway holding the subscribers, are killed (-9); and a
// subscriber moves from gateway A to gateway B with its cursor. Every event arrives once, in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES } from '../../scripts/lib/stack.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import {
  type PrivateDatabase,
  privateDatabase,
  type ServiceFaults,
  serviceFaults,
} from '../support/faults.js';
import { type BuiltProduct, OrdersApi } from '../support/orders.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { Subscriber } from '../support/subscriber.js';

let db: PrivateDatabase;
let t: TestStack;
let api: OrdersApi;
let faults: ServiceFaults;
const V = DEMO.vendor;
const D = DEMO.distributor;
const US = 'MP-20001';
let P: BuiltProduct; // tier configs level 1, hold: the full S3 flow
let NOHOLD: BuiltProduct;

beforeAll(async () => {
  db = await privateDatabase();
  t = await startTestStack({
    seed: 'partners',
    mongoUri: db.uri,
    replicas: 2,
    // ten processes start at once: on a loaded two-core machine that takes minutes
    readyTimeoutMs: 420_000,
    // dead peers are found within 6 s (the default is 24 s); token checks may be slow on a loaded machine
    // (a partners replica answering after the default 5 s failed the seed once at a load average of 88)
    env: { SUBSCRIPTION_KEEPALIVE_MS: '3000', AUTH_TIMEOUT_MS: '60000' },
  });
  faults = serviceFaults(t.stack);
  api = new OrdersApi(t);
  const contracts = await api.ok<{ contracts: { edges: { node: { id: string } }[] } }>(
    V,
    `{ contracts(filter: { type: DISTRIBUTION, status: ACTIVE, marketplace: "${US}" }) { edges { node { id } } } }`,
  );
  const listOn = { contract: contracts.contracts.edges[0]!.node.id, distributor: D };
  [P, NOHOLD] = await Promise.all([
    api.product(V, { name: 'Server Path', configsLevel: 1, hold: true, listOn }),
    api.product(V, { name: 'Server Path No Hold', hold: false, listOn }),
  ]);
}, 900_000);

afterAll(async () => {
  await t?.stop();
  await db?.stop();
});

const ASSET_CHANGES = `subscription($f: AssetChangeFilter, $after: Cursor) {
  assetChanged(filter: $f, after: $after) { cursor kind status asset { id product { name } } } }`;
const TCR_CHANGES = `subscription($f: TierConfigRequestChangeFilter, $after: Cursor) {
  tierConfigRequestChanged(filter: $f, after: $after) { cursor kind status tierConfigRequest { id } } }`;
type AssetEv = { assetChanged: { cursor: string; kind: string; status: string; asset: { id: string } } };
type TcrEv = {
  tierConfigRequestChanged: {
    cursor: string;
    kind: string;
    status: string;
    tierConfigRequest: { id: string };
  };
};

/**
 * The start of a one-partition feed. Clients subscribe from there rather than from "now": a subscription
 * without `after` starts where the gateway finds the feed when it asks, a moment after the test's
 * subscribe, and a change made in between would not be heard (a race, not a loss).
 */
const FROM_START = 'c1-0';

/**
 * A client that resumes as the SDK does: when its socket is closed under it, it subscribes again with
 * the cursor of the last event it received, through the URL it is given (the load balancer).
 */
class ResumingClient<T> {
  readonly sessions: Subscriber<T>[] = [];
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly query: string,
    private readonly variables: Record<string, unknown>,
    private readonly cursorOf: (e: T) => string,
    private readonly start: string = FROM_START,
  ) {
    this.open();
  }
  get current(): Subscriber<T> {
    return this.sessions.at(-1)!;
  }
  /** every event received over all sessions, in order */
  data(): T[] {
    return this.sessions.flatMap((s) => s.data());
  }
  errors(): unknown[] {
    return this.sessions.flatMap((s) => s.events.filter((e) => e.errors));
  }
  /** subscribes again from the last cursor (on `url`, or the client's own) */
  open(url = this.url): Subscriber<T> {
    const last = this.data().at(-1);
    const s = new Subscriber<T>(url, this.token, this.query, {
      ...this.variables,
      after: last ? this.cursorOf(last) : this.start,
    });
    this.sessions.push(s);
    return s;
  }
  /** waits until `n` events have arrived in all, resuming whenever the socket closes under it */
  count(n: number, ms?: number): Promise<void> {
    return this.until((data) => data.length >= n, `${n} events`, ms);
  }
  /** waits until the events received in all satisfy `done`, resuming whenever the socket closes under it */
  async until(done: (data: T[]) => boolean, what: string, ms = 120_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done(this.data())) {
      if (Date.now() > deadline) throw new Error(`waiting for ${what}: ${this.data().length} events`);
      const s = this.current;
      const before = this.sessions.slice(0, -1).flatMap((x) => x.data());
      await s.until(
        (x) => done([...before, ...x.data()]) || x.closeCode !== null || x.completed,
        Math.max(1, deadline - Date.now()),
        what,
      );
      if (!done(this.data()) && (s.closeCode !== null || s.completed)) this.open();
    }
  }
  async close(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.close()));
  }
}

/**
 * The gateway holding the test's clients' sockets, read from each gateway's own metrics. A client whose
 * socket was closed (a missed ping on a loaded machine) reconnects first, so one gateway holds some.
 */
async function gatewayWithSockets(
  clients: { current: { closeCode: number | null }; open: () => unknown }[],
): Promise<'gateway' | 'gateway-2'> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    for (const c of clients) if (c.current.closeCode !== null) c.open();
    const counts = await Promise.all(
      (['gateway', 'gateway-2'] as const).map(async (g) => ({
        g,
        n: await t.metric(g, 'gateway_subscriptions', { what: 'sockets' }),
      })),
    );
    counts.sort((a, b) => b.n - a.n);
    if (counts[0]!.n > 0) return counts[0]!.g;
    if (Date.now() > deadline) throw new Error('no gateway holds a client socket');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('two replicas of every subgraph and two gateways behind haproxy, on an external database', () => {
  it('haproxy routes to every replica, and each replica has served requests', async () => {
    const states = await t.stack.balancer!.states();
    // two replicas of each subgraph and two gateways, each a server of its own haproxy backend
    const expected = [...SUBGRAPH_NAMES, 'gateway'].flatMap((n) => [`${n}/${n}`, `${n}/${n}-2`]);
    expect([...states.keys()].sort()).toEqual(expected.sort());
    for (const [server, s] of states) {
      expect(s.status, server).toBe('UP');
      // the products' set-up went through both gateways to both replicas of partners and products
      if (/^(gateway|partners|products)\//.test(server)) expect(s.sessions, server).toBeGreaterThan(0);
    }
    // every process was told the database only through MONGODB_URI, and all are on the test's own server
    for (const svc of t.stack.services.values()) {
      expect(svc.url).not.toBe(t.stack.urlOf(svc.name));
    }
    expect(t.mongoUri).toBe(db.uri);
  });

  it('the order flow through the load balancer: nothing lost when a requests replica, then the other, and a gateway are killed', async () => {
    const assets = new ResumingClient<AssetEv>(
      t.gatewayUrl,
      D,
      ASSET_CHANGES,
      { f: { product: P.id } },
      (e) => e.assetChanged.cursor,
    );
    const tcrs = new ResumingClient<TcrEv>(
      t.gatewayUrl,
      V,
      TCR_CHANGES,
      { f: { product: P.id } },
      (e) => e.tierConfigRequestChanged.cursor,
    );

    // 1-2. D purchases: asset processing, TCR inquiring
    const customer = await api.tierAccount(D, 'CUSTOMER', 'Server Path Customer');
    const reseller = await api.tierAccount(D, 'RESELLER', 'Server Path Reseller');
    const r = await api.purchase(D, {
      product: P.id,
      marketplace: US,
      items: [{ item: P.users, quantity: '10' }, { item: P.ppu }],
      params: [{ name: 'tenant_name', value: '' }],
      tiers: { customer, tier1: reseller },
    });
    const asset = r.asset.id;
    const pr = r.request.id;
    const tcr = r.request.tierConfigRequest!.id;
    await assets.count(1);
    await tcrs.count(1);

    // one requests replica dies: whichever held a gateway's upstream, that gateway resumes on the other
    await faults.kill('requests');
    // 3. D answers the TCR (served by requests-2)
    expect(
      (
        await api.tcr(D, 'answerTierConfigRequest', {
          tierConfigRequest: tcr,
          params: [{ name: 'reseller_id', value: 'R-1' }],
        })
      ).status,
    ).toBe('PENDING');
    await faults.restart('requests');

    // the gateway holding the clients' sockets dies: they resume through the balancer, so on the other
    const doomed = await gatewayWithSockets([assets, tcrs]);
    await faults.kill(doomed);
    // 4. V approves the TCR
    expect(
      (await api.tcr(V, 'approveTierConfigRequest', { tierConfigRequest: tcr, template: P.tierTemplate }))
        .status,
    ).toBe('APPROVED');
    await tcrs.count(3);
    // 5-6. inquire and answer tenant_name
    await api.request(V, 'inquireAssetRequest', {
      assetRequest: pr,
      params: [{ name: 'tenant_name', valueError: 'required' }],
    });
    await api.request(D, 'answerAssetRequest', {
      assetRequest: pr,
      params: [{ name: 'tenant_name', value: 'acme' }],
    });
    await faults.restart(doomed);

    // the other requests replica dies (the restarted one now serves)
    await faults.kill('requests-2');
    // 7. V sets the license key and approves: PR approved, asset active
    await api.request(V, 'updateAssetRequestParams', {
      assetRequest: pr,
      params: [{ name: 'license_key', value: 'LK-1' }],
    });
    const done = await api.request(V, 'approveAssetRequest', { assetRequest: pr, template: P.assetTemplate });
    expect(done.status).toBe('APPROVED');
    expect(done.asset?.status).toBe('ACTIVE');
    await assets.count(2);
    await faults.restart('requests-2');

    // a few more changes after everything is back: the clients still hear them
    const second = await activeAsset(NOHOLD, { customer }, 'SP-2'); // another product: not heard
    const third = await activeAsset(P, { customer, tier1: reseller }, 'SP-3');
    await assets.count(4);

    // some clients' sockets were on the killed gateway: they resumed (through the balancer, on the other)
    expect(assets.sessions.length + tcrs.sessions.length).toBeGreaterThan(2);
    for (const c of [assets, tcrs]) expect(c.errors()).toEqual([]);
    expect(
      assets.data().map((e) => [e.assetChanged.asset.id, e.assetChanged.kind, e.assetChanged.status]),
    ).toEqual([
      [asset, 'CREATED', 'PROCESSING'],
      [asset, 'PURCHASE_APPROVED', 'ACTIVE'],
      [third, 'CREATED', 'PROCESSING'],
      [third, 'PURCHASE_APPROVED', 'ACTIVE'],
    ]);
    expect(second).not.toBe(third);
    expect(
      tcrs
        .data()
        .map((e) => [e.tierConfigRequestChanged.tierConfigRequest.id, e.tierConfigRequestChanged.kind]),
    ).toEqual([
      [tcr, 'CREATED'],
      [tcr, 'ANSWER'],
      [tcr, 'APPROVE'],
    ]);
    // both requests replicas served the flow (each took over when the other was killed)
    const states = await t.stack.balancer!.states();
    for (const r of ['requests/requests', 'requests/requests-2']) {
      expect(states.get(r)?.sessions, r).toBeGreaterThan(0);
    }
    // once each: no cursor twice
    const cursors = assets.data().map((e) => e.assetChanged.cursor);
    expect(new Set(cursors).size).toBe(cursors.length);
    await Promise.all([assets.close(), tcrs.close()]);
  }, 480_000);

  it('a client subscribed on gateway A resumes on gateway B with its cursor: every event once, in order', async () => {
    const A = t.stack.services.get('gateway')!.url;
    const B = t.stack.services.get('gateway-2')!.url;
    const customer = await api.tierAccount(D, 'CUSTOMER', 'Moving Customer');
    const cursorOf = (e: AssetEv) => e.assetChanged.cursor;
    const f = { f: { product: NOHOLD.id } };
    // the same subscription, never moved (through the balancer), is what the moving client must match
    const reference = new ResumingClient<AssetEv>(t.gatewayUrl, D, ASSET_CHANGES, f, cursorOf);
    const client = new ResumingClient<AssetEv>(A, D, ASSET_CHANGES, f, cursorOf);
    const approved = (asset: string) => (data: AssetEv[]) =>
      data.some((e) => e.assetChanged.asset.id === asset && e.assetChanged.kind === 'PURCHASE_APPROVED');
    const first = await activeAsset(NOHOLD, { customer }, 'MOVE-1');
    await client.until(approved(first), 'the first asset on A');
    await client.close();
    // changes while the client is away
    const second = await activeAsset(NOHOLD, { customer }, 'MOVE-2');
    const third = await activeAsset(NOHOLD, { customer }, 'MOVE-3');
    client.open(B);
    await client.until(approved(third), 'the missed assets, replayed on B');
    // and it goes on live on B
    const fourth = await activeAsset(NOHOLD, { customer }, 'MOVE-4');
    await client.until(approved(fourth), 'the live asset on B');
    await reference.until(approved(fourth), 'the reference');
    expect(client.sessions).toHaveLength(2);
    for (const c of [client, reference]) expect(c.errors()).toEqual([]);
    expect(client.data().map(cursorOf)).toEqual(reference.data().map(cursorOf));
    const cursors = client.data().map(cursorOf);
    expect(new Set(cursors).size).toBe(cursors.length);
    expect(
      client
        .data()
        .slice(-8)
        .map((e) => [e.assetChanged.asset.id, e.assetChanged.kind]),
    ).toEqual([
      [first, 'CREATED'],
      [first, 'PURCHASE_APPROVED'],
      [second, 'CREATED'],
      [second, 'PURCHASE_APPROVED'],
      [third, 'CREATED'],
      [third, 'PURCHASE_APPROVED'],
      [fourth, 'CREATED'],
      [fourth, 'PURCHASE_APPROVED'],
    ]);
    await Promise.all([client.close(), reference.close()]);
  }, 240_000);
});

/** A purchase by D approved by V: the asset's CREATED and PURCHASE_APPROVED events. */
const activeAsset = (product: BuiltProduct, tiers: Record<string, string>, tenant: string) =>
  api.activeAsset(D, V, { product, marketplace: US, tiers, tenant });
