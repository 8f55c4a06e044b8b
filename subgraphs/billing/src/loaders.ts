import { byIdLoader, historyLoader, type Identity, type KitEnv } from '@daas/kit';
import type { BillingModels } from './models/index.js';

/** What loaders need of the environment (env.ts depends on this file for the context type). */
type LoaderEnv = { kit: KitEnv; models: BillingModels };

export function billingLoaders(env: LoaderEnv, identity: Identity) {
  const m = env.models;
  return {
    priceList: byIdLoader(m.PriceList, identity),
    billingRequest: byIdLoader(m.BillingRequest, identity),
    /** by asset id: an asset's billing shares the asset's tenancy (vendor, distributor, seller) */
    assetBilling: byIdLoader(m.AssetBilling, identity),
    history: historyLoader(env.kit.changes),
  };
}

export type BillingLoaders = ReturnType<typeof billingLoaders>;
