import type { KitEnv } from '@daas/kit';
import { byIdLoader, groupLoader, historyLoader, type Identity } from '@daas/kit';
import type { RequestModels } from './models/index.js';

/** What loaders need of the environment (env.ts depends on this file for the context type). */
type LoaderEnv = { kit: KitEnv; models: RequestModels };

export function requestLoaders(env: LoaderEnv, identity: Identity) {
  const m = env.models;
  return {
    asset: byIdLoader(m.Asset, identity),
    assetRequest: byIdLoader(m.AssetRequest, identity),
    tierAccount: byIdLoader(m.TierAccount, identity),
    tierConfig: byIdLoader(m.TierConfig, identity),
    tierConfigRequest: byIdLoader(m.TierConfigRequest, identity),
    requestsOfAsset: groupLoader(m.AssetRequest, 'assetId', identity, { createdAt: -1, _id: -1 }),
    history: historyLoader(env.kit.changes),
  };
}

export type RequestLoaders = ReturnType<typeof requestLoaders>;
