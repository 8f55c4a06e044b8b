// Data at scale: for each size N (assets; as many purchase requests, and customers, products, accounts
// and usage files in proportion, lib/scale-data.ts), a fresh embedded database with the demo data and the
// bulk-loaded documents, then through the gateway: p50/p99 of the main pages, of the mutations (each on
// the demo world, next to the big collections), and the time to replay 10,000 feed events to a
// subscriber. Printed side by side per size: every figure should stay flat as N grows.
//
// Settings:
//   SCALE_SIZES      sizes to run, default "10000,100000,1000000"
//   SCALE_ROUNDS     samples per page, default 30;  SCALE_MUTATIONS  samples per mutation, default 10
//   SCALE_REPLAY     events replayed to one subscriber, default 10000
//   EMBEDDED_DB      which embedded database (see docs/data.md); MONGODB_URI: a server of your own
import { loadavg } from 'node:os';
import { ChangeStore, databaseName, encodeCursor, openDatabase } from '@daas/kit';
import { requestModels } from '@daas/requests';
import { graphqlOk } from '../scripts/lib/graphql-client.js';
import { seedContext } from '../scripts/seed/context.js';
import { DEMO } from '../scripts/seed/demo-data.js';
import { approve, customer, type ListedProduct, listed, purchase } from '../scripts/seed/orders.js';
import { silentLogger } from '../tests/support/log.js';
import { Subscriber } from '../tests/support/subscriber.js';
import { type Benchmark, say, summarize } from './lib/benchmark.js';
import { type BenchPlatform, startBenchPlatform } from './lib/platform.js';
import {
  assetId,
  customerOf,
  loadScaleData,
  marketplaceId,
  productId,
  SCALE_TENANTS,
  type ScaleData,
} from './lib/scale-data.js';

const numberOf = (name: string, fallback: number) =>
  Number(process.env[name]) > 0 ? Number(process.env[name]) : fallback;
const SIZES = (process.env.SCALE_SIZES ?? '10000,100000,1000000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const ROUNDS = numberOf('SCALE_ROUNDS', 30);
const MUTATIONS = numberOf('SCALE_MUTATIONS', 10);
const REPLAY = numberOf('SCALE_REPLAY', 10_000);

export type Figures = Map<string, number[]>;

const PAGE = 'edges { cursor node { id status createdAt } } pageInfo { hasNextPage endCursor }';

/** The pages, each as the party that asks for it; `next` pages on from the first page's end. */
function pages(n: number) {
  const reseller = SCALE_TENANTS.distributors; // the demo reseller's provider index
  return [
    {
      label: "vendor's pending requests",
      token: DEMO.vendor,
      query: `query($after: String) { assetRequests(first: 20, after: $after, filter: { status: PENDING }) {
        edges { cursor node { id status createdAt asset { id } } } pageInfo { hasNextPage endCursor } } }`,
      variables: {},
    },
    {
      label: "distributor's assets by mp+status",
      token: DEMO.distributor,
      query: `query($m: ID!, $after: String) { assets(first: 20, after: $after,
        filter: { marketplace: $m, status: ACTIVE }) { ${PAGE} } }`,
      variables: { m: marketplaceId(0, 0) },
      next: true,
    },
    {
      label: "reseller's customer's assets",
      token: DEMO.reseller,
      query: `query($c: ID!, $after: String) { assets(first: 20, after: $after, filter: { customer: $c }) { ${PAGE} } }`,
      variables: { c: customerOf(n, reseller, 0) },
    },
    {
      label: "an asset's requests",
      token: DEMO.vendor,
      query: `query($a: ID!) { asset(id: $a) { id requests(first: 20) { edges { node { id status } } } } }`,
      variables: { a: assetId(0) },
    },
    {
      label: 'usage files of a product',
      token: DEMO.vendor,
      query: `query($p: ID!, $after: String) { usageFiles(first: 20, after: $after, filter: { product: $p }) {
        edges { cursor node { id status } } pageInfo { hasNextPage endCursor } } }`,
      variables: { p: productId(0, 0) },
    },
  ];
}

async function timed<T>(bucket: number[], fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  bucket.push(performance.now() - t0);
  return r;
}

/** The pages' p50/p99 through the gateway at `url` (exported for measuring a stack by hand). */
export async function measurePages(url: string, n: number, out: Figures, rounds = ROUNDS) {
  for (const page of pages(n)) {
    const first: number[] = [];
    const second: number[] = [];
    for (let r = 0; r < rounds + 2; r++) {
      const bucket = r < 2 ? [] : first; // two warm-up rounds
      const d = await timed(bucket, () =>
        graphqlOk<Record<string, { edges: unknown[]; pageInfo?: { endCursor: string | null } }>>(
          url,
          page.query,
          page.variables,
          { token: page.token },
        ),
      );
      const top = Object.values(d)[0] as Record<string, unknown>;
      const list = ('requests' in top ? top.requests : top) as {
        edges: unknown[];
        pageInfo?: { endCursor: string | null };
      };
      if (r === 0 && list.edges.length === 0) {
        throw new Error(`${page.label}: the page is empty; the loaded data does not match the query`);
      }
      const after = list.pageInfo?.endCursor;
      if (page.next && after && r >= 2) {
        await timed(second, () =>
          graphqlOk(url, page.query, { ...page.variables, after }, { token: page.token }),
        );
      }
    }
    out.set(page.label, first);
    if (second.length) out.set(`${page.label}, page 2`, second);
  }
}

/** Each mutation kind measured: the steps of an order, a contract and a usage file on the demo world. */
async function measureMutations(p: BenchPlatform, out: Figures) {
  const url = p.stack.gatewayUrl;
  const ctx = seedContext({
    mongoUri: p.mongoUri,
    dbPrefix: p.dbPrefix,
    gatewayUrl: url,
    partitions: 1,
    progress: () => {},
  });
  const bucket = (label: string) => {
    if (!out.has(label)) out.set(label, []);
    return out.get(label)!;
  };
  const product: ListedProduct | undefined = (await listed(ctx, 'distributor', 'MP-20001')).find((x) =>
    x.templates.some((t) => t.type === 'FULFILLMENT' && t.scope === 'ASSET'),
  );
  if (!product) throw new Error('no demo product listed on MP-20001 to order');
  const D = DEMO.distributor2;
  const as = <T>(token: string, q: string, v: Record<string, unknown> = {}) =>
    graphqlOk<T>(url, q, v, { token });
  const agp = (
    await as<{ createAgreement: { agreement: { id: string } } }>(
      D,
      'mutation { createAgreement(input: { type: PROGRAM, name: "Scale Program" }) { agreement { id } } }',
    )
  ).createAgreement.agreement.id;
  const file = (
    await as<{ usageFiles: { edges: { node: { product: { id: string }; contract: { id: string } } }[] } }>(
      DEMO.vendor,
      '{ usageFiles(first: 5) { edges { node { product { id } contract { id } } } } }',
    )
  ).usageFiles.edges.find((e) => e.node.product && e.node.contract)?.node;
  const tag = Math.random().toString(36).slice(2, 8);
  for (let r = 0; r < MUTATIONS; r++) {
    const c = await timed(bucket('createTierAccount'), () =>
      customer(ctx, 'distributor', `scale ${tag} ${r}`),
    );
    const o = await timed(bucket('createPurchaseRequest'), () =>
      purchase(ctx, 'distributor', product, 'MP-20001', c, `scale-${tag}-${r}`, `scale-${tag}-${r}`),
    );
    if (o.assetRequest.status === 'PENDING') {
      await timed(bucket('fill params + approveAssetRequest'), () =>
        approve(ctx, 'vendor', product, o.assetRequest.id),
      );
    }
    const v = (
      await as<{ createAccount: { account: { id: string } } }>(
        DEMO.operator,
        'mutation($n: String!) { createAccount(input: { name: $n, role: VENDOR }) { account { id } } }',
        { n: `Scale Vendor ${tag} ${r}` },
      )
    ).createAccount.account.id;
    const token = (
      await as<{ createApiToken: { secret: string } }>(
        DEMO.operator,
        'mutation($a: ID!) { createApiToken(input: { account: $a, name: "scale" }) { secret } }',
        { a: v },
      )
    ).createApiToken.secret;
    const crp = await timed(bucket('createProgramContract'), () =>
      as<{ createProgramContract: { contract: { id: string } } }>(
        D,
        'mutation($a: ID!, $v: ID!) { createProgramContract(input: { agreement: $a, vendor: $v }) { contract { id } } }',
        { a: agp, v },
      ),
    );
    await timed(bucket('signContract'), () =>
      as(token, 'mutation($c: ID!) { signContract(input: { contract: $c }) { contract { id } } }', {
        c: crp.createProgramContract.contract.id,
      }),
    );
    await timed(bucket('createProduct'), () =>
      as(DEMO.vendor, 'mutation($n: String!) { createProduct(input: { name: $n }) { product { id } } }', {
        n: `Scale ${tag} ${r}`,
      }),
    );
    if (file) {
      await timed(bucket('createUsageFile'), () =>
        as(
          DEMO.vendor,
          `mutation($i: CreateUsageFileInput!) { createUsageFile(input: $i) { usageFile { id } } }`,
          {
            i: {
              name: `Scale ${tag} ${r}`,
              period: { from: '2026-01-01', to: '2026-01-31' },
              currency: 'USD',
              product: file.product.id,
              contract: file.contract.id,
            },
          },
        ),
      );
    }
  }
}

/** Appends REPLAY asset events to the requests feed, then times a subscriber replaying them all. */
async function measureReplay(p: BenchPlatform, out: Figures) {
  const db = openDatabase({
    uri: p.mongoUri,
    name: databaseName(p.dbPrefix, 'requests'),
    log: silentLogger(),
  });
  await db.connected();
  try {
    const store = new ChangeStore(db.conn, {
      partitions: 1,
      pollMs: 1000,
      retentionHours: 24,
      dialect: () => db.dialect(),
      log: silentLogger(),
    });
    await store.init();
    const m = requestModels(db.conn);
    const head = await store.models.feed.findOne({ p: 0 }).sort({ s: -1 }).lean<{ s: number }>();
    const from = encodeCursor([head?.s ?? 0]);
    const asset = await m.Asset.findById(assetId(0)).lean<Record<string, unknown>>();
    if (!asset) throw new Error('no bulk asset to replay events of');
    const actor = { accountId: 'VA-100-001', role: 'VENDOR' as const };
    for (let i = 0; i < REPLAY; i++) {
      const version = 2 + i;
      await store.feed.append(
        {
          _id: `${asset._id}#${version}`,
          collection: 'assets',
          entityType: 'Asset',
          entityId: String(asset._id),
          version,
          kind: 'replayed',
          from: 'active',
          to: 'active',
          set: {},
          unset: [],
          actor,
          at: new Date(),
          partition: 0,
          acl: asset._acl as string[],
        },
        { ...asset, version },
      );
    }
    const sub = new Subscriber(
      p.stack.gatewayUrl,
      DEMO.vendor,
      'subscription($after: Cursor) { assetChanged(after: $after) { cursor kind } }',
      { after: from },
    );
    const t0 = performance.now();
    await sub.until((s) => s.events.length >= REPLAY, 600_000, `${REPLAY} replayed events`);
    out.set(`replay ${REPLAY} events (total ms)`, [performance.now() - t0]);
    await sub.close();
  } finally {
    await db.close();
  }
}

function print(results: { n: number; data: ScaleData; figures: Figures; load: string }[]) {
  const labels = [...new Set(results.flatMap((r) => [...r.figures.keys()]))];
  const head = results.map((r) => `${r.n.toLocaleString('en-US').padStart(17)}`).join('');
  say(`  ${'p50 / p99 ms'.padEnd(40)}${head}`);
  for (const label of labels) {
    const cells = results.map((r) => {
      const s = r.figures.get(label);
      if (!s?.length) return '-'.padStart(17);
      const x = summarize(s);
      return `${x.p50.toFixed(1)} / ${x.p99.toFixed(1)}`.padStart(17);
    });
    say(`  ${label.padEnd(40)}${cells.join('')}`);
  }
  say(
    `  ${'bulk load (s), of it indexes'.padEnd(40)}${results.map((r) => `${(r.data.ms / 1000).toFixed(0)}, ${(r.data.indexMs / 1000).toFixed(0)}`.padStart(17)).join('')}`,
  );
  say(`  ${'load average (1/5/15 min) after'.padEnd(40)}${results.map((r) => r.load.padStart(17)).join('')}`);
}

async function run() {
  const which = process.env.MONGODB_URI ? 'MONGODB_URI' : `embedded ${process.env.EMBEDDED_DB ?? 'default'}`;
  say(`  ${which}; sizes ${SIZES.join(', ')}; ${ROUNDS} rounds per page, ${MUTATIONS} per mutation`);
  const results: { n: number; data: ScaleData; figures: Figures; load: string }[] = [];
  for (const n of SIZES) {
    const p = await startBenchPlatform();
    try {
      say(`  ${n.toLocaleString('en-US')} assets: loading…`);
      const data = await loadScaleData({ mongoUri: p.mongoUri, dbPrefix: p.dbPrefix, n, progress: say });
      say(
        `  loaded in ${(data.ms / 1000).toFixed(1)} s (indexes ${(data.indexMs / 1000).toFixed(1)} s): ${data.assets} assets, ${data.requests} requests, ${data.customers} customers, ${data.usageFiles} usage files, ${data.products} products, ${data.accounts} accounts`,
      );
      const figures: Figures = new Map();
      const row = { n, data, figures, load: '' };
      results.push(row);
      // printed after each phase, so a run stopped half-way still leaves what it measured
      for (const phase of [
        () => measurePages(p.stack.gatewayUrl, n, figures),
        () => measureMutations(p, figures),
        () => measureReplay(p, figures),
      ]) {
        await phase();
        row.load = loadavg()
          .map((x) => x.toFixed(0))
          .join(' ');
        print(results);
      }
    } finally {
      await p.stop();
    }
  }
}

export const benchmark: Benchmark = {
  name: 'scale',
  description: 'main pages, mutations and a 10,000-event replay at 10k/100k/1M assets (SCALE_SIZES)',
  run,
};
