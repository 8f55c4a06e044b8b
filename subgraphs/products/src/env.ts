import type { KitEnv, SubgraphContext } from '@daas/kit';
import type { ProductLoaders } from './loaders.js';
import { type ProductModels, productModels } from './models/index.js';

export interface ProductEnv {
  kit: KitEnv;
  models: ProductModels;
}

export function createProductEnv(kit: KitEnv): ProductEnv {
  const models = productModels(kit.db.conn);
  kit.changes.register(...Object.values(models));
  return { kit, models };
}

export type ProductContext = SubgraphContext<ProductEnv, ProductLoaders>;
