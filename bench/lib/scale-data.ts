// The bulk loader of `pnpm bench scale`: N assets with one purchase request each, and in proportion tier
// accounts (customers), products, accounts and usage files, spread over many tenants.
//
// Why bulk, and why the documents are the write path's own: a million purchases through the API would
// take hours here, and so would inserting into collections that carry their indexes (DocumentDB
// maintains a dozen RUM indexes per asset: ~200 documents/s). So the loader drops the secondary indexes
// of the four big collections, inserts in batches of 5,000 (assets and their requests side by side),
// then builds every index the model declares (mongoose `schema.indexes()`, the same definitions and
// options the subgraph creates at start; one collection's indexes one after another, the collections
// side by side), and finally runs the model's own `createIndexes()`, which must find nothing left
// to create. Each one is a *clone of a document
// the API wrote* (the demo seed buys assets, creates usage files and products through the gateway): the
// loader reads one template of each kind from the databases and replaces only ids, owners, status,
// `_acl` (by the same rule as flows/purchase.ts: vendor, provider, the contract's distributor) and dates.
// Every other field, and the entity envelope (version 1, createdAt, updatedAt), is what the change store
// wrote. `checkShape` compares field sets afterwards. What bulk documents lack: change-history rows and
// feed events (nothing the measured pages read), and usage record blocks (the pages list files only).
import { databaseName, openDatabase } from '@daas/kit';
import { partnerModels } from '@daas/partners';
import { productModels } from '@daas/products';
import { requestModels } from '@daas/requests';
import { usageModels } from '@daas/usage';
import { silentLogger } from '../../tests/support/log.js';

type Doc = Record<string, unknown> & { _id: string };

/** From this many assets on, indexes are dropped before the insert and built after it. */
const BULK_INDEX_BUILD_FROM = 10_000;

/** The demo tenants get their share of the data, so the demo tokens see a realistic slice. */
export const SCALE_TENANTS = {
  vendors: 50,
  distributors: 20,
  resellers: 100,
  marketplacesPerDistributor: 2,
  productsPerVendor: 10,
  /** assets per customer (tier account), on average */
  assetsPerCustomer: 10,
  /** assets per usage file, and usage files per 100 assets */
  assetsPerUsageFile: 5,
  usageFilesPer100Assets: 1,
} as const;

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const digits = (n: number, groups: number[]) => {
  const s = pad(
    n,
    groups.reduce((a, b) => a + b, 0),
  );
  const out: string[] = [];
  let at = 0;
  for (const g of groups) {
    out.push(s.slice(at, at + g));
    at += g;
  }
  return out.join('-');
};

// Tenant ids: index 0 of each role is the demo account.
export const vendorId = (v: number) => (v === 0 ? 'VA-100-001' : `VA-9${digits(v, [2, 3])}`);
export const distributorId = (d: number) => (d === 0 ? 'PA-200-001' : `PA-8${digits(d, [2, 3])}`);
export const resellerId = (r: number) => (r === 0 ? 'PA-300-001' : `PA-7${digits(r, [2, 3])}`);
export const marketplaceId = (d: number, m: number) => `MP-9${pad(d * 10 + m, 4)}`;
export const productId = (v: number, p: number) => `PRD-9${digits(v * 100 + p, [2, 3, 3])}`;
export const assetId = (i: number) => `AS-9${digits(i, [3, 4, 4])}`;
export const requestId = (i: number) => `PR-9${digits(i, [3, 4, 4])}-001`;
export const customerId = (c: number) => `TA-9${digits(c, [3, 4, 4])}`;
export const usageFileId = (f: number) => `UF-2026-12-07-9${digits(f, [3, 4])}`;

const PROVIDERS = SCALE_TENANTS.distributors + SCALE_TENANTS.resellers;
const customersPerProvider = (n: number) =>
  Math.max(1, Math.floor(n / (PROVIDERS * SCALE_TENANTS.assetsPerCustomer)));
const providerOf = (k: number) =>
  k < SCALE_TENANTS.distributors ? distributorId(k) : resellerId(k - SCALE_TENANTS.distributors);

/** The k-th customer of provider `providerIndex` (distributors first, then resellers). */
export const customerOf = (n: number, providerIndex: number, k: number) =>
  customerId(providerIndex * customersPerProvider(n) + k);

/** The deterministic facts of asset i (who sold what to whom, in which state). */
export function assetFacts(i: number, n: number) {
  const T = SCALE_TENANTS;
  const vendor = i % T.vendors;
  const product = Math.floor(i / T.vendors) % T.productsPerVendor;
  const distributor = Math.floor(i / 7) % T.distributors;
  // every other asset is sold by a reseller (syndication), whose distributor is `distributor`
  const viaReseller = i % 2 === 1;
  const reseller = Math.floor(i / 3) % T.resellers;
  const provider = viaReseller ? resellerId(reseller) : distributorId(distributor);
  // each provider has its own customers; asset i goes to one of its provider's
  const providerIndex = viaReseller ? T.distributors + reseller : distributor;
  const perProvider = customersPerProvider(n);
  // Spread states evenly and not in lockstep with tenants: the fractional parts of i·φ are evenly
  // distributed along every arithmetic progression of i (a vendor's assets are every 50th). A product
  // `i * K % 100` is not: for i a multiple of 50 it is 0 or 50, so the demo vendor had no open request.
  const r = Math.floor(((i * 0.6180339887498949) % 1) * 100);
  const status = r < 70 ? 'active' : r < 75 ? 'processing' : r < 85 ? 'suspended' : 'terminated';
  return {
    vendor: vendorId(vendor),
    productId: productId(vendor, product),
    marketplaceId: marketplaceId(distributor, i % T.marketplacesPerDistributor),
    distributor: distributorId(distributor),
    provider,
    customer: customerId(providerIndex * perProvider + (Math.floor(i / 211) % perProvider)),
    status,
  };
}

/** Documents by creation time: asset i was created at start + i seconds, so newest-first is index order. */
const createdAt = (start: number, i: number) => new Date(start + i * 1000);

interface Templates {
  asset: Doc;
  request: Doc;
  customer: Doc;
  usageFile: Doc;
  product: Doc;
  account: Doc;
}

function clone(template: Doc, fields: Record<string, unknown>, at: Date): Doc {
  const { _causes: _, ...rest } = template;
  return { ...rest, ...fields, version: 1, createdAt: at, updatedAt: at } as Doc;
}

async function template(coll: { findOne: (f: object) => Promise<unknown> }, filter: object, what: string) {
  const doc = (await coll.findOne(filter)) as Doc | null;
  if (!doc) throw new Error(`no ${what} written by the API to copy (was the demo data seeded?)`);
  return doc;
}

export interface ScaleData {
  assets: number;
  requests: number;
  customers: number;
  usageFiles: number;
  products: number;
  accounts: number;
  /** the whole load, and of it the index builds */
  ms: number;
  indexMs: number;
}

interface IndexedModel {
  collection: {
    dropIndex: (name: string) => Promise<unknown>;
    indexes: () => Promise<{ name?: string }[]>;
    createIndex: (keys: never, options: object) => Promise<unknown>;
  };
  schema: { indexes: () => [Record<string, unknown>, Record<string, unknown>?][] };
}

async function dropSecondaryIndexes(model: IndexedModel) {
  for (const ix of await model.collection.indexes()) {
    if (ix.name && ix.name !== '_id_') await model.collection.dropIndex(ix.name);
  }
}

/**
 * Each index of the model's schema, as mongoose's createIndexes would create it, one after another:
 * DocumentDB builds one index of a collection at a time anyway, and concurrent builds on one collection
 * deadlocked at a million documents ("deadlock detected" after 23 minutes of building).
 */
async function buildDeclaredIndexes(model: IndexedModel) {
  for (const [keys, options] of model.schema.indexes()) {
    const { _autoIndex: _, ...opts } = options ?? {};
    await model.collection.createIndex(keys as never, opts);
  }
}

/** Loads `n` assets (and the rest in proportion) next to the demo data of `dbPrefix`. */
export async function loadScaleData(opts: {
  mongoUri: string;
  dbPrefix: string;
  n: number;
  progress?: (line: string) => void;
}): Promise<ScaleData> {
  const started = performance.now();
  const log = silentLogger();
  const open = async (name: string) => {
    const db = openDatabase({ uri: opts.mongoUri, name: databaseName(opts.dbPrefix, name), log });
    await db.connected();
    return db;
  };
  const [partners, products, requests, usage] = await Promise.all(
    ['partners', 'products', 'requests', 'usage'].map(open),
  );
  try {
    const P = partnerModels(partners!.conn);
    const R = requestModels(requests!.conn);
    const U = usageModels(usage!.conn);
    const D = productModels(products!.conn);
    const t: Templates = {
      asset: await template(R.Asset.collection, { status: 'active' }, 'asset'),
      request: await template(R.AssetRequest.collection, { type: 'purchase' }, 'purchase request'),
      customer: await template(R.TierAccount.collection, { type: 'customer' }, 'customer'),
      usageFile: await template(U.UsageFile.collection, {}, 'usage file'),
      product: await template(D.Product.collection, { status: 'published' }, 'product'),
      account: await template(P.Account.collection, { role: 'VENDOR' }, 'account'),
    };
    const n = opts.n;
    const T = SCALE_TENANTS;
    const start = Date.UTC(2025, 0, 1);
    const BATCH = 5000;
    const insert = async (coll: { insertMany: (d: never, o: object) => Promise<unknown> }, docs: Doc[]) => {
      if (docs.length) await coll.insertMany(docs as never, { ordered: false });
    };
    // Small loads (the query-plan test's) keep their indexes while inserting: built afterwards, an index
    // leaves PostgreSQL exact row counts, and for a table of a few dozen rows (usage files at n = 3,000) a
    // sequential scan is then the right plan, which the explain test would report as a missing index.
    const big = n >= BULK_INDEX_BUILD_FROM ? [R.Asset, R.AssetRequest, R.TierAccount, U.UsageFile] : [];
    await Promise.all(big.map(dropSecondaryIndexes));

    // accounts and products (small): the synthetic tenants; the demo ones exist already
    const accounts: Doc[] = [];
    const role = (id: string) =>
      id.startsWith('VA') ? 'VENDOR' : id.startsWith('PA-7') ? 'RESELLER' : 'DISTRIBUTOR';
    const ids = [
      ...Array.from({ length: T.vendors }, (_, v) => vendorId(v)),
      ...Array.from({ length: T.distributors }, (_, d) => distributorId(d)),
      ...Array.from({ length: T.resellers }, (_, r) => resellerId(r)),
    ].filter((id) => !/^(VA-100|PA-200|PA-300)-/.test(id));
    for (const [k, id] of ids.entries())
      accounts.push(
        clone(t.account, { _id: id, name: `Scale ${id}`, role: role(id), _acl: [] }, createdAt(start, k)),
      );
    await insert(P.Account.collection, accounts);
    const productDocs: Doc[] = [];
    for (let v = 0; v < T.vendors; v++) {
      for (let p = 0; p < T.productsPerVendor; p++) {
        const id = productId(v, p);
        const name = `Scale product ${v}-${p}`;
        productDocs.push(
          clone(
            t.product,
            { _id: id, vendor: vendorId(v), name, nameKey: name.toLowerCase(), _acl: [vendorId(v)] },
            createdAt(start, v * 100 + p),
          ),
        );
      }
    }
    await insert(D.Product.collection, productDocs);

    // customers: each provider's own
    const perProvider = customersPerProvider(n);
    const customers = PROVIDERS * perProvider;
    for (let from = 0; from < customers; from += BATCH) {
      const docs: Doc[] = [];
      for (let c = from; c < Math.min(customers, from + BATCH); c++) {
        const owner = providerOf(Math.floor(c / perProvider));
        docs.push(
          clone(
            t.customer,
            {
              _id: customerId(c),
              name: `Customer ${c}`,
              externalId: null,
              parentId: null,
              owner,
              _acl: [owner],
            },
            createdAt(start, c),
          ),
        );
      }
      await insert(R.TierAccount.collection, docs);
    }

    // assets and their purchase requests
    for (let from = 0; from < n; from += BATCH) {
      const assets: Doc[] = [];
      const reqs: Doc[] = [];
      for (let i = from; i < Math.min(n, from + BATCH); i++) {
        const f = assetFacts(i, n);
        const at = createdAt(start, i);
        const acl = [...new Set([f.vendor, f.provider, f.distributor])];
        const pr = requestId(i);
        const open = f.status === 'processing';
        const customer = { id: f.customer, name: `Customer ${f.customer}`, externalId: null };
        assets.push(
          clone(
            t.asset,
            {
              _id: assetId(i),
              externalId: null,
              externalKey: assetId(i),
              status: f.status,
              productId: f.productId,
              marketplaceId: f.marketplaceId,
              contractId: null,
              vendor: f.vendor,
              provider: f.provider,
              customerId: f.customer,
              tiers: { customer, tier1: null, tier2: null },
              pendingRequest: open ? { id: pr, type: 'purchase' } : null,
              lastRequestId: pr,
              requestCount: 1,
              activatedAt: open ? null : at,
              terminatedAt: f.status === 'terminated' ? at : null,
              _acl: acl,
            },
            at,
          ),
        );
        reqs.push(
          clone(
            t.request,
            {
              _id: pr,
              type: 'purchase',
              status: open ? 'pending' : 'approved',
              assetId: assetId(i),
              productId: f.productId,
              marketplaceId: f.marketplaceId,
              customerId: f.customer,
              vendor: f.vendor,
              provider: f.provider,
              waitingFor: null,
              _acl: acl,
            },
            at,
          ),
        );
      }
      await Promise.all([insert(R.Asset.collection, assets), insert(R.AssetRequest.collection, reqs)]);
      if ((from / BATCH) % 20 === 0) opts.progress?.(`  loaded ${from + assets.length} of ${n} assets`);
    }

    // usage files: one per 100 assets, each for five assets of one vendor's product
    const files = Math.max(1, Math.floor((n * T.usageFilesPer100Assets) / 100));
    for (let from = 0; from < files; from += BATCH) {
      const docs: Doc[] = [];
      for (let k = from; k < Math.min(files, from + BATCH); k++) {
        const first = (k * 100) % n;
        const f = assetFacts(first, n);
        const assetIds = Array.from({ length: T.assetsPerUsageFile }, (_, j) =>
          assetId((first + j * T.vendors * T.productsPerVendor) % n),
        );
        docs.push(
          clone(
            t.usageFile,
            {
              _id: usageFileId(k),
              name: `Usage ${k}`,
              productId: f.productId,
              marketplaceId: f.marketplaceId,
              vendor: f.vendor,
              provider: f.provider,
              assetIds,
              _acl: [f.vendor, f.provider],
            },
            createdAt(start, k * 100),
          ),
        );
      }
      await insert(U.UsageFile.collection, docs);
    }
    const inserted = performance.now();
    opts.progress?.(
      `  inserted in ${((inserted - started) / 1000).toFixed(0)} s; building the declared indexes…`,
    );
    await Promise.all(big.map(buildDeclaredIndexes));
    for (const model of big) await model.createIndexes();
    const indexMs = performance.now() - inserted;
    return {
      assets: n,
      requests: n,
      customers,
      usageFiles: files,
      products: productDocs.length,
      accounts: accounts.length,
      ms: performance.now() - started,
      indexMs,
    };
  } finally {
    await Promise.all([partners, products, requests, usage].map((db) => db!.close()));
  }
}
