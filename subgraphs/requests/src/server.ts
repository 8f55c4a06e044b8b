import { readFileSync } from 'node:fs';
import type { SubgraphSpec } from '@daas/kit';
import { parse } from 'graphql';
import { createRequestEnv, type RequestEnv } from './env.js';
import { type RequestLoaders, requestLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export const requestsSubgraph: SubgraphSpec<RequestEnv, RequestLoaders> = {
  name: 'requests',
  defaultPort: 4003,
  typeDefs,
  resolvers,
  createEnv: createRequestEnv,
  createLoaders: (env, identity) => requestLoaders(env, identity),
};
