// Builds and runs a subgraph from its parts, the same way for all four: configuration, database,
// change store, Apollo subgraph over HTTP and graphql-ws on /graphql, identity check, /health, /ready,
// /metrics, structured logs, graceful shutdown.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { type DocumentNode, GraphQLError } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { Gauge } from 'prom-client';
import { WebSocketServer } from 'ws';
import { encodeCursor } from './changes/cursor.js';
import { ChangeStore } from './changes/store.js';
import { loadConfig, type SubgraphConfig, subgraphConfigShape } from './config.js';
import type { SubgraphContext } from './context.js';
import { type Database, databaseName, openDatabase } from './db.js';
import { isDomainError } from './errors.js';
import { createFormatError } from './format-error.js';
import { IDENTITY_HEADER, type Identity, IdentitySigner, REQUEST_ID_HEADER } from './identity.js';
import { createLogger, type Logger, logProcessEvents } from './logger.js';
import { createMetrics, type ServiceMetrics } from './metrics.js';
import { operationLogPlugin } from './operation-log.js';
import { ServiceClient } from './service-client.js';
import { subscribeWithProgress } from './subscriptions.js';
import { guardTextArguments } from './text.js';

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

export interface SubgraphSpec<Env extends { models: Record<string, IndexedModel> }, Loaders> {
  name: string;
  defaultPort: number;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext<Env, Loaders>>;
  /** creates the subgraph's models (registering them with the change store) and services */
  createEnv: (kit: KitEnv) => Env;
  createLoaders: (env: Env, identity: Identity, requestId: string) => Loaders;
  /** extra HTTP routes (for example file uploads), mounted before /graphql */
  routes?: (app: Express, kit: KitEnv, env: Env) => void;
}

export interface RunningSubgraph {
  name: string;
  url: string;
  port: number;
  kit: KitEnv;
  close: () => Promise<void>;
}

export async function startSubgraph<Env extends { models: Record<string, IndexedModel> }, Loaders>(
  spec: SubgraphSpec<Env, Loaders>,
  processEnv: Record<string, string | undefined> = process.env,
): Promise<RunningSubgraph> {
  const config = loadConfig(subgraphConfigShape(spec.defaultPort), processEnv);
  const log = createLogger(spec.name, config.LOG_LEVEL);
  const metrics = createMetrics(spec.name);
  const signer = new IdentitySigner(config.IDENTITY_KEYS);
  const development = config.NODE_ENV !== 'production';

  let changes: ChangeStore | null = null;
  let env: Env | null = null;
  const db = openDatabase({
    uri: config.MONGODB_URI,
    name: databaseName(config.DB_NAME_PREFIX, spec.name),
    log,
    models: () => [...(changes?.allModels() ?? []), ...Object.values<IndexedModel>(env?.models ?? {})],
    onCommand: (command, collection) => metrics.dbCommands.inc({ command, collection }),
    ...(config.DB_QUERY_LOG ? { queryLog: config.DB_QUERY_LOG } : {}),
  });
  changes = new ChangeStore(db.conn, {
    partitions: config.FEED_PARTITIONS,
    pollMs: config.FEED_POLL_MS,
    retentionHours: config.FEED_RETENTION_HOURS,
    progressMs: config.FEED_PROGRESS_MS,
    dialect: () => db.dialect(),
    log,
  });
  const feedChanges = changes;
  new Gauge({
    name: 'feed_subscribers',
    help: "Subscriptions served from this process's one feed reader (its database reads do not grow with them)",
    registers: [metrics.registry],
    collect() {
      this.set(feedChanges.hub.subscriberCount);
    },
  });
  const services = new ServiceClient(config.GATEWAY_URL, signer, spec.name);
  const kit: KitEnv = { name: spec.name, config, log, db, changes, signer, services, metrics };
  env = spec.createEnv(kit);
  const subgraphEnv = env as Env;

  let changesStarted = false;
  const started = db
    .connected()
    .then(() => changes.start())
    .then(() => {
      changesStarted = true;
    })
    .catch((e) => log.fatal({ err: (e as Error).message }, 'change feed failed to start'));

  // every text argument of every field is printable and bounded before a resolver sees it (text.ts)
  const schema = guardTextArguments(
    buildSubgraphSchema([{ typeDefs: spec.typeDefs, resolvers: spec.resolvers }]),
  );
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  // The gateway keeps connections to subgraphs alive and reuses them; a server closing an idle one at
  // the moment a request is written on it gives the gateway "socket hang up". Outlive the client's idle.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;

  const contextFor = (identity: Identity, requestId: string): SubgraphContext<Env, Loaders> => ({
    identity,
    requestId,
    log: log.child({ requestId }),
    env: subgraphEnv,
    loaders: spec.createLoaders(subgraphEnv, identity, requestId),
  });

  const formatError = createFormatError(development, (e) => log.error({ err: e }, 'internal error'));
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  // Who a websocket connected as (its connection_init identity), and who each subscription runs as: the
  // gateway multiplexes many subscribers over one connection, each subscription carrying its subscriber's
  // signed identity in `extensions.identity` (docs/subscriptions.md). Keyed by the subscribe message's
  // payload, so nothing outlives a subscription that fails validation.
  type Who = { identity: Identity; requestId: string };
  const wsIdentity = new WeakMap<object, Who>();
  const subscriptionIdentity = new WeakMap<object, Who>();
  const requestIdOf = (value: unknown) => (typeof value === 'string' ? value : randomUUID());
  const wsCleanup = useServer(
    {
      schema,
      onConnect: async (ctx: WsContext) => {
        const token = ctx.connectionParams?.identity;
        if (typeof token !== 'string') return false;
        try {
          const identity = await signer.verify(token);
          wsIdentity.set(ctx, { identity, requestId: requestIdOf(ctx.connectionParams?.requestId) });
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (_ctx, _id, payload) => {
        const token = payload.extensions?.identity;
        if (token === undefined) return;
        try {
          if (typeof token !== 'string') throw new Error('not a token');
          const identity = await signer.verify(token);
          subscriptionIdentity.set(payload, {
            identity,
            requestId: requestIdOf(payload.extensions?.requestId),
          });
        } catch {
          return [
            new GraphQLError("the subscription's identity is missing, invalid or expired", {
              extensions: { code: 'UNAUTHENTICATED' },
            }),
          ];
        }
      },
      context: (ctx, _id, payload) => {
        const who = subscriptionIdentity.get(payload) ?? wsIdentity.get(ctx)!;
        const context: SubgraphContext<Env, Loaders> & { feedProgress?: boolean } = contextFor(
          who.identity,
          who.requestId,
        );
        // `extensions.progress: true` asks for progress frames (docs/change-feed.md, "Progress")
        if (payload.extensions?.progress === true) context.feedProgress = true;
        // One context lives as long as the subscription: each event gets fresh loaders (no stale cache).
        context.renewLoaders = () => {
          context.loaders = spec.createLoaders(subgraphEnv, who.identity, who.requestId);
        };
        return context;
      },
      subscribe: subscribeWithProgress,
      // Same error shape as over HTTP: one of the platform's codes, no internals.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors?.length
          ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) }
          : undefined,
      onError: (_ctx, _id, _payload, errors) => {
        log.warn({ errors: errors.map((e) => e.message) }, 'subscription error');
        return errors.map((e) => formatError(e.toJSON(), e));
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<SubgraphContext<Env, Loaders>>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      operationLogPlugin(metrics),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: spec.name });
  });
  app.get('/ready', async (_req, res) => {
    const dbReady = await db.isReady();
    const ready = dbReady && changesStarted;
    res.status(ready ? 200 : 503).json({ ready, database: dbReady, changeFeed: changesStarted });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  // Where this process's feed reader stands: the gateway starts a subscription from here, so that one
  // losing its upstream before its first event still resumes without a gap (docs/subscriptions.md).
  app.get('/feed/position', requireIdentity(signer), async (_req, res) => {
    await changes.hub.started; // before that the position is unknown
    res.json({ cursor: encodeCursor(changes.hub.currentPosition()) });
  });
  spec.routes?.(app, kit, subgraphEnv);
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    requireIdentity(signer),
    expressMiddleware(apollo, {
      context: async ({ res }) => contextFor(res.locals.identity as Identity, res.locals.requestId as string),
    }),
  );

  await new Promise<void>((resolve) => httpServer.listen(config.PORT, config.HOST, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}/graphql`;
  log.info({ url, db: db.name }, `${spec.name} subgraph listening`);

  let closing: Promise<void> | null = null;
  return {
    name: spec.name,
    url,
    port,
    kit,
    close: () => {
      closing ??= (async () => {
        await apollo.stop();
        await closeServer(httpServer);
        await started;
        await changes.stop();
        await db.close();
        log.info('stopped');
      })();
      return closing;
    },
  };
}

/**
 * Refuses any request without a valid signed identity: direct calls to a subgraph reveal nothing. Exported for
 * a subgraph's own HTTP routes (`SubgraphSpec.routes`), which the gateway forwards with the same identity.
 */
export function requireIdentity(signer: IdentitySigner) {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.requestId = req.header(REQUEST_ID_HEADER) ?? randomUUID();
    const token = req.header(IDENTITY_HEADER);
    try {
      if (!token) throw new GraphQLError('missing identity', { extensions: { code: 'UNAUTHENTICATED' } });
      res.locals.identity = await signer.verify(token);
      next();
    } catch (e) {
      const message = isDomainError(e) || e instanceof GraphQLError ? e.message : 'invalid identity';
      res.status(401).json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
    }
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** Entry point helper: start, log fatal errors plainly, stop cleanly on SIGINT/SIGTERM. */
export async function runSubgraphMain<Env extends { models: Record<string, IndexedModel> }, Loaders>(
  spec: SubgraphSpec<Env, Loaders>,
): Promise<void> {
  const { exitOnConfigError } = await import('./config.js');
  exitOnConfigError(() => loadConfig(subgraphConfigShape(spec.defaultPort)));
  const running = await startSubgraph(spec);
  logProcessEvents(running.kit.log);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.kit.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    await running.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
