// Seeds the demo data set (scripts/seed/demo-data.ts) into the four databases, through each
// subgraph's own models and the change store, so documents, tenancy and events are as the services
// write them. Fixed ids make it idempotent: seeding again creates nothing twice.
import {
  type Actor,
  ChangeStore,
  createLogger,
  databaseName,
  type EntityDoc,
  isDomainError,
  openDatabase,
} from '@daas/kit';
import { partnerModels } from '@daas/partners';
import { productModels } from '@daas/products';
import { requestModels } from '@daas/requests';
import { usageModels } from '@daas/usage';
import type { Connection, Model } from 'mongoose';
import { hashSecret } from '../../subgraphs/partners/src/domain/tokens.js';
import { DEMO_ACCOUNTS, DEMO_TOKENS } from './demo-data.js';

export interface SeedOptions {
  mongoUri: string;
  dbPrefix?: string;
  partitions?: number;
  progress?: (message: string) => void;
}

const operator: Actor = { accountId: 'OA-000-001', role: 'OPERATOR' };

const MARKETPLACES = [
  { _id: 'MP-20001', name: 'Globex US', currency: 'USD', countries: ['US'], owner: 'PA-200-001' },
  {
    _id: 'MP-20002',
    name: 'Globex Europe',
    currency: 'EUR',
    countries: ['DE', 'FR', 'NL'],
    owner: 'PA-200-001',
  },
  { _id: 'MP-30001', name: 'Initech Direct', currency: 'USD', countries: ['US', 'CA'], owner: 'PA-300-001' },
];

const PRODUCTS = [
  { _id: 'PRD-100-000-001', name: 'Acme Office Suite', vendor: 'VA-100-001', status: 'published' },
  { _id: 'PRD-100-000-002', name: 'Acme Cloud Backup', vendor: 'VA-100-001', status: 'published' },
  { _id: 'PRD-100-000-003', name: 'Acme Security Audit', vendor: 'VA-100-001', status: 'published' },
  { _id: 'PRD-100-000-004', name: 'Umbrella Compute', vendor: 'VA-100-002', status: 'published' },
];

const SELLERS: Record<string, string> = {
  'MP-20001': 'PA-200-001',
  'MP-20002': 'PA-200-001',
  'MP-30001': 'PA-300-001',
};

const ASSETS = [
  { _id: 'AS-1000-0000-0001', productId: 'PRD-100-000-001', marketplaceId: 'MP-20001', status: 'active' },
  { _id: 'AS-1000-0000-0002', productId: 'PRD-100-000-002', marketplaceId: 'MP-20001', status: 'active' },
  { _id: 'AS-1000-0000-0003', productId: 'PRD-100-000-001', marketplaceId: 'MP-20002', status: 'processing' },
  { _id: 'AS-1000-0000-0004', productId: 'PRD-100-000-003', marketplaceId: 'MP-30001', status: 'active' },
  { _id: 'AS-1000-0000-0005', productId: 'PRD-100-000-004', marketplaceId: 'MP-20001', status: 'active' },
  { _id: 'AS-1000-0000-0006', productId: 'PRD-100-000-002', marketplaceId: 'MP-30001', status: 'suspended' },
];

const USAGE_FILES = [
  {
    _id: 'UF-2025-05-1000-0001',
    name: 'Cloud Backup May 2025',
    productId: 'PRD-100-000-002',
    assetIds: ['AS-1000-0000-0002'],
    provider: 'PA-200-001',
    status: 'accepted',
  },
  {
    _id: 'UF-2025-06-1000-0002',
    name: 'Cloud Backup June 2025',
    productId: 'PRD-100-000-002',
    assetIds: ['AS-1000-0000-0002', 'AS-1000-0000-0006'],
    provider: 'PA-200-001',
    status: 'draft',
  },
];

interface Db {
  conn: Connection;
  store: ChangeStore;
  close: () => Promise<void>;
}

async function open(opts: SeedOptions, name: string): Promise<Db> {
  const log = createLogger('seed', 'silent');
  const db = openDatabase({ uri: opts.mongoUri, name: databaseName(opts.dbPrefix ?? '', name), log });
  await db.connected();
  const store = new ChangeStore(db.conn, {
    partitions: opts.partitions ?? Number(process.env.FEED_PARTITIONS ?? 1),
    pollMs: 1000,
    retentionHours: 24,
    dialect: () => db.dialect(),
    log,
  });
  await store.init();
  return { conn: db.conn, store, close: () => db.close() };
}

/** Creates unless it exists already; returns whether it was created. */
async function ensure<T extends EntityDoc>(
  store: ChangeStore,
  model: Model<T>,
  entityType: string,
  doc: Omit<T, 'version' | 'createdAt' | 'updatedAt'>,
  partitionKey: string,
): Promise<boolean> {
  store.register(model);
  try {
    await store.create<T>({ model, entityType, doc, actor: operator, partitionKey });
    return true;
  } catch (e) {
    if (isDomainError(e) && e.code === 'CONFLICT') return false;
    throw e;
  }
}

export async function seedDemo(opts: SeedOptions): Promise<{ created: number }> {
  const say = opts.progress ?? (() => {});
  let created = 0;
  const count = (b: boolean) => {
    if (b) created++;
  };

  const partners = await open(opts, 'partners');
  try {
    const m = partnerModels(partners.conn);
    say('seeding accounts and demo tokens');
    for (const a of DEMO_ACCOUNTS) {
      count(
        await ensure(
          partners.store,
          m.Account,
          'Account',
          { _id: a.id, name: a.name, role: a.role, status: 'active', _acl: [] },
          'accounts',
        ),
      );
    }
    for (const t of DEMO_TOKENS) {
      const role = DEMO_ACCOUNTS.find((a) => a.id === t.account)!.role;
      count(
        await ensure(
          partners.store,
          m.ApiToken,
          'ApiToken',
          {
            _id: t.id,
            name: t.name,
            accountId: t.account,
            role,
            secretHash: hashSecret(t.secret),
            status: 'active',
            expiresAt: null,
            revokedAt: null,
            _acl: [t.account],
          },
          t.account,
        ),
      );
    }
    say('seeding marketplaces');
    for (const mp of MARKETPLACES) {
      // Vendors selling there see the marketplace (the contract flow maintains this from contracts).
      const acl = [mp.owner, 'VA-100-001', 'VA-100-002'];
      count(
        await ensure(
          partners.store,
          m.Marketplace,
          'Marketplace',
          { ...mp, description: null, status: 'active', _acl: acl },
          mp.owner,
        ),
      );
    }
  } finally {
    await partners.close();
  }

  const products = await open(opts, 'products');
  try {
    const m = productModels(products.conn);
    say('seeding products');
    for (const p of PRODUCTS) {
      const acl = [p.vendor, 'PA-200-001', 'PA-300-001'];
      count(
        await ensure(
          products.store,
          m.Product,
          'Product',
          { ...p, shortDescription: null, status: p.status as 'published', _acl: acl },
          p.vendor,
        ),
      );
    }
  } finally {
    await products.close();
  }

  const requests = await open(opts, 'requests');
  try {
    const m = requestModels(requests.conn);
    say('seeding assets');
    for (const a of ASSETS) {
      const vendor = PRODUCTS.find((p) => p._id === a.productId)!.vendor;
      const provider = SELLERS[a.marketplaceId]!;
      count(
        await ensure(
          requests.store,
          m.Asset,
          'Asset',
          {
            ...a,
            status: a.status as 'active',
            externalId: null,
            vendor,
            provider,
            _acl: [vendor, provider],
          },
          vendor,
        ),
      );
    }
  } finally {
    await requests.close();
  }

  const usage = await open(opts, 'usage');
  try {
    const m = usageModels(usage.conn);
    say('seeding usage files');
    for (const f of USAGE_FILES) {
      const vendor = PRODUCTS.find((p) => p._id === f.productId)!.vendor;
      count(
        await ensure(
          usage.store,
          m.UsageFile,
          'UsageFile',
          { ...f, vendor, _acl: [vendor, f.provider] },
          vendor,
        ),
      );
    }
  } finally {
    await usage.close();
  }
  return { created };
}
