// The gateway: one endpoint for the whole platform. It authenticates, plans and executes federated
// operations from the supergraph file, enforces query limits, and holds no domain logic or database.
import { createServer, type Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
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
  listenOn,
  loadConfig,
  operationLogPlugin,
  requestIdFrom,
} from '@daas/kit';
import express, { type Express } from 'express';
import { GraphQLError } from 'graphql';
import { Authenticator } from './auth.js';
import { authOffIdentity } from './auth-mode.js';
import { type GatewayConfig, gatewayConfigShape, subgraphUrlOverrides } from './config.js';
import type { GatewayContext } from './context.js';
import { IdentityDataSource } from './data-source.js';
import { eaasProxy } from './eaas-proxy.js';
import { jsonBody, transportErrors, unknownPath } from './http-errors.js';
import { mountSubgraphRoutes } from './http-routes.js';
import { mountIde } from './ide.js';
import { IdentityForwarder } from './identity-forwarding.js';
import { aliasLimit, costLimit, depthLimit, tokenLimitError } from './limits.js';
import { gatewayMetrics, serveMetrics } from './metrics.js';
import { mountPortal } from './portal.js';
import { requestChecksPlugin } from './request-checks.js';
import { mountRestProxy } from './rest-proxy.js';
import { createSubgraphFetcher } from './subgraph-fetcher.js';
import { subgraphUrls } from './subgraph-urls.js';
import { SubscriptionEngine } from './subscriptions/engine.js';
import { SubscriptionPlanner } from './subscriptions/planning.js';
import { serveSubscriptions } from './subscriptions/transport.js';
import { feedPosition, UpstreamConnections } from './subscriptions/upstream.js';
import { fileSupergraph } from './supergraph-source.js';
import { createHttpsServer, tlsFiles } from './tls.js';

export interface RunningGateway {
  url: string;
  port: number;
  /** the same GraphQL endpoint over TLS, when the gateway has a certificate (TLS_CERT_FILE) */
  httpsUrl: string | null;
  httpsServer: HttpsServer | null;
  /** Prometheus' endpoint, on its own listener (METRICS_HOST:METRICS_PORT) */
  metricsUrl: string;
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
  const tls = tlsFiles(config);
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
    timeoutMs: config.AUTH_TIMEOUT_MS,
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
  // Clients keep idle connections for a few seconds (undici: 4 s) and reuse them; a server that closes an
  // idle one first races the next request written on it, which the client sees as a reset. Outlive them.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const httpsServer = tls ? createHttpsServer(tls, app) : null;
  const kitFormatError = createFormatError(development, (e) => log.error({ err: e }, 'internal error'));
  const formatError: typeof kitFormatError = (formatted, error) => {
    const tokens = tokenLimitError(error, config.MAX_QUERY_TOKENS);
    return tokens ? kitFormatError(tokens.toJSON(), tokens) : kitFormatError(formatted, error);
  };
  const validationRules = [depthLimit(config.MAX_QUERY_DEPTH), aliasLimit(config.MAX_QUERY_ALIASES)];

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger: log,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError,
    validationRules,
    parseOptions: { maxTokens: config.MAX_QUERY_TOKENS },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      requestChecksPlugin({
        anonymousIntrospection: config.ANONYMOUS_INTROSPECTION,
        maxCost: config.MAX_QUERY_COST,
      }),
      operationLogPlugin<GatewayContext>(
        { operations: metrics.requests, operationSeconds: metrics.seconds },
        { fields: (c) => ({ account: c.identity?.accountId }), identified: (c) => c.identity !== null },
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
  // the extension runner's websocket, on the same host as REST (docs/extensions.md)
  const eaas = eaasProxy(() => urls.get('extensions'), log);
  const subscriptions = serveSubscriptions({
    servers: httpsServer ? [httpServer, httpsServer] : [httpServer],
    otherUpgrades: eaas.handle,
    authenticator,
    planner,
    engine,
    // A subscription is validated once per document, before its variables are known: page sizes given
    // by variables count as the largest page there.
    validationRules: [...validationRules, costLimit(config.MAX_QUERY_COST)],
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
    // the subgraphs' addresses are the platform's inner layout: shown in development only
    res
      .status(ready ? 200 : 503)
      .json(development ? { ready, subgraphs: Object.fromEntries(urls) } : { ready });
  });
  if (config.IDE_ENABLED) mountIde(app, log);
  if (config.PORTAL_ENABLED) mountPortal(app, log);
  mountSubgraphRoutes(app, { authenticator, forwarder, urlOf: (name) => urls.get(name), log });
  mountRestProxy(app, config.REST_URL, log);
  app.use(
    '/graphql',
    jsonBody(),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = requestIdFrom(req, res);
        try {
          const identity = await authenticator.authenticate(req.header('authorization'));
          return { identity, requestId, log: log.child({ requestId }) };
        } catch (e) {
          if (isDomainError(e)) {
            // the token could not be checked: the partners subgraph failed, not the caller
            const [code, status] =
              e.code === 'UNAUTHENTICATED' ? [e.code, 401] : ['DOWNSTREAM_SERVICE_ERROR', 503];
            throw new GraphQLError(e.message, { extensions: { code, http: { status } } });
          }
          throw e;
        }
      },
    }),
  );
  app.use(unknownPath());
  app.use(transportErrors(log));

  // https first: /ready (on http) then means both listen
  let httpsUrl: string | null = null;
  if (httpsServer) {
    await listenOn(httpsServer, config.HTTPS_PORT, config.HOST, 'gateway (https)');
    httpsUrl = `https://${config.HOST}:${(httpsServer.address() as AddressInfo).port}/graphql`;
  }
  await listenOn(httpServer, config.PORT, config.HOST, 'gateway');
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.HOST}:${port}/graphql`;
  const metricsServer = await serveMetrics(metrics.registry, config.METRICS_PORT, config.METRICS_HOST);
  const metricsUrl = `http://${config.METRICS_HOST}:${(metricsServer.address() as AddressInfo).port}/metrics`;
  log.info({ url, httpsUrl, metrics: metricsUrl, supergraph: config.SUPERGRAPH_PATH }, 'gateway listening');

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    httpsUrl,
    httpsServer,
    metricsUrl,
    config,
    log,
    app,
    httpServer,
    authenticator,
    close: () => {
      closing ??= (async () => {
        eaas.close();
        await subscriptions.dispose();
        await upstreamConnections.close();
        await apollo.stop(); // drains the http listener
        if (httpsServer) {
          await new Promise((resolve) => {
            httpsServer.close(resolve);
            httpsServer.closeAllConnections();
          });
        }
        await new Promise((resolve) => {
          metricsServer.close(resolve);
          metricsServer.closeAllConnections();
        });
        subgraphFetcher.close();
        log.info('stopped');
      })();
      return closing;
    },
  };
}
