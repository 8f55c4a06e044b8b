// Partners demo data. The fixed-id baseline (hubs and the marketplaces MP-20001, MP-20002, MP-30001 that
// other domains' demo data refer to) is written directly; the contract network on top of it is built
// through the API with the demo tokens (contract-network.ts), showing the five distribution shapes.
import { entityWriters } from '@daas/kit';
import { partnerEntities, partnerModels } from '@daas/partners';
import { marketplaceNameKey, type Zone } from '../../subgraphs/partners/src/domain/marketplaces.js';
import { ensureEntity, openDirect, type SeedContext } from './context.js';
import { seedContractNetwork } from './contract-network.js';

export const HUBS = [
  { _id: 'HB-2000-0001', name: 'Globex US Hub', owner: 'PA-200-001', instanceType: 'API' },
  { _id: 'HB-2000-0002', name: 'Globex Europe Hub', owner: 'PA-200-001', instanceType: 'OA' },
  { _id: 'HB-3000-0001', name: 'Initech Hub', owner: 'PA-300-001', instanceType: 'API' },
] as const;

export const MARKETPLACES: {
  _id: string;
  name: string;
  zone: Zone;
  currency: string;
  countries: string[];
  owner: string;
  hubs: { hub: string; externalId: string }[];
}[] = [
  {
    _id: 'MP-20001',
    name: 'Globex US',
    zone: 'NA',
    currency: 'USD',
    countries: ['US'],
    owner: 'PA-200-001',
    hubs: [{ hub: 'HB-2000-0001', externalId: 'GLX-US' }],
  },
  {
    _id: 'MP-20002',
    name: 'Globex Europe',
    zone: 'EU',
    currency: 'EUR',
    countries: ['DE', 'FR', 'NL'],
    owner: 'PA-200-001',
    hubs: [{ hub: 'HB-2000-0002', externalId: 'GLX-EU' }],
  },
  {
    _id: 'MP-30001',
    name: 'Initech Direct',
    zone: 'NA',
    currency: 'USD',
    countries: ['US', 'CA'],
    owner: 'PA-300-001',
    hubs: [{ hub: 'HB-3000-0001', externalId: 'INI-1' }],
  },
];

export async function seedPartners(ctx: SeedContext): Promise<void> {
  ctx.progress('hubs and marketplaces');
  const db = await openDirect(ctx, 'partners');
  try {
    const m = partnerModels(db.conn);
    const w = entityWriters(db.store, partnerEntities(m));
    for (const h of HUBS) {
      await ensureEntity(ctx, w.Hub, { ...h, description: null, status: 'active', _acl: [h.owner] });
    }
    for (const mp of MARKETPLACES) {
      // Who else sees it follows from the contracts made below (the partners subgraph keeps _acl current).
      await ensureEntity(
        ctx,
        w.Marketplace,
        { ...mp, description: null, status: 'active', _acl: [mp.owner], _aclDirty: false },
        marketplaceNameKey(mp.owner, mp.name),
      );
    }
  } finally {
    await db.close();
  }
  await seedContractNetwork(ctx);
}
