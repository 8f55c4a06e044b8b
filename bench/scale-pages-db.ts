// The hot pages of `pnpm bench scale` measured at the database, without the platform: for each size,
// assets and purchase requests laid out by the scale bench's own rules (lib/scale-data.ts assetFacts)
// with the requests subgraph's declared indexes, then p50/p99 of each page's find (filter, newest
// first, 21 rows: what kit/src/paging.ts sends) and its plan. A quick way to compare two databases side by
// side (e.g. DocumentDB 0.107 and 0.108, docs/data.md) where starting the whole platform is too slow.
//   node_modules/.bin/tsx bench/scale-pages-db.ts <mongodb uri> <label> [sizes, default 10000,100000]
import { requestModels } from '@daas/requests';
import mongoose from 'mongoose';
import {
  assetFacts,
  assetId,
  customerOf,
  marketplaceId,
  requestId,
  SCALE_TENANTS,
} from './lib/scale-data.js';

const [uri, label = 'db', sizesArg = '10000,100000'] = process.argv.slice(2);
if (!uri) throw new Error('usage: scale-pages-db.ts <mongodb uri> <label> [sizes]');
const ROUNDS = 20;
const SORT = { createdAt: -1, _id: -1 } as const;
const filler = {
  items: Array.from({ length: 4 }, (_, k) => ({ id: `PRD-ITEM-${k}`, quantity: k, mpn: 'x'.repeat(40) })),
};

function nodes(plan: unknown, out: string[] = []): string[] {
  if (plan && typeof plan === 'object') {
    const n = plan as Record<string, unknown>;
    if (typeof n['Node Type'] === 'string')
      out.push(
        `${n['Node Type']}${n['Index Name'] ? `(${n['Index Name']})` : ''}${n['Order By'] ? '[ordered]' : ''}`,
      );
    for (const v of Object.values(n)) nodes(v, out);
  }
  return out;
}

async function size(n: number) {
  const conn = await mongoose.createConnection(uri!, { dbName: `pagesdb_${n}` }).asPromise();
  await conn.db!.dropDatabase();
  const R = requestModels(conn);
  const t0 = Date.now();
  const start = Date.UTC(2025, 0, 1);
  for (let from = 0; from < n; from += 5000) {
    const assets = [];
    const reqs = [];
    for (let i = from; i < Math.min(n, from + 5000); i++) {
      const f = assetFacts(i, n);
      const at = new Date(start + i * 1000);
      const acl = [...new Set([f.vendor, f.provider, f.distributor])];
      const common = {
        productId: f.productId,
        marketplaceId: f.marketplaceId,
        customerId: f.customer,
        vendor: f.vendor,
        provider: f.provider,
        _acl: acl,
        version: 1,
        createdAt: at,
        updatedAt: at,
        ...filler,
      };
      assets.push({ _id: assetId(i), externalKey: assetId(i), status: f.status, ...common });
      reqs.push({
        _id: requestId(i),
        type: 'purchase',
        status: f.status === 'processing' ? 'pending' : 'approved',
        assetId: assetId(i),
        ...common,
      });
    }
    await Promise.all([
      R.Asset.collection.insertMany(assets as never[]),
      R.AssetRequest.collection.insertMany(reqs as never[]),
    ]);
  }
  const loaded = Date.now();
  await Promise.all(
    [R.Asset, R.AssetRequest].map(async (m) => {
      for (const [keys, options] of m.schema.indexes()) {
        const { _autoIndex: _, ...opts } = (options ?? {}) as Record<string, unknown>;
        await m.collection.createIndex(keys as never, opts);
      }
    }),
  );
  console.log(
    `${label} ${n}: inserted in ${((loaded - t0) / 1000).toFixed(0)} s, indexes built in ${((Date.now() - loaded) / 1000).toFixed(0)} s`,
  );
  const T = SCALE_TENANTS;
  const distributorPage = { _acl: 'PA-200-001', marketplaceId: marketplaceId(0, 0), status: 'active' };
  const first = await R.Asset.collection.find(distributorPage).sort(SORT).limit(21).toArray();
  const last = first[19]!;
  const pages: [string, 'Asset' | 'AssetRequest', Record<string, unknown>][] = [
    ["vendor's pending requests", 'AssetRequest', { _acl: 'VA-100-001', status: 'pending' }],
    ["distributor's assets by mp+status", 'Asset', distributorPage],
    [
      '… its second page (cursor)',
      'Asset',
      {
        $and: [
          distributorPage,
          {
            $or: [
              { createdAt: { $lt: last.createdAt } },
              { createdAt: last.createdAt, _id: { $lt: last._id } },
            ],
          },
        ],
      },
    ],
    [
      "reseller's customer's assets",
      'Asset',
      { _acl: 'PA-300-001', customerId: customerOf(n, T.distributors, 0) },
    ],
    ["a vendor's assets (no filter)", 'Asset', { _acl: 'VA-100-001' }],
  ];
  for (const [name, model, filter] of pages) {
    const coll = R[model].collection;
    const matching = await coll.countDocuments(filter);
    const ms: number[] = [];
    for (let k = 0; k < ROUNDS; k++) {
      const t = performance.now();
      await coll.find(filter).sort(SORT).limit(21).toArray();
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const explain = await conn.db!.command({
      explain: { find: coll.collectionName, filter, sort: SORT, limit: 21 },
      verbosity: 'queryPlanner',
    });
    const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1);
    console.log(
      `${label} ${n} | ${name} | ${matching} matching | p50 ${p(0.5)} p99 ${p(0.99)} ms | ${nodes(explain.queryPlanner).join(' > ')}`,
    );
  }
  await conn.db!.dropDatabase();
  await conn.close();
}

for (const n of sizesArg.split(',').map(Number)) await size(n);
