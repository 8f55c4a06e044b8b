// Keeps the listing-derived fields of products in step with their listings: `listedBy` and `listedIn`
// (the providers and marketplaces where it is LISTED: what resellers' catalogs and marketplaces' listings read) and
// `_acl` (the vendor and `listedBy`). The same scheme as partners' acl/sync.ts: a listing change
// marks the product `_listingsDirty` through an effect of that very change (so recovery marks it even if
// the process dies), then `settle` recomputes from the listings and writes with a version check, so a
// recomputation from older listings never overwrites a newer one. `sweep` settles what is still marked.
import { type Actor, type ChangeStore, type EffectSpec, entityWriters, type Logger } from '@daas/kit';
import {
  type ListingDoc,
  type ProductDoc,
  type ProductModels,
  type ProductWriters,
  productEntities,
} from '../models/index.js';

const SYSTEM: Actor = { accountId: 'service:products', role: 'SERVICE' };
const ATTEMPTS = 10;

class Stale extends Error {}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
const same = (a: string[] = [], b: string[] = []) => sorted(a).join() === sorted(b).join();

export class ListedSync {
  constructor(
    private readonly models: ProductModels,
    store: ChangeStore,
    private readonly log: Logger,
  ) {
    this.write = entityWriters(store, productEntities(models));
  }

  private readonly write: ProductWriters;

  /** The effect marking a product stale; add it to the change of a listing of that product. */
  touch(product: { _id: string; vendor: string }): EffectSpec {
    return {
      collection: this.models.Product.collection.collectionName,
      entityType: 'Product',
      entityId: product._id,
      kind: 'listingsChanged',
      set: { _listingsDirty: true },
      partitionKey: product.vendor,
    };
  }

  async settle(productIds: string[]): Promise<void> {
    for (const id of new Set(productIds)) await this.syncOne(id);
  }

  async sweep(): Promise<number> {
    const docs = await this.models.Product.find({ _listingsDirty: true }, { _id: 1 }).lean();
    await this.settle(docs.map((d) => d._id));
    return docs.length;
  }

  private async syncOne(id: string): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const doc = await this.models.Product.findById(id).lean<ProductDoc>();
      if (!doc) return;
      const listed = await this.models.Listing.find(
        { product: id, status: 'listed' },
        { provider: 1, marketplace: 1 },
      ).lean<ListingDoc[]>();
      const next = {
        _acl: sorted([doc.vendor, ...listed.map((l) => l.provider)]),
        listedBy: sorted(listed.map((l) => l.provider)),
        listedIn: sorted(listed.map((l) => l.marketplace)),
      };
      const changed =
        !same(next._acl, doc._acl) ||
        !same(next.listedBy, doc.listedBy) ||
        !same(next.listedIn, doc.listedIn);
      if (!changed && !doc._listingsDirty) return;
      try {
        await this.write.Product.change({
          id,
          actor: SYSTEM,
          decide: (current) => {
            // Computed from listings read after `doc`; anything newer must be recomputed.
            if (current.version !== doc.version) throw new Stale();
            return { kind: 'listingsSynced', set: { ...next, _listingsDirty: false } };
          },
        });
        return;
      } catch (e) {
        if (!(e instanceof Stale)) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
    this.log.warn({ product: id }, 'listing fields kept racing; retrying shortly');
    setTimeout(() => void this.settle([id]).catch(() => {}), 250 + Math.random() * 500).unref();
  }
}
