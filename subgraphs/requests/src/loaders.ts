import { byIdLoader, type Identity } from '@daas/kit';
import type { RequestModels } from './models/index.js';

export function requestLoaders(models: RequestModels, identity: Identity) {
  return {
    asset: byIdLoader(models.Asset, identity),
  };
}

export type RequestLoaders = ReturnType<typeof requestLoaders>;
