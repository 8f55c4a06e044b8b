import { byIdLoader, type Identity } from '@daas/kit';
import type { ProductModels } from './models/index.js';

export function productLoaders(models: ProductModels, identity: Identity) {
  return {
    product: byIdLoader(models.Product, identity),
  };
}

export type ProductLoaders = ReturnType<typeof productLoaders>;
