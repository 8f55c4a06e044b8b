import { readFileSync } from 'node:fs';
import type { SubgraphSpec } from '@daas/kit';
import { parse } from 'graphql';
import { type BillingEnv, createBillingEnv } from './env.js';
import { type BillingLoaders, billingLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export const billingSubgraph: SubgraphSpec<BillingEnv, BillingLoaders> = {
  name: 'billing',
  defaultPort: 4007,
  typeDefs,
  resolvers,
  createEnv: (kit) => createBillingEnv(kit),
  createLoaders: (env, identity) => billingLoaders(env, identity),
};
