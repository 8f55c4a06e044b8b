// Products demo data.
import { productModels } from '@daas/products';
import { ensureEntity, openDirect, type SeedContext } from './context.js';

export const PRODUCTS = [
  { _id: 'PRD-100-000-001', name: 'Acme Office Suite', vendor: 'VA-100-001', status: 'published' },
  { _id: 'PRD-100-000-002', name: 'Acme Cloud Backup', vendor: 'VA-100-001', status: 'published' },
  { _id: 'PRD-100-000-003', name: 'Acme Security Audit', vendor: 'VA-100-001', status: 'published' },
  { _id: 'PRD-100-000-004', name: 'Umbrella Compute', vendor: 'VA-100-002', status: 'published' },
] as const;

export async function seedProducts(ctx: SeedContext): Promise<void> {
  ctx.progress('products');
  const db = await openDirect(ctx, 'products');
  try {
    const m = productModels(db.conn);
    for (const p of PRODUCTS) {
      const acl = [p.vendor, 'PA-200-001', 'PA-300-001'];
      await ensureEntity(
        ctx,
        db,
        m.Product,
        'Product',
        { ...p, shortDescription: null, _acl: acl },
        p.vendor,
      );
    }
  } finally {
    await db.close();
  }
}
