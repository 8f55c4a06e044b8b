import { byIdLoader, type Identity } from '@daas/kit';
import type { UsageModels } from './models/index.js';

export function usageLoaders(models: UsageModels, identity: Identity) {
  return {
    usageFile: byIdLoader(models.UsageFile, identity),
  };
}

export type UsageLoaders = ReturnType<typeof usageLoaders>;
