import { byIdLoader, historyLoader, type Identity, type KitEnv } from '@daas/kit';
import DataLoader from 'dataloader';
import type { BillingModels, PriceListDoc } from './models/index.js';

/** What loaders need of the environment (env.ts depends on this file for the context type). */
type LoaderEnv = { kit: KitEnv; models: BillingModels };

export function billingLoaders(env: LoaderEnv, identity: Identity) {
  const m = env.models;
  return {
    priceList: byIdLoader(m.PriceList, identity),
    billingRequest: byIdLoader(m.BillingRequest, identity),
    /** by asset id: an asset's billing shares the asset's tenancy (vendor, distributor, seller) */
    assetBilling: byIdLoader(m.AssetBilling, identity),
    /** by usage file id: the file's vendor and distributor see its report */
    usageReconciliation: byIdLoader(m.UsageReconciliation, identity),
    history: historyLoader(env.kit.changes),
    /**
     * by "product|marketplace", without the list's own tenancy: used for the price of an asset request,
     * which the requests domain already showed the caller (who sees cost is decided per field)
     */
    priceListOf: new DataLoader<string, PriceListDoc | null>(async (keys) => {
      const pairs = keys.map((k) => k.split('|') as [string, string]);
      const docs = await m.PriceList.find({
        $or: pairs.map(([product, marketplace]) => ({ product, marketplace })),
      }).lean<PriceListDoc[]>();
      const byKey = new Map(docs.map((d) => [`${d.product}|${d.marketplace}`, d]));
      return keys.map((k) => byKey.get(k) ?? null);
    }),
  };
}

export type BillingLoaders = ReturnType<typeof billingLoaders>;
