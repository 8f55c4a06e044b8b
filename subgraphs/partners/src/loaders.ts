import type { ChangeRow, Identity } from '@daas/kit';
import { byIdLoader } from '@daas/kit';
import DataLoader from 'dataloader';
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
    history: historyLoader(env),
  };
}

/** The change rows (audit history) of many entities in one query, oldest first. */
function historyLoader(env: PartnerEnv) {
  return new DataLoader<string, ChangeRow[]>(
    async (ids) => {
      const rows = await env.kit.changes.models.changes
        .find({ entityId: { $in: [...ids] }, void: { $ne: true } })
        .sort({ entityId: 1, version: 1 })
        .lean<ChangeRow[]>();
      const byId = new Map<string, ChangeRow[]>(ids.map((id) => [id, []]));
      for (const r of rows) byId.get(r.entityId)?.push(r);
      return ids.map((id) => byId.get(id) ?? []);
    },
    { maxBatchSize: 100 },
  );
}

export type PartnerLoaders = ReturnType<typeof partnerLoaders>;
