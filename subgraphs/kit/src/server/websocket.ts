// graphql-ws on the subgraph's /graphql path. Who a websocket connected as is its connection_init
// identity; who each subscription runs as may differ: the gateway multiplexes many subscribers over one
// connection, each subscription carrying its subscriber's signed identity in `extensions.identity`
// (docs/subscriptions.md). Both are checked like the identity header over HTTP.
import type { Server } from 'node:http';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { SubgraphContext } from '../context.js';
import type { Identity, IdentitySigner } from '../identity.js';
import type { Logger } from '../logger.js';
import { requestIdOf } from '../request-id.js';
import { subscribeWithProgress } from '../subscriptions.js';
import type { ContextFactory, UpgradeHandler } from './spec.js';

export interface SubscriptionServerOptions<Env, Loaders> {
  httpServer: Server;
  schema: GraphQLSchema;
  signer: IdentitySigner;
  contextFor: ContextFactory<Env, Loaders>;
  /** fresh loaders for the next event of a long-lived subscription context */
  loadersFor: (identity: Identity, requestId: string) => Loaders;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  log: Logger;
  /** takes upgrades on other paths (SubgraphSpec.upgrade) */
  otherUpgrades?: UpgradeHandler;
}

type Who = { identity: Identity; requestId: string };

/** Step 4 of startSubgraph. Returns what drains the subscriptions at shutdown. */
export function serveSubscriptions<Env, Loaders>(
  opts: SubscriptionServerOptions<Env, Loaders>,
): {
  dispose: () => Promise<void> | void;
} {
  const { signer, formatError, log } = opts;
  // One upgrade listener routes by path: two servers attached to one HTTP server would both answer an
  // upgrade (the one whose path does not match refuses it with 400 while the other accepts it).
  const wsServer = new WebSocketServer({ noServer: true });
  opts.httpServer.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/graphql') {
      wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
    } else if (!opts.otherUpgrades?.(req, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });
  // Keyed by the socket's context and by the subscribe message's payload, so nothing outlives a
  // subscription that fails validation.
  const connectedAs = new WeakMap<object, Who>();
  const subscribedAs = new WeakMap<object, Who>();
  return useServer(
    {
      schema: opts.schema,
      onConnect: async (ctx: WsContext) => {
        const token = ctx.connectionParams?.identity;
        if (typeof token !== 'string') return false;
        try {
          const identity = await signer.verify(token);
          connectedAs.set(ctx, { identity, requestId: requestIdOf(ctx.connectionParams?.requestId) });
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
          subscribedAs.set(payload, { identity, requestId: requestIdOf(payload.extensions?.requestId) });
        } catch {
          return [
            new GraphQLError("the subscription's identity is missing, invalid or expired", {
              extensions: { code: 'UNAUTHENTICATED' },
            }),
          ];
        }
      },
      context: (ctx, _id, payload) => {
        const who = subscribedAs.get(payload) ?? connectedAs.get(ctx)!;
        const context: SubgraphContext<Env, Loaders> & { feedProgress?: boolean } = opts.contextFor(
          who.identity,
          who.requestId,
        );
        // `extensions.progress: true` asks for progress frames (docs/change-feed.md, "Progress")
        if (payload.extensions?.progress === true) context.feedProgress = true;
        // One context lives as long as the subscription: each event gets fresh loaders (no stale cache).
        context.renewLoaders = () => {
          context.loaders = opts.loadersFor(who.identity, who.requestId);
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
}
