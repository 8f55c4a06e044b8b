import { readFileSync } from 'node:fs';
import type { SubgraphSpec } from '@daas/kit';
import { parse } from 'graphql';
import { createPartnerEnv, type PartnerEnv } from './env.js';
import { type PartnerLoaders, partnerLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export const partnersSubgraph: SubgraphSpec<PartnerEnv, PartnerLoaders> = {
  name: 'partners',
  defaultPort: 4001,
  typeDefs,
  resolvers,
  createEnv: createPartnerEnv,
  createLoaders: (env, identity) => partnerLoaders(env, identity),
};
