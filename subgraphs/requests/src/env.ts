import { entityWriters, type KitEnv, type SubgraphContext } from '@daas/kit';
import type { RequestLoaders } from './loaders.js';
import { type RequestModels, type RequestWriters, requestEntities, requestModels } from './models/index.js';
import { GatewayPeers, type Peers } from './peers.js';

export interface RequestEnv {
  kit: KitEnv;
  models: RequestModels;
  /** the only way this subgraph writes its entities (kit/src/changes/entities.ts) */
  write: RequestWriters;
  /** the products and partners facts a purchase and an approval need, asked through the gateway */
  peers: Peers;
}

export function createRequestEnv(kit: KitEnv): RequestEnv {
  const models = requestModels(kit.db.conn);
  const write = entityWriters(kit.changes, requestEntities(models));
  kit.changes.register(...Object.values(models));
  return { kit, models, write, peers: new GatewayPeers(kit.services) };
}

export type RequestContext = SubgraphContext<RequestEnv, RequestLoaders>;
