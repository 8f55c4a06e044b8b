// Partners demo data: marketplaces (and, with the contract flow, hubs, agreements and contracts).
import { partnerModels } from '@daas/partners';
import { ensureEntity, openDirect, type SeedContext } from './context.js';

export const MARKETPLACES = [
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

export async function seedPartners(ctx: SeedContext): Promise<void> {
  ctx.progress('marketplaces');
  const db = await openDirect(ctx, 'partners');
  try {
    const m = partnerModels(db.conn);
    for (const mp of MARKETPLACES) {
      // Vendors selling there see the marketplace.
      const acl = [mp.owner, 'VA-100-001', 'VA-100-002'];
      await ensureEntity(
        ctx,
        db,
        m.Marketplace,
        'Marketplace',
        { ...mp, description: null, status: 'active', _acl: acl },
        mp.owner,
      );
    }
  } finally {
    await db.close();
  }
}
