// What a subgraph hands the kit (SubgraphSpec), what the kit hands the subgraph (KitEnv), and what a
// started subgraph is (RunningSubgraph). Types only: the steps that use them live beside this file.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { Express } from 'express';
import type { DocumentNode } from 'graphql';
import type { ChangeStore } from '../changes/store.js';
import type { SubgraphConfig } from '../config.js';
import type { SubgraphContext } from '../context.js';
import type { Database } from '../db.js';
import type { Identity, IdentitySigner } from '../identity.js';
import type { Logger } from '../logger.js';
import type { ServiceMetrics } from '../metrics.js';
import type { ServiceClient } from '../service-client.js';

export interface KitEnv {
  name: string;
  config: SubgraphConfig;
  log: Logger;
  db: Database;
  changes: ChangeStore;
  signer: IdentitySigner;
  services: ServiceClient;
  metrics: ServiceMetrics;
}

/** Anything with indexes to create once the database is reachable (a mongoose model). */
export interface IndexedModel {
  createIndexes(): Promise<unknown>;
}

export type SubgraphEnv = { models: Record<string, IndexedModel> };

export interface SubgraphSpec<Env extends SubgraphEnv, Loaders> {
  name: string;
  defaultPort: number;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext<Env, Loaders>>;
  /** creates the subgraph's models (registering them with the change store) and services */
  createEnv: (kit: KitEnv) => Env;
  createLoaders: (env: Env, identity: Identity, requestId: string) => Loaders;
  /** extra HTTP routes (for example file uploads), mounted before /graphql */
  routes?: (app: Express, kit: KitEnv, env: Env) => void;
  /**
   * websocket upgrades on paths other than /graphql (the extensions service's EaaS endpoint): returns
   * true when it took the socket; an upgrade nobody takes is refused
   */
  upgrade?: (kit: KitEnv, env: Env) => UpgradeHandler;
  /**
   * stops the subgraph's own moving parts (feed followers, schedulers, brokers) on close or SIGTERM:
   * after the server stops taking requests, before the change feed and the database close
   */
  stop?: (kit: KitEnv, env: Env) => Promise<void>;
}

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export interface RunningSubgraph {
  name: string;
  url: string;
  port: number;
  kit: KitEnv;
  close: () => Promise<void>;
}

/** Builds the context of one request or subscription, for the identity it runs as. */
export type ContextFactory<Env, Loaders> = (
  identity: Identity,
  requestId: string,
) => SubgraphContext<Env, Loaders>;
