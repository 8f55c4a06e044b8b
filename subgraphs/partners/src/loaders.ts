import type { Identity } from '@daas/kit';
import { byIdLoader, historyLoader } from '@daas/kit';
import type { PartnerEnv } from './env.js';

export function partnerLoaders(env: PartnerEnv, identity: Identity) {
  const models = env.models;
  const anyone = () => true;
  return {
    // Accounts are the platform's directory: any authenticated caller may look one up by id.
    account: byIdLoader(models.Account, identity, anyone),
    apiToken: byIdLoader(models.ApiToken, identity),
    marketplace: byIdLoader(models.Marketplace, identity),
    hub: byIdLoader(models.Hub, identity),
    agreement: byIdLoader(models.Agreement, identity),
    contract: byIdLoader(models.Contract, identity),
    partnership: byIdLoader(models.Partnership, identity),
    history: historyLoader(env.kit.changes),
  };
}

export type PartnerLoaders = ReturnType<typeof partnerLoaders>;
