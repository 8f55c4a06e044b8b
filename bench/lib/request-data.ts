// Assets with a purchase request each, written straight into the requests database for benchmarks that
// measure reading (bench/requests-assets.ts, bench/rest.ts).
import { ChangeStore, childId, createLogger, databaseName, entityWriters, openDatabase } from '@daas/kit';
import { requestEntities, requestModels } from '@daas/requests';
import { graphqlOk } from '../../scripts/lib/graphql-client.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import type { BenchPlatform } from './platform.js';

const VENDOR = 'VA-100-001';
const PROVIDER = 'PA-200-001';
const MARKETS = ['MP-20001', 'MP-20002'];

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

/**
 * `count` assets of the demo vendor's products sold by the demo distributor, each with one purchase
 * request in `requestStatus` (an approved one makes the asset active, a pending one leaves it processing),
 * written through the requests subgraph's change store as the API would, without the purchase flow.
 */
export async function writeAssets(
  p: BenchPlatform,
  {
    count,
    requestStatus,
    idBlock = 7000,
  }: { count: number; requestStatus: 'approved' | 'pending'; idBlock?: number },
) {
  const active = requestStatus === 'approved';
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
  for (let i = 0; i < count; i++) {
    const id = `AS-${idBlock}-${String(Math.floor(i / 10_000)).padStart(4, '0')}-${String(i % 10_000).padStart(4, '0')}`;
    const product = catalog[i % catalog.length]!;
    const items = product.items.map((it, k) => ({ itemId: it.id, mpn: it.mpn, quantity: String(10 + k) }));
    const pr = childId('assetRequest', id, 1);
    const customer = {
      id: `TA-${idBlock}-0000-${String(i % 50).padStart(4, '0')}`,
      name: `Customer ${i % 50}`,
      externalId: null,
    };
    await write.Asset.create({
      doc: {
        _id: id,
        externalId: null,
        externalKey: id,
        status: active ? 'active' : 'processing',
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
        pendingRequest: active ? null : { id: pr, type: 'purchase' as const },
        lastRequestId: pr,
        requestCount: 1,
        activatedAt: active ? new Date() : null,
        terminatedAt: null,
        _acl: acl,
      },
      actor,
    });
    await write.AssetRequest.create({
      doc: {
        _id: pr,
        type: 'purchase',
        status: requestStatus,
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
        activationKey: active ? 'ok' : null,
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
