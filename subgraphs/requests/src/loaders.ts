import { byIdLoader, type ChangeRow, groupLoader, type Identity } from '@daas/kit';
import DataLoader from 'dataloader';
import type { RequestEnv } from './env.js';

export function requestLoaders(env: RequestEnv, identity: Identity) {
  const m = env.models;
  return {
    asset: byIdLoader(m.Asset, identity),
    assetRequest: byIdLoader(m.AssetRequest, identity),
    tierAccount: byIdLoader(m.TierAccount, identity),
    tierConfig: byIdLoader(m.TierConfig, identity),
    tierConfigRequest: byIdLoader(m.TierConfigRequest, identity),
    requestsOfAsset: groupLoader(m.AssetRequest, 'assetId', identity, { createdAt: -1, _id: -1 }),
    history: historyLoader(env),
  };
}

/** The change rows (audit history) of many entities in one query, oldest first. */
function historyLoader(env: RequestEnv) {
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

export type RequestLoaders = ReturnType<typeof requestLoaders>;
