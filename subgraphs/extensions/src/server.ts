import { readFileSync } from 'node:fs';
import type { SubgraphSpec } from '@daas/kit';
import { parse } from 'graphql';
import type { ExtensionsEnv } from './env.js';
import { type ExtensionsLoaders, extensionsLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { createRuntime, runtimeUpgrade, stopRuntime } from './runtime.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export const extensionsSubgraph: SubgraphSpec<ExtensionsEnv, ExtensionsLoaders> = {
  name: 'extensions',
  defaultPort: 4006,
  typeDefs,
  resolvers,
  createEnv: (kit) => createRuntime(kit),
  createLoaders: (env, identity) => extensionsLoaders(env.models, identity),
  upgrade: runtimeUpgrade,
  stop: stopRuntime,
};
