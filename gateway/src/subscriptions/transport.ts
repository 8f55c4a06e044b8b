// graphql-ws on the gateway's own /graphql path and port. The API token comes in `connection_init`
// (`{ "token": "SU-…:<secret>" }` or `{ "authorization": "Bearer …" }`) and is checked like an HTTP
// request's; a bad one closes the socket with graphql-ws' Forbidden (4403), final for clients. When the
// token cannot be checked (the partners subgraph or its database away) the close is 1013 Try Again Later,
// which graphql-ws clients and the SDK retry. Tokens are checked again every few seconds against the auth
// cache, so a revoked token's subscriptions end within the cache bound.

import type { IncomingMessage, Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import {
  CloseCode,
  type Identity,
  isDomainError,
  type Logger,
  newRequestId,
  PlatformCloseCode,
} from '@daas/kit';
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLFormattedError,
  getVariableValues,
  parse,
  type ValidationRule,
} from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Authenticator } from '../auth.js';
import { tokenLimitError } from '../limits.js';
import type { SubscriptionEngine } from './engine.js';
import type { PreparedSubscription, SubscriptionPlanner } from './planning.js';
import { SocketSink } from './socket-sink.js';

export interface TransportOptions {
  /** the listeners whose upgrades on /graphql are subscriptions: plain http, and https when served */
  servers: (Server | HttpsServer)[];
  /** upgrades on other paths that another part of the gateway answers (true: taken) */
  otherUpgrades?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  authenticator: Authenticator;
  planner: SubscriptionPlanner;
  engine: SubscriptionEngine;
  validationRules: readonly ValidationRule[];
  maxTokens: number;
  keepAliveMs: number;
  recheckMs: number;
  /** events one client may have pending before it is cut off as too slow */
  bufferLimit: number;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  log: Logger;
}

interface Connection {
  identity: Identity;
  token: string;
  socket: WebSocket;
}

interface OperationContext {
  /** the client's id for this subscription, spliced into each of its `next` frames */
  id: string;
  prepared: PreparedSubscription;
  query: string;
  identity: Identity;
  requestId: string;
  socket: WebSocket;
  /** the client asked for progress frames */
  progress: boolean;
}

export function serveSubscriptions(opts: TransportOptions): {
  dispose: () => Promise<void>;
  sockets: () => number;
} {
  const { authenticator, planner, engine, log } = opts;
  // One websocket server for every listener: upgrades from each are handed to it (ws refuses other paths).
  const wsServer = new WebSocketServer({ noServer: true, path: '/graphql' });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (opts.otherUpgrades?.(req, socket, head)) return;
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  };
  for (const server of opts.servers) server.on('upgrade', onUpgrade);
  const connections = new Map<Context, Connection>();

  const cleanup = useServer(
    {
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const token = params.token ?? params.authorization ?? params.Authorization;
        if (typeof token !== 'string') return false;
        const socket = (ctx.extra as { socket: WebSocket }).socket;
        try {
          const identity = await authenticator.authenticateToken(token);
          if (!identity) return false;
          connections.set(ctx, { identity, token, socket });
          return true;
        } catch (e) {
          if (isDomainError(e) && e.code === 'UNAUTHENTICATED') return false;
          // Not a verdict on the token: a client told Forbidden would give up on a good one.
          log.warn({ err: (e as Error).message }, 'subscription refused: authentication unavailable');
          socket.close(
            PlatformCloseCode.TryAgainLater,
            'Try Again Later: authentication is temporarily unavailable',
          );
          return false; // graphql-ws' own close (Forbidden) then finds the socket already closing
        }
      },
      onClose: (ctx) => {
        connections.delete(ctx);
      },
      onSubscribe: (ctx, id, payload): ExecutionArgs | readonly GraphQLError[] => {
        const connection = connections.get(ctx)!;
        // The client's faults get the codes HTTP gives them (docs/errors.md); what is left is ours.
        let planned: ReturnType<typeof planner.cached>;
        try {
          planned = planner.cached(payload.query, payload.operationName, opts.validationRules, (q) => {
            try {
              return parse(q, { maxTokens: opts.maxTokens });
            } catch (e) {
              return [tokenLimitError(e, opts.maxTokens) ?? parseFailed(e as GraphQLError)];
            }
          });
        } catch (e) {
          log.error({ err: e }, 'subscription could not be planned');
          return [
            new GraphQLError('the subscription could not be planned', { extensions: { code: 'INTERNAL' } }),
          ];
        }
        if (Array.isArray(planned)) return planned;
        const { document, prepared } = planned as { document: DocumentNode; prepared: PreparedSubscription };
        // Variables are checked here, as over HTTP, so a client mistake never travels upstream.
        const coerced = getVariableValues(
          prepared.schemas.apiGraphQL,
          prepared.operationContext.operation.variableDefinitions ?? [],
          payload.variables ?? {},
        );
        if (coerced.errors) return coerced.errors.map(badVariable);
        const contextValue: OperationContext = {
          id,
          prepared,
          query: payload.query,
          identity: connection.identity,
          requestId: newRequestId(),
          socket: connection.socket,
          progress: payload.extensions?.progress === true,
        };
        return {
          schema: prepared.schemas.apiGraphQL,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? {},
          contextValue,
        };
      },
      subscribe: (args) => {
        const op = args.contextValue as OperationContext;
        log.info(
          { requestId: op.requestId, account: op.identity.accountId, service: op.prepared.service },
          'subscription started',
        );
        // Events are written by the sink itself; graphql-ws completes the subscription when it ends.
        const sink = new SocketSink(
          op.socket,
          op.id,
          opts.bufferLimit,
          (limit) => {
            log.warn({ account: op.identity.accountId, limit }, 'slow subscriber disconnected');
            op.socket.close(
              PlatformCloseCode.SlowConsumer,
              `Slow consumer: more than ${limit} events pending; reconnect and resume with after`,
            );
          },
          op.progress,
        );
        return (
          engine.subscribe({
            prepared: op.prepared,
            document: args.document,
            query: op.query,
            operationName: args.operationName ?? null,
            variables: (args.variableValues ?? {}) as Record<string, unknown>,
            identity: op.identity,
            requestId: op.requestId,
            sink,
          }) ?? sink
        );
      },
      execute: () => {
        throw new Error('unreachable: non-subscription operations are refused in onSubscribe');
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => opts.formatError(e.toJSON(), e)),
    },
    wsServer,
    opts.keepAliveMs,
  );

  // Revocation: ask the authenticator again (a cache hit while the verdict is fresh); a token found
  // invalid closes its sockets. One sweep for all connections, not a timer each.
  const recheck = setInterval(() => {
    for (const [ctx, c] of connections) void recheckOne(ctx, c);
  }, opts.recheckMs);
  recheck.unref();

  async function recheckOne(ctx: Context, c: Connection): Promise<void> {
    try {
      if (await authenticator.authenticateToken(c.token)) return;
    } catch (e) {
      if (isDomainError(e) && e.code !== 'UNAUTHENTICATED') return; // auth briefly unavailable: keep
    }
    connections.delete(ctx);
    c.socket.close(CloseCode.Forbidden, 'Forbidden: the API token is no longer valid');
  }

  return {
    sockets: () => wsServer.clients.size,
    dispose: async () => {
      clearInterval(recheck);
      for (const server of opts.servers) server.off('upgrade', onUpgrade);
      engine.close();
      await cleanup.dispose();
    },
  };
}

/** A syntax error, as Apollo answers it over HTTP. */
function parseFailed(e: GraphQLError): GraphQLError {
  return new GraphQLError(e.message, {
    source: e.source,
    positions: e.positions,
    extensions: { code: 'GRAPHQL_PARSE_FAILED' },
  });
}

/** A variable's value does not fit its type: BAD_USER_INPUT, as over HTTP. */
function badVariable(e: GraphQLError): GraphQLError {
  return new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT' } });
}
