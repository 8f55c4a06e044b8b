import type { KitEnv, SubgraphContext } from '@daas/kit';
import type { RequestLoaders } from './loaders.js';
import { type RequestModels, requestModels } from './models/index.js';
import { GatewayPeers, type Peers } from './peers.js';

export interface RequestEnv {
  kit: KitEnv;
  models: RequestModels;
  /** the products and partners facts a purchase and an approval need, asked through the gateway */
  peers: Peers;
}

export function createRequestEnv(kit: KitEnv): RequestEnv {
  const models = requestModels(kit.db.conn);
  kit.changes.register(...Object.values(models));
  return { kit, models, peers: new GatewayPeers(kit.services) };
}

export type RequestContext = SubgraphContext<RequestEnv, RequestLoaders>;
