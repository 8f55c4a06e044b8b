import { type Clock, clockFromEnv, entityWriters, type KitEnv, type SubgraphContext } from '@daas/kit';
import { type BillingConfig, loadBillingConfig } from './config.js';
import type { BillingLoaders } from './loaders.js';
import { type BillingModels, type BillingWriters, billingEntities, billingModels } from './models/index.js';
import { type BillingPeers, GatewayPeers } from './peers.js';

export interface BillingEnv {
  kit: KitEnv;
  models: BillingModels;
  /** the only way this subgraph writes its entities (kit/src/changes/entities.ts) */
  write: BillingWriters;
  peers: BillingPeers;
  /** business time: billing periods and due dates follow it (CLOCK_START / CLOCK_RATE) */
  clock: Clock;
  config: BillingConfig;
}

export interface BillingEnvOptions {
  peers?: BillingPeers;
  clock?: Clock;
  config?: BillingConfig;
}

/** The environment (the service starts its scheduler's timer in server.ts). */
export function billingEnv(kit: KitEnv, opts: BillingEnvOptions = {}): BillingEnv {
  const models = billingModels(kit.db.conn);
  const write = entityWriters(kit.changes, billingEntities(models));
  kit.changes.register(...Object.values(models));
  return {
    kit,
    models,
    write,
    peers: opts.peers ?? new GatewayPeers(kit.services),
    clock: opts.clock ?? clockFromEnv(),
    config: opts.config ?? loadBillingConfig(),
  };
}

export type BillingContext = SubgraphContext<BillingEnv, BillingLoaders>;
