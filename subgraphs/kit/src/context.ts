// The request context every resolver receives, built the same way in every subgraph.
import type { Identity } from './identity.js';
import type { Logger } from './logger.js';

export interface BaseContext {
  identity: Identity;
  requestId: string;
  log: Logger;
  /** set on subscription contexts, which outlive one event: gives the next event fresh loaders */
  renewLoaders?: () => void;
}

export type SubgraphContext<Env, Loaders> = BaseContext & {
  env: Env;
  loaders: Loaders;
};
