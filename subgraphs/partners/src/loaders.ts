import type { Identity, KitEnv } from '@daas/kit';
import { byIdLoader, historyLoader } from '@daas/kit';
import type { PartnerModels } from './models/index.js';

/** What loaders need of the environment (env.ts depends on this file for the context type). */
type LoaderEnv = { kit: KitEnv; models: PartnerModels };

export function partnerLoaders(env: LoaderEnv, identity: Identity) {
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
