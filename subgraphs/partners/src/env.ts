import type { KitEnv, SubgraphContext } from '@daas/kit';
import type { PartnerLoaders } from './loaders.js';
import { type PartnerModels, partnerModels } from './models/index.js';

export interface PartnerEnv {
  kit: KitEnv;
  models: PartnerModels;
}

export function createPartnerEnv(kit: KitEnv): PartnerEnv {
  const models = partnerModels(kit.db.conn);
  kit.changes.register(...Object.values(models));
  return { kit, models };
}

export type PartnerContext = SubgraphContext<PartnerEnv, PartnerLoaders>;
