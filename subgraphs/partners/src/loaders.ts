import { byIdLoader, type Identity } from '@daas/kit';
import type { PartnerModels } from './models/index.js';

export function partnerLoaders(models: PartnerModels, identity: Identity) {
  return {
    // Accounts are the platform's directory: any authenticated caller may look one up by id.
    account: byIdLoader(models.Account, identity, () => true),
    marketplace: byIdLoader(models.Marketplace, identity),
    apiToken: byIdLoader(models.ApiToken, identity),
  };
}

export type PartnerLoaders = ReturnType<typeof partnerLoaders>;
