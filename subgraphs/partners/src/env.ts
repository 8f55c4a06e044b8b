import { entityWriters, type KitEnv, type SubgraphContext } from '@daas/kit';
import { AclSync } from './acl/sync.js';
import type { PartnerLoaders } from './loaders.js';
import { type PartnerModels, type PartnerWriters, partnerEntities, partnerModels } from './models/index.js';

export interface PartnerEnv {
  kit: KitEnv;
  models: PartnerModels;
  /** the only way this subgraph writes its entities (kit/src/changes/entities.ts) */
  write: PartnerWriters;
  acl: AclSync;
}

/** How long after start-up the second sweep runs: after the change store has recovered interrupted changes. */
const SECOND_SWEEP_MS = 10_000;

export function createPartnerEnv(kit: KitEnv): PartnerEnv {
  const models = partnerModels(kit.db.conn);
  const write = entityWriters(kit.changes, partnerEntities(models));
  kit.changes.register(...Object.values(models));
  const acl = new AclSync(models, kit.changes, kit.log);
  // Finish visibility updates a previous process left half-done (marked `_aclDirty`).
  const sweep = () =>
    acl
      .sweep()
      .then((n) => n > 0 && kit.log.info({ settled: n }, 'stale visibility lists recomputed'))
      .catch((e) => kit.log.warn({ err: (e as Error).message }, 'visibility sweep failed'));
  void kit.db.connected().then(() => {
    void sweep();
    setTimeout(() => void sweep(), SECOND_SWEEP_MS).unref();
  });
  return { kit, models, write, acl };
}

export type PartnerContext = SubgraphContext<PartnerEnv, PartnerLoaders>;
