// Usage demo data: usage files.
import { usageModels } from '@daas/usage';
import { ensureEntity, openDirect, type SeedContext } from './context.js';
import { PRODUCTS } from './products.js';

const USAGE_FILES = [
  {
    _id: 'UF-2025-05-1000-0001',
    name: 'Cloud Backup May 2025',
    productId: 'PRD-100-000-002',
    assetIds: ['AS-1000-0000-0002'],
    provider: 'PA-200-001',
    status: 'accepted' as const,
  },
  {
    _id: 'UF-2025-06-1000-0002',
    name: 'Cloud Backup June 2025',
    productId: 'PRD-100-000-002',
    assetIds: ['AS-1000-0000-0002', 'AS-1000-0000-0006'],
    provider: 'PA-200-001',
    status: 'draft' as const,
  },
];

export async function seedUsage(ctx: SeedContext): Promise<void> {
  ctx.progress('usage files');
  const db = await openDirect(ctx, 'usage');
  try {
    const m = usageModels(db.conn);
    for (const f of USAGE_FILES) {
      const vendor = PRODUCTS.find((p) => p._id === f.productId)!.vendor;
      await ensureEntity(
        ctx,
        db,
        m.UsageFile,
        'UsageFile',
        { ...f, vendor, _acl: [vendor, f.provider] },
        vendor,
      );
    }
  } finally {
    await db.close();
  }
}
