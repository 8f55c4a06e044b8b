import { entityWriters, type KitEnv, type SubgraphContext } from '@daas/kit';
import { ListedSync } from './flows/listed.js';
import type { ProductLoaders } from './loaders.js';
import { type ProductModels, type ProductWriters, productEntities, productModels } from './models/index.js';

export interface ProductEnv {
  kit: KitEnv;
  models: ProductModels;
  /** the only way this subgraph writes its entities (kit/src/changes/entities.ts) */
  write: ProductWriters;
  listed: ListedSync;
}

/** How long after start-up the second sweep runs: after the change store has recovered interrupted changes. */
const SECOND_SWEEP_MS = 10_000;

export function createProductEnv(kit: KitEnv): ProductEnv {
  const models = productModels(kit.db.conn);
  const write = entityWriters(kit.changes, productEntities(models));
  kit.changes.register(...Object.values(models));
  const listed = new ListedSync(models, kit.changes, kit.log);
  // Finish what a previous process left half-done: products whose listings changed (`_listingsDirty`).
  const sweep = () =>
    listed
      .sweep()
      .then((n) => n > 0 && kit.log.info({ settled: n }, 'product listing fields recomputed'))
      .catch((e) => kit.log.warn({ err: (e as Error).message }, 'listing sweep failed'));
  void kit.db.connected().then(() => {
    void sweep();
    setTimeout(() => void sweep(), SECOND_SWEEP_MS).unref();
  });
  return { kit, models, write, listed };
}

export type ProductContext = SubgraphContext<ProductEnv, ProductLoaders>;
