// Builds and runs a subgraph from its parts, the same way for all four, in named steps (one file each in
// server/): the shared parts and the subgraph's env, the change feed, the HTTP server, graphql-ws on
// /graphql, Apollo, the operational routes, the subgraph's own routes, /graphql over HTTP, listening; and
// closing in the reverse order.
import { buildSubgraphSchema } from '@apollo/subgraph';
import { exitOnConfigError, loadConfig, subgraphConfigShape } from './config.js';
import { createFormatError } from './format-error.js';
import type { Identity } from './identity.js';
import { exitOnPortError } from './listen.js';
import { logProcessEvents } from './logger.js';
import { startApollo } from './server/apollo.js';
import { closeServer, createHttpServer, listen, mountGraphql, mountServiceRoutes } from './server/http.js';
import { assembleKit, startChangeFeed } from './server/kit-env.js';
import type { ContextFactory, RunningSubgraph, SubgraphEnv, SubgraphSpec } from './server/spec.js';
import { serveSubscriptions } from './server/websocket.js';
import { guardTextArguments } from './text.js';

export { assembleKit } from './server/kit-env.js';
export { requireIdentity } from './server/require-identity.js';
export type { IndexedModel, KitEnv, RunningSubgraph, SubgraphSpec, UpgradeHandler } from './server/spec.js';

export async function startSubgraph<Env extends SubgraphEnv, Loaders>(
  spec: SubgraphSpec<Env, Loaders>,
  processEnv: Record<string, string | undefined> = process.env,
): Promise<RunningSubgraph> {
  const { kit, env } = assembleKit(spec, processEnv);
  const { log, metrics } = kit;
  const feed = startChangeFeed(kit);

  // every text argument of every field is printable and bounded before a resolver sees it (text.ts)
  const schema = guardTextArguments(
    buildSubgraphSchema([{ typeDefs: spec.typeDefs, resolvers: spec.resolvers }]),
  );
  const loadersFor = (identity: Identity, requestId: string) => spec.createLoaders(env, identity, requestId);
  const contextFor: ContextFactory<Env, Loaders> = (identity, requestId) => ({
    identity,
    requestId,
    log: log.child({ requestId }),
    env,
    loaders: loadersFor(identity, requestId),
  });
  const formatError = createFormatError(kit.config.NODE_ENV !== 'production', (e) =>
    log.error({ err: e }, 'internal error'),
  );

  const { app, httpServer } = createHttpServer();
  const subscriptions = serveSubscriptions({
    httpServer,
    schema,
    signer: kit.signer,
    contextFor,
    loadersFor,
    formatError,
    log,
    otherUpgrades: spec.upgrade?.(kit, env),
  });
  const apollo = await startApollo<Env, Loaders>({ schema, httpServer, formatError, metrics, subscriptions });
  mountServiceRoutes(app, kit, feed);
  spec.routes?.(app, kit, env);
  mountGraphql(app, kit, apollo, contextFor);
  const { url, port } = await listen(httpServer, kit);

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
        await spec
          .stop?.(kit, env)
          .catch((e: unknown) =>
            log.error({ err: (e as Error).message }, 'stopping the subgraph’s own parts failed'),
          );
        await feed.settled;
        await kit.changes.stop();
        await kit.db.close();
        log.info('stopped');
      })();
      return closing;
    },
  };
}

/** Entry point helper: start, log fatal errors plainly, stop cleanly on SIGINT/SIGTERM. */
export async function runSubgraphMain<Env extends SubgraphEnv, Loaders>(
  spec: SubgraphSpec<Env, Loaders>,
): Promise<void> {
  exitOnConfigError(() => loadConfig(subgraphConfigShape(spec.defaultPort)));
  const running = await exitOnPortError(startSubgraph(spec));
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
