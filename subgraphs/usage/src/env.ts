import type { KitEnv, SubgraphContext } from '@daas/kit';
import type { UsageLoaders } from './loaders.js';
import { type UsageModels, usageModels } from './models/index.js';

export interface UsageEnv {
  kit: KitEnv;
  models: UsageModels;
}

export function createUsageEnv(kit: KitEnv): UsageEnv {
  const models = usageModels(kit.db.conn);
  kit.changes.register(...Object.values(models));
  return { kit, models };
}

export type UsageContext = SubgraphContext<UsageEnv, UsageLoaders>;
