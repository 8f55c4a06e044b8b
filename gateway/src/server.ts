// The gateway: one endpoint for the whole platform. It authenticates, plans and executes federated
// operations from the supergraph file, enforces query limits, and holds no domain logic or database.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import {
  createFormatError,
  createLogger,
  IDENTITY_HEADER,
  IdentitySigner,
  isDomainError,
  type Logger,
  loadConfig,
  operationLogPlugin,
  REQUEST_ID_HEADER,
} from '@daas/kit';
import express, { type Express } from 'express';
import { GraphQLError, Kind, type OperationDefinitionNode } from 'graphql';
import { Authenticator } from './auth.js';
import { authOffIdentity } from './auth-mode.js';
import { type GatewayConfig, gatewayConfigShape, subgraphUrlOverrides } from './config.js';
import type { GatewayContext } from './context.js';
import { IdentityDataSource } from './data-source.js';
import { mountSubgraphRoutes } from './http-routes.js';
import { mountIde } from './ide.js';
import { IdentityForwarder } from './identity-forwarding.js';
import { aliasLimit, depthLimit } from './limits.js';
import { gatewayMetrics } from './metrics.js';
import { createSubgraphFetcher } from './subgraph-fetcher.js';
import { subgraphUrls } from './subgraph-urls.js';
import { SubscriptionEngine } from './subscriptions/engine.js';
import { SubscriptionPlanner } from './subscriptions/planning.js';
import { serveSubscriptions } from './subscriptions/transport.js';
import { feedPosition, UpstreamConnections } from './subscriptions/upstream.js';
import { fileSupergraph } from './supergraph-source.js';

export interface RunningGateway {
  url: string;
  port: number;
  config: GatewayConfig;
  log: Logger;
  app: Express;
  httpServer: Server;
  authenticator: Authenticator;
  close: () => Promise<void>;
}

export async function startGateway(
  env: Record<string, string | undefined> = process.env,
): Promise<RunningGateway> {
  // @apollo/gateway otherwise exports usage metrics to Apollo over the network.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const config = loadConfig(gatewayConfigShape, env);
  const fixedIdentity = authOffIdentity(config);
  const log = createLogger('gateway', config.LOG_LEVEL);
  if (fixedIdentity) {
    log.warn({ identity: fixedIdentity }, 'AUTH_MODE=off: API tokens are NOT checked (benchmarking only)');
  }
  const metrics = gatewayMetrics();
  const development = config.NODE_ENV !== 'production';
  const signer = new IdentitySigner(config.IDENTITY_KEYS);
  const forwarder = new IdentityForwarder(signer);
  const overrides = subgraphUrlOverrides(config);
  let urls = new Map<string, string>();
  const planner = new SubscriptionPlanner();
  const subgraphFetcher = createSubgraphFetcher();
  const dataSource = (name: string, url: string) =>
    new IdentityDataSource(
      url,
      forwarder,
      subgraphFetcher,
      (sg) => metrics.subgraphFetches.inc({ subgraph: sg }),
      name,
    );
  let subscriptionServices: Record<string, IdentityDataSource> = {};

  const authenticator = new Authenticator({
    signer,
    authUrl: () => urls.get(config.AUTH_SUBGRAPH),
    ttlSeconds: config.AUTH_CACHE_SECONDS,
    negativeTtlSeconds: config.AUTH_NEGATIVE_CACHE_SECONDS,
    log,
    cacheLookups: metrics.authCache,
    fixedIdentity,
  });

  const gateway = new ApolloGateway({
    supergraphSdl: fileSupergraph(config.SUPERGRAPH_PATH, log, (sdl) => {
      urls = subgraphUrls(sdl, overrides);
      planner.load(sdl);
      subscriptionServices = Object.fromEntries(
        [...urls].map(([name, url]) => [name, dataSource(name, url)]),
      );
    }),
    buildService: ({ name, url }) => dataSource(name, overrides[name] ?? url ?? ''),
    logger: log,
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const formatError = createFormatError(development, (e) => log.error({ err: e }, 'internal error'));
  const validationRules = [depthLimit(config.MAX_QUERY_DEPTH), aliasLimit(config.MAX_QUERY_ALIASES)];

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError,
    validationRules,
    parseOptions: { maxTokens: config.MAX_QUERY_TOKENS },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      requireIdentityPlugin(config.ANONYMOUS_INTROSPECTION),
      operationLogPlugin<GatewayContext>(
        { operations: metrics.requests, operationSeconds: metrics.seconds },
        (c) => ({ account: c.identity?.accountId }),
      ),
    ],
  });
  await apollo.start();

  const upstreamConnections = new UpstreamConnections(
    (identity) => forwarder.tokenFor(identity),
    config.SUBSCRIPTION_KEEPALIVE_MS || 12_000,
    log,
  );
  const engine = new SubscriptionEngine({
    connections: upstreamConnections,
    services: () => subscriptionServices,
    urlOf: (name) => urls.get(name),
    formatError,
    position: async (url, identity) =>
      feedPosition(url, { [IDENTITY_HEADER]: await forwarder.tokenFor(identity) }),
    log,
  });
  const subscriptions = serveSubscriptions({
    httpServer,
    authenticator,
    planner,
    engine,
    validationRules,
    maxTokens: config.MAX_QUERY_TOKENS,
    keepAliveMs: config.SUBSCRIPTION_KEEPALIVE_MS,
    recheckMs: config.SUBSCRIPTION_AUTH_RECHECK_SECONDS * 1000,
    bufferLimit: config.SUBSCRIPTION_BUFFER_LIMIT,
    formatError,
    log,
  });
  metrics.subscriptionGauges(() => ({ ...engine.stats(), sockets: subscriptions.sockets() }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get('/ready', (_req, res) => {
    const ready = urls.size > 0;
    res.status(ready ? 200 : 503).json({ ready, subgraphs: Object.fromEntries(urls) });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  if (config.IDE_ENABLED) mountIde(app, log);
  mountSubgraphRoutes(app, { authenticator, forwarder, urlOf: (name) => urls.get(name), log });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = req.header(REQUEST_ID_HEADER) ?? randomUUID();
        res.setHeader(REQUEST_ID_HEADER, requestId);
        try {
          const identity = await authenticator.authenticate(req.header('authorization'));
          return { identity, requestId, log: log.child({ requestId }) };
        } catch (e) {
          if (isDomainError(e)) {
            const status = e.code === 'UNAUTHENTICATED' ? 401 : 503;
            throw new GraphQLError(e.message, { extensions: { code: e.code, http: { status } } });
          }
          throw e;
        }
      },
    }),
  );

  await new Promise<void>((resolve) => httpServer.listen(config.PORT, config.HOST, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}/graphql`;
  log.info({ url, supergraph: config.SUPERGRAPH_PATH }, 'gateway listening');

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    config,
    log,
    app,
    httpServer,
    authenticator,
    close: () => {
      closing ??= (async () => {
        await subscriptions.dispose();
        await upstreamConnections.close();
        await apollo.stop();
        subgraphFetcher.close();
        log.info('stopped');
      })();
      return closing;
    },
  };
}

function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (s) =>
      s.kind === Kind.FIELD &&
      (s.name.value === '__schema' || s.name.value === '__type' || s.name.value === '__typename'),
  );
}

/** Everything but (optionally) introspection needs a verified identity. */
function requireIdentityPlugin(anonymousIntrospection: boolean): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          if (operation?.operation === 'subscription') {
            throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) on this same URL', {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
          if (contextValue.identity) return;
          if (anonymousIntrospection && operation && isIntrospectionOnly(operation)) return;
          throw new GraphQLError('A valid API token is required: send `Authorization: Bearer <token>`', {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
          });
        },
      };
    },
  };
}
