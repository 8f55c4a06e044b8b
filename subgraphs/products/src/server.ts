import { readFileSync } from 'node:fs';
import type { SubgraphSpec } from '@daas/kit';
import { parse } from 'graphql';
import { createProductEnv, type ProductEnv } from './env.js';
import { type ProductLoaders, productLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export const productsSubgraph: SubgraphSpec<ProductEnv, ProductLoaders> = {
  name: 'products',
  defaultPort: 4002,
  typeDefs,
  resolvers,
  createEnv: createProductEnv,
  createLoaders: (env, identity, requestId) => productLoaders(env, identity, requestId),
};
