// The HTTP side of startSubgraph: the server, its operational routes, /graphql, listening and closing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express } from 'express';
import { encodeCursor } from '../changes/cursor.js';
import type { SubgraphContext } from '../context.js';
import type { Identity } from '../identity.js';
import { listenOn } from '../listen.js';
import type { ChangeFeedStart } from './kit-env.js';
import { requireIdentity } from './require-identity.js';
import type { ContextFactory, KitEnv } from './spec.js';

/** Step 3: an Express app on a Node server, not listening yet (websockets attach to the same server). */
export function createHttpServer(): { app: Express; httpServer: Server } {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  // The gateway keeps connections to subgraphs alive and reuses them; a server closing an idle one at
  // the moment a request is written on it gives the gateway "socket hang up". Outlive the client's idle.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  return { app, httpServer };
}

/** Step 6: /health, /ready, /metrics (no identity) and /feed/position (with one). */
export function mountServiceRoutes(app: Express, kit: KitEnv, feed: ChangeFeedStart): void {
  const { db, changes, metrics } = kit;
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: kit.name });
  });
  app.get('/ready', async (_req, res) => {
    const dbReady = await db.isReady();
    const changeFeed = feed.running();
    const ready = dbReady && changeFeed;
    res.status(ready ? 200 : 503).json({ ready, database: dbReady, changeFeed });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  // Where this process's feed reader stands: the gateway starts a subscription from here, so that one
  // losing its upstream before its first event still resumes without a gap (docs/subscriptions.md).
  app.get('/feed/position', requireIdentity(kit.signer), async (_req, res) => {
    await changes.hub.started; // before that the position is unknown
    res.json({ cursor: encodeCursor(changes.hub.currentPosition()) });
  });
}

/** Step 7 (after the subgraph's own routes): queries and mutations over HTTP, behind the identity check. */
export function mountGraphql<Env, Loaders>(
  app: Express,
  kit: KitEnv,
  apollo: ApolloServer<SubgraphContext<Env, Loaders>>,
  contextFor: ContextFactory<Env, Loaders>,
): void {
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    requireIdentity(kit.signer),
    expressMiddleware(apollo, {
      context: async ({ res }) => contextFor(res.locals.identity as Identity, res.locals.requestId as string),
    }),
  );
}

/** Step 8: listens on HOST:PORT (PORT 0: any free port) and says where. */
export async function listen(httpServer: Server, kit: KitEnv): Promise<{ url: string; port: number }> {
  const { HOST, PORT } = kit.config;
  await listenOn(httpServer, PORT, HOST, `${kit.name} subgraph`);
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${HOST}:${port}/graphql`;
  kit.log.info({ url, db: kit.db.name }, `${kit.name} subgraph listening`);
  return { url, port };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
