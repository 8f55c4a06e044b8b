// Requests demo data: assets.
import { entityWriters } from '@daas/kit';
import { requestEntities, requestModels } from '@daas/requests';
import { ensureEntity, openDirect, type SeedContext } from './context.js';
import { MARKETPLACES } from './partners.js';
import { PRODUCTS } from './products.js';

export const ASSETS = [
  { _id: 'AS-1000-0000-0001', productId: 'PRD-100-000-001', marketplaceId: 'MP-20001', status: 'active' },
  { _id: 'AS-1000-0000-0002', productId: 'PRD-100-000-002', marketplaceId: 'MP-20001', status: 'active' },
  { _id: 'AS-1000-0000-0003', productId: 'PRD-100-000-001', marketplaceId: 'MP-20002', status: 'processing' },
  { _id: 'AS-1000-0000-0004', productId: 'PRD-100-000-003', marketplaceId: 'MP-30001', status: 'active' },
  { _id: 'AS-1000-0000-0005', productId: 'PRD-100-000-004', marketplaceId: 'MP-20001', status: 'active' },
  { _id: 'AS-1000-0000-0006', productId: 'PRD-100-000-002', marketplaceId: 'MP-30001', status: 'suspended' },
] as const;

export async function seedRequests(ctx: SeedContext): Promise<void> {
  ctx.progress('assets');
  const db = await openDirect(ctx, 'requests');
  try {
    const m = requestModels(db.conn);
    const w = entityWriters(db.store, requestEntities(m));
    for (const a of ASSETS) {
      const vendor = PRODUCTS.find((p) => p._id === a.productId)!.vendor;
      const provider = MARKETPLACES.find((mp) => mp._id === a.marketplaceId)!.owner;
      await ensureEntity(ctx, w.Asset, {
        ...a,
        externalId: null,
        externalKey: a._id,
        vendor,
        provider,
        items: [],
        params: [],
        // assets that have been active since the start of 2025 (usage records are checked against it)
        activatedAt: a.status === 'processing' ? null : new Date(Date.UTC(2025, 0, 1)),
        _acl: [vendor, provider],
      });
    }
  } finally {
    await db.close();
  }
}
