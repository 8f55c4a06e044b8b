import type { KitEnv, SubgraphContext } from '@daas/kit';
import type { RequestLoaders } from './loaders.js';
import { type RequestModels, requestModels } from './models/index.js';

export interface RequestEnv {
  kit: KitEnv;
  models: RequestModels;
}

export function createRequestEnv(kit: KitEnv): RequestEnv {
  const models = requestModels(kit.db.conn);
  kit.changes.register(...Object.values(models));
  return { kit, models };
}

export type RequestContext = SubgraphContext<RequestEnv, RequestLoaders>;
