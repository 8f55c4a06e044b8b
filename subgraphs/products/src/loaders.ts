// Per-request loaders: every entity hop goes through one. Products have a visibility rule beyond `_acl`
// (a distributor's listable products, a reseller's syndicated ones): the contracts it needs are asked of
// the partners domain once per request, and only when `_acl` alone does not answer.
import type { KitEnv } from '@daas/kit';
import { byIdLoader, canSee, historyLoader, type Identity, seesEverything } from '@daas/kit';
import DataLoader from 'dataloader';
import { type CatalogScope, visibleThroughContracts } from './domain/products.js';
import type { ProductDoc, ProductModels, ProductVersionDoc } from './models/index.js';
import { catalogScope, partnersFor } from './partners.js';

/** What loaders need of the environment (env.ts depends on this file for the context type). */
type LoaderEnv = { kit: KitEnv; models: ProductModels };

export function productLoaders(env: LoaderEnv, identity: Identity, requestId: string) {
  const models = env.models;
  const partners = partnersFor(env.kit, requestId);
  let scope: Promise<CatalogScope> | null = null;
  const catalog = () => {
    scope ??= catalogScope(partners, identity.role, identity.accountId);
    return scope;
  };
  const product = new DataLoader<string, ProductDoc | null>(
    async (ids) => {
      const docs = await models.Product.find({ _id: { $in: [...ids] }, status: { $ne: 'deleted' } }).lean<
        ProductDoc[]
      >();
      const byId = new Map(docs.map((d) => [d._id, d]));
      const needScope = docs.some((d) => !canSee(identity, d));
      const s = needScope && !seesEverything(identity) ? await catalog() : null;
      return ids.map((id) => {
        const d = byId.get(id);
        if (!d) return null;
        return canSee(identity, d) || (s && visibleThroughContracts(d, identity.role, s)) ? d : null;
      });
    },
    { maxBatchSize: 500 },
  );
  return {
    product,
    /** frozen versions by `<product>/v<N>`; the caller has checked the product is visible */
    version: new DataLoader<string, ProductVersionDoc | null>(async (ids) => {
      const docs = await models.ProductVersion.find({ _id: { $in: [...ids] } }).lean<ProductVersionDoc[]>();
      const byId = new Map(docs.map((d) => [d._id, d]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    listing: byIdLoader(models.Listing, identity),
    listingRequest: byIdLoader(models.ListingRequest, identity),
    connection: byIdLoader(models.Connection, identity),
    history: historyLoader(env.kit.changes),
    partners,
    catalog,
  };
}

export type ProductLoaders = ReturnType<typeof productLoaders>;
