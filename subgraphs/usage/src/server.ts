import { readFileSync } from 'node:fs';
import type { SubgraphSpec } from '@daas/kit';
import { parse } from 'graphql';
import { createUsageEnv, type UsageEnv } from './env.js';
import { type UsageLoaders, usageLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { usageRoutes } from './routes.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export const usageSubgraph: SubgraphSpec<UsageEnv, UsageLoaders> = {
  name: 'usage',
  defaultPort: 4004,
  typeDefs,
  resolvers,
  // a record's status is derived from its file's (resolvers/views.ts), never stored: spelled as in the schema
  enums: { asIs: ['UsageRecordStatus'] },
  createEnv: (kit) => createUsageEnv(kit),
  createLoaders: (env, identity) => usageLoaders(env.models, env.records, identity),
  routes: usageRoutes,
};
