import { readFileSync } from 'node:fs';
import type { SubgraphSpec } from '@daas/kit';
import { parse } from 'graphql';
import { type BillingEnv, billingEnv } from './env.js';
import { Scheduler } from './flows/scheduler.js';
import { type BillingLoaders, billingLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** The scheduler of each env this process started, stopped before the database closes. */
const schedulers = new WeakMap<BillingEnv, Scheduler>();

export const billingSubgraph: SubgraphSpec<BillingEnv, BillingLoaders> = {
  name: 'billing',
  defaultPort: 4007,
  typeDefs,
  resolvers,
  createEnv: (kit) => {
    const env = billingEnv(kit);
    // with BILLING_SCHEDULER on, this process learns assets and bills every tick (safe on every replica)
    if (env.config.scheduler) {
      const scheduler = new Scheduler(env);
      schedulers.set(env, scheduler);
      void kit.db.connected().then(() => scheduler.start());
    }
    return env;
  },
  // the tick under way finishes; no other starts (`start` after `stop` does nothing)
  stop: async (_kit, env) => {
    await schedulers.get(env)?.stop();
  },
  createLoaders: (env, identity) => billingLoaders(env, identity),
};
