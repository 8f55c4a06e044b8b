// Listing assets through the gateway with their product, items, marketplace, customer tier and last
// request: subgraph fetches and database finds per request (they must not grow with the page size) and
// latency, for pages of 10, 100 and 500. The assets (BENCH_ASSETS, default 520, each with an approved
// purchase request) are written straight into the requests database through the change store: this
// measures reading, not the purchase flow. Settings: BENCH_ROUNDS (default 15).
import { ChangeStore, childId, createLogger, databaseName, entityWriters, openDatabase } from '@daas/kit';
import { requestEntities, requestModels } from '@daas/requests';
import { graphqlOk } from '../scripts/lib/graphql-client.js';
import type { ServiceName } from '../scripts/lib/stack.js';
import { DEMO } from '../scripts/seed/demo-data.js';
import { type Benchmark, ms, say, summarize } from './lib/benchmark.js';
import { type BenchPlatform, startBenchPlatform } from './lib/platform.js';

const ASSETS = Number(process.env.BENCH_ASSETS) > 0 ? Number(process.env.BENCH_ASSETS) : 520;
const ROUNDS = Number(process.env.BENCH_ROUNDS) > 0 ? Number(process.env.BENCH_ROUNDS) : 15;
const VENDOR = 'VA-100-001';
const PROVIDER = 'PA-200-001';
const MARKETS = ['MP-20001', 'MP-20002'];

const QUERY = `query($n: Int) { assets(first: $n) { edges { node {
  id status
  product { id name }
  items { mpn quantity item { id name } }
  marketplace { id name }
  tiers { customer { id name } }
  lastRequest { id type status }
} } } }`;

async function metric(p: BenchPlatform, service: ServiceName, name: string, match: string[] = []) {
  const text = await (await fetch(p.stack.metricsUrlOf(service))).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!match.every((m) => line.includes(m))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Finds on entity collections only (the change feed polls in the background meanwhile). */
const ENTITY_FINDS: [ServiceName, string][] = [
  ['requests', 'assets'],
  ['requests', 'asset_requests'],
  ['products', 'products'],
  ['partners', 'marketplaces'],
];

async function counters(p: BenchPlatform) {
  const finds = await Promise.all(
    ENTITY_FINDS.map(([s, c]) => metric(p, s, 'db_commands_total', ['command="find"', `collection="${c}"`])),
  );
  return {
    fetches: await metric(p, 'gateway', 'gateway_subgraph_fetches_total'),
    finds: finds.reduce((a, b) => a + b, 0),
  };
}

async function products(url: string): Promise<{ id: string; items: { id: string; mpn: string }[] }[]> {
  const d = await graphqlOk<{ products: { edges: { node: { id: string; vendor: { id: string } } }[] } }>(
    url,
    '{ products(first: 50) { edges { node { id vendor { id } } } } }',
    {},
    { token: DEMO.operator },
  );
  const mine = d.products.edges.map((e) => e.node).filter((n) => n.vendor.id === VENDOR);
  return mine.slice(0, 3).map((p, i) => ({
    id: p.id,
    items: [
      { id: `${p.id}-0001`, mpn: `MPN-${i}-USERS` },
      { id: `${p.id}-0002`, mpn: `MPN-${i}-PPU` },
    ],
  }));
}

async function writeAssets(p: BenchPlatform) {
  const log = createLogger('bench', 'silent');
  const db = openDatabase({ uri: p.mongoUri, name: databaseName(p.dbPrefix, 'requests'), log });
  await db.connected();
  const store = new ChangeStore(db.conn, {
    partitions: 1,
    pollMs: 1000,
    retentionHours: 24,
    dialect: () => db.dialect(),
    log,
  });
  await store.init();
  const m = requestModels(db.conn);
  const write = entityWriters(store, requestEntities(m));
  const catalog = await products(p.stack.gatewayUrl);
  const actor = { accountId: 'OA-000-001', role: 'OPERATOR' as const };
  const acl = [VENDOR, PROVIDER];
  for (let i = 0; i < ASSETS; i++) {
    const id = `AS-7000-${String(Math.floor(i / 10_000)).padStart(4, '0')}-${String(i % 10_000).padStart(4, '0')}`;
    const product = catalog[i % catalog.length]!;
    const items = product.items.map((it, k) => ({ itemId: it.id, mpn: it.mpn, quantity: String(10 + k) }));
    const pr = childId('assetRequest', id, 1);
    const customer = {
      id: `TA-7000-0000-${String(i % 50).padStart(4, '0')}`,
      name: `Customer ${i % 50}`,
      externalId: null,
    };
    await write.Asset.create({
      doc: {
        _id: id,
        externalId: null,
        externalKey: id,
        status: 'active',
        productId: product.id,
        productVersion: 1,
        marketplaceId: MARKETS[i % MARKETS.length]!,
        contractId: null,
        vendor: VENDOR,
        provider: PROVIDER,
        customerId: customer.id,
        tiers: { customer, tier1: null, tier2: null },
        items,
        params: [{ name: 'tenant_name', value: `tenant-${i}`, valueError: null }],
        pendingRequest: null,
        lastRequestId: pr,
        requestCount: 1,
        activatedAt: new Date(),
        terminatedAt: null,
        _acl: acl,
      },
      actor,
    });
    await write.AssetRequest.create({
      doc: {
        _id: pr,
        type: 'purchase',
        status: 'approved',
        assetId: id,
        productId: product.id,
        marketplaceId: MARKETS[i % MARKETS.length]!,
        customerId: customer.id,
        vendor: VENDOR,
        provider: PROVIDER,
        items: items.map((x) => ({ ...x, oldQuantity: null })),
        params: [],
        note: null,
        reason: null,
        activationKey: 'ok',
        templateId: null,
        effectiveDate: new Date(),
        plannedDate: null,
        answered: false,
        waitingFor: null,
        _acl: acl,
      },
      actor,
    });
  }
  await db.close();
}

async function run() {
  const p = await startBenchPlatform();
  try {
    const started = performance.now();
    await writeAssets(p);
    say(`  setup: ${ASSETS} assets with a purchase request each in ${ms(performance.now() - started)} ms`);
    say(
      `  page   fetches/request   entity finds/request   p50 ms      p95 ms     (${ROUNDS} rounds, vendor token)`,
    );
    for (const n of [10, 100, 500]) {
      const samples: number[] = [];
      let cost = { fetches: 0, finds: 0 };
      for (let r = 0; r < ROUNDS + 1; r++) {
        const before = await counters(p);
        const t0 = performance.now();
        const d = await graphqlOk<{ assets: { edges: unknown[] } }>(
          p.stack.gatewayUrl,
          QUERY,
          { n },
          { token: DEMO.vendor },
        );
        const elapsed = performance.now() - t0;
        const after = await counters(p);
        if (d.assets.edges.length !== n)
          throw new Error(`expected ${n} assets, got ${d.assets.edges.length}`);
        if (r === 0) continue; // warm-up
        samples.push(elapsed);
        cost = { fetches: after.fetches - before.fetches, finds: after.finds - before.finds };
      }
      const s = summarize(samples);
      say(
        `  ${String(n).padStart(4)}   ${String(cost.fetches).padStart(15)}   ${String(cost.finds).padStart(20)}   ${ms(s.p50)}   ${ms(s.p95)}`,
      );
    }
  } finally {
    await p.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'requests-assets',
  description: 'listing assets with product, items, marketplace, customer tier and last request (10/100/500)',
  run,
};
