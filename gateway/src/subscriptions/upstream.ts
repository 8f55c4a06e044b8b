// The gateway's side of graphql-ws towards the subgraphs. One connection per subgraph, as the gateway's
// own service identity, multiplexing every subscriber's subscriptions: each subscription carries its
// subscriber's identity, signed fresh on every subscribe and verified by the subgraph, as over HTTP. (One
// connection per subscriber identity cost about 120 KB in the gateway and 70 KB in the subgraph each,
// measured with 1,000 tokens.) A subscription that loses its upstream (subgraph restarted, killed,
// stopped, network) subscribes again with `after` = the last cursor it handed on, so the client's
// subscription goes on without a gap or a duplicate (docs/subscriptions.md, "Resume").
import { CloseCode, type Identity, type Logger, serviceIdentity } from '@daas/kit';
import { Kind, parse, print, type StringValueNode } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { UpstreamEvent } from './event-execution.js';

/** Close codes after which a retry cannot help (the subgraph refused the identity or the request). */
const FATAL_CLOSE_CODES = new Set<number>([
  CloseCode.BadRequest,
  CloseCode.Unauthorized,
  CloseCode.Forbidden,
  CloseCode.SubprotocolNotAcceptable,
]);

/** Waits between reconnects and start-position attempts: 100 ms doubling to 5 s. */
export function backoffMs(attempt: number): number {
  return Math.min(5000, 100 * 2 ** Math.min(attempt, 6));
}

type UpstreamError = { message: string; extensions?: Record<string, unknown> };

interface Connection {
  client: Client;
  users: number;
}

export class UpstreamConnections {
  private readonly clients = new Map<string, Connection>();
  private readonly socketImpl: unknown;

  constructor(
    /** signs an identity for the subgraphs (cached while fresh) */
    readonly sign: (identity: Identity) => Promise<string>,
    /**
     * The keep-alive: a ping this long after the last pong, and a pong expected within as long again, so
     * a subgraph that stops answering on an open socket is found dead within twice this. Also the bound on
     * the websocket handshake and on the subgraph's connection_ack.
     */
    private readonly keepAliveMs: number,
    private readonly log: Logger,
  ) {
    // graphql-ws constructs the socket itself: a subclass is how ws' handshake timeout gets in (a stopped
    // subgraph's kernel still accepts TCP connections, and nothing ever answers the upgrade).
    this.socketImpl = class extends WebSocket {
      constructor(address: string | URL, protocols?: string | string[]) {
        super(address, protocols, { handshakeTimeout: keepAliveMs });
      }
    };
  }

  get open(): number {
    return this.clients.size;
  }

  acquire(url: string): { client: Client; release: () => void } {
    let held = this.clients.get(url);
    if (!held) {
      held = { client: this.connect(url), users: 0 };
      this.clients.set(url, held);
    }
    const entry = held;
    entry.users++;
    let released = false;
    return {
      client: entry.client,
      release: () => {
        if (released) return;
        released = true;
        entry.users--;
        if (entry.users > 0) return;
        if (this.clients.get(url) === entry) this.clients.delete(url);
        // dispose() waits for a connection still opening, which may fail: nothing to report then
        Promise.resolve(entry.client.dispose()).catch(() => {});
      },
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.clients.values()].map(async (c) => c.client.dispose()));
    this.clients.clear();
  }

  private connect(url: string): Client {
    let socket: WebSocket | null = null;
    let pongWait: NodeJS.Timeout | null = null;
    const stopWaiting = () => {
      if (pongWait) clearTimeout(pongWait);
      pongWait = null;
    };
    return createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: this.socketImpl as typeof WebSocket,
      lazy: true,
      lazyCloseTimeout: 1000,
      retryAttempts: 0,
      keepAlive: this.keepAliveMs,
      connectionAckWaitTimeout: this.keepAliveMs,
      connectionParams: async () => ({ identity: await this.sign(serviceIdentity('gateway')) }),
      on: {
        opened: (s) => {
          socket = s as WebSocket;
        },
        // A subgraph that stops answering (SIGSTOP, a network stall) leaves the socket open and silent:
        // without this its subscriptions would wait forever. Ending the socket makes each of them resume.
        ping: (received) => {
          if (received) return;
          stopWaiting();
          const stalled = socket;
          pongWait = setTimeout(() => {
            this.log.warn(
              { url, waitedMs: this.keepAliveMs },
              'subscription upstream missed a pong; reconnecting',
            );
            stalled?.terminate();
          }, this.keepAliveMs);
        },
        pong: (received) => {
          if (received) stopWaiting();
        },
        closed: () => {
          stopWaiting();
          socket = null;
        },
      },
    });
  }
}

export interface UpstreamHandlers {
  /** an event from the subgraph; the stream records its cursor once this resolves */
  onEvent: (event: UpstreamEvent) => Promise<string | null>;
  /** a progress frame: the subscription's position moved to `cursor` with nothing to deliver */
  onProgress: (cursor: string) => void;
  /** the subgraph ended the subscription (completed, or refused it with errors) */
  onEnd: (errors?: readonly UpstreamError[]) => void;
}

export interface UpstreamRequest {
  /** the owning subgraph's URL now, asked at each (re)connect: a supergraph reload may have moved it */
  url: () => string | undefined;
  identity: Identity;
  /** the subscriber's request id, passed on so the subgraph's log lines about it carry the same id */
  requestId: string;
  query: string;
  variables: Record<string, unknown>;
  /** the client's variable bound to `after`, overridden on resume; otherwise `after` is set in the query */
  afterVariable: string | null;
  /**
   * Where the subscription starts when the client gave no `after`: the subgraph's feed position, asked
   * first (and again, with backoff, until it is known), so that even a subscription that loses its
   * upstream before its first event resumes without a gap.
   */
  startPosition?: (url: string) => Promise<string>;
}

/** One subscription to a subgraph that survives the loss of its connection. */
export class ResumableUpstream {
  private lastCursor: string | null = null;
  private startPosition: ((url: string) => Promise<string>) | undefined;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  private release: (() => void) | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** events and progress are handled strictly in order; this never rejects (see `enqueue`) */
  private chain: Promise<void> = Promise.resolve();
  reconnects = 0;

  constructor(
    private readonly connections: UpstreamConnections,
    private readonly request: UpstreamRequest,
    private readonly handlers: UpstreamHandlers,
    private readonly log: Logger,
  ) {
    this.startPosition = request.startPosition;
  }

  start(): void {
    if (this.stopped) return;
    const url = this.request.url();
    if (!url) {
      this.log.warn({ attempt: this.attempt }, 'subscription upstream has no route; retrying');
      this.later();
      return;
    }
    const startPosition = this.startPosition;
    if (startPosition) {
      // Never subscribe without knowing where from: that would be a gap if the upstream were lost
      // before its first event.
      startPosition(url).then(
        (cursor) => {
          this.startPosition = undefined;
          this.lastCursor = cursor;
          this.attempt = 0;
          this.start();
        },
        (e: unknown) => {
          this.log.warn({ url, err: (e as Error).message }, 'feed position unavailable; retrying');
          this.later();
        },
      );
      return;
    }
    this.connections.sign(this.request.identity).then(
      (identity) => this.subscribe(url, identity),
      (e: unknown) => {
        this.log.error({ err: (e as Error).message }, 'could not sign a subscriber identity');
        this.retry(false);
      },
    );
  }

  private subscribe(url: string, identity: string): void {
    if (this.stopped) return;
    const { client, release } = this.connections.acquire(url);
    this.release = release;
    // `progress`: the subgraph may tell a quiet subscription how far it has come (progressOf, below).
    const payload = {
      ...this.payload(),
      extensions: { identity, progress: true, requestId: this.request.requestId },
    };
    let delivered = false;
    let fellBehind = false;
    this.unsubscribe = client.subscribe<Record<string, unknown>>(payload, {
      next: (result) => {
        // The subgraph ends a subscriber that falls too far behind; the gateway resumes it from its cursor.
        if (result.errors?.some((e) => e.extensions?.code === 'LIMIT_EXCEEDED')) {
          fellBehind = true;
          return;
        }
        delivered = true;
        this.attempt = 0;
        const progress = progressOf(result);
        // The cursor moves only once what came before is handed on.
        this.enqueue(async () => {
          if (progress !== null) {
            this.lastCursor = progress;
            this.handlers.onProgress(progress);
            return;
          }
          const cursor = await this.handlers.onEvent(result as UpstreamEvent);
          if (cursor) this.lastCursor = cursor;
        });
      },
      complete: () => {
        if (fellBehind) this.retry(delivered);
        else void this.chain.then(() => this.finish());
      },
      error: (err) => {
        if (Array.isArray(err)) {
          void this.chain.then(() => this.finish(err as UpstreamError[]));
          return;
        }
        const code = (err as { code?: number } | null)?.code;
        if (code !== undefined && FATAL_CLOSE_CODES.has(code)) {
          // e.g. the subgraph refused the gateway's own identity (keys out of step): the subgraph's
          // failure, not the client's, as over HTTP
          void this.chain.then(() =>
            this.finish([
              {
                message: 'the subgraph refused the subscription',
                extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' },
              },
            ]),
          );
          return;
        }
        this.retry(delivered);
      },
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.release?.();
    this.release = null;
  }

  /**
   * Runs `step` after everything received before it. A step that throws ends the subscription with an
   * error: a rejected chain would silently skip every later event.
   */
  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain
      .then(() => (this.stopped ? undefined : step()))
      .catch((e: unknown) => {
        this.log.error({ err: (e as Error).message }, 'subscription event could not be handed on');
        this.finish([{ message: 'the subscription failed', extensions: { code: 'INTERNAL' } }]);
      });
  }

  private finish(errors?: readonly UpstreamError[]): void {
    if (this.stopped) return;
    this.stop();
    this.handlers.onEnd(errors);
  }

  private retry(hadEvents: boolean): void {
    if (this.stopped) return;
    this.unsubscribe = null;
    this.release?.();
    this.release = null;
    this.reconnects++;
    if (this.attempt === 0 || hadEvents) {
      this.log.warn(
        { service: this.request.url(), after: this.lastCursor, delay: backoffMs(this.attempt) },
        'subscription upstream lost; resuming',
      );
    }
    // Wait for the events already received to be handed on, so the resume cursor is the last delivered.
    void this.chain.then(() => this.later());
  }

  /** start() again after the backoff */
  private later(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.start(), backoffMs(this.attempt++));
  }

  private payload(): { query: string; variables: Record<string, unknown> } {
    const { query, variables, afterVariable } = this.request;
    if (!this.lastCursor) return { query, variables };
    if (afterVariable) return { query, variables: { ...variables, [afterVariable]: this.lastCursor } };
    return { query: withAfterLiteral(query, this.lastCursor), variables };
  }
}

/**
 * The cursor of a progress frame, `{"extensions":{"progress":"<cursor>"}}` (no data, no errors): the
 * subscription's position advanced there and resuming from it misses nothing. Null for an event.
 */
export function progressOf(result: object): string | null {
  if ('data' in result || 'errors' in result) return null;
  const { extensions } = result as { extensions?: { progress?: unknown } | null };
  const progress = extensions?.progress;
  return typeof progress === 'string' ? progress : null;
}

/** The subgraph's feed position (`GET /feed/position`); throws when it cannot be had. */
export async function feedPosition(url: string, identityHeader: Record<string, string>): Promise<string> {
  const res = await fetch(url.replace(/\/graphql$/, '/feed/position'), {
    headers: identityHeader,
    signal: AbortSignal.timeout(2000),
  });
  if (!res.ok) throw new Error(`feed position: HTTP ${res.status}`);
  const body = (await res.json()) as { cursor?: unknown };
  if (typeof body.cursor !== 'string') throw new Error('feed position: no cursor');
  return body.cursor;
}

/** The primary operation with its root field's `after` argument set to `cursor`. */
export function withAfterLiteral(query: string, cursor: string): string {
  const doc = parse(query);
  const value: StringValueNode = { kind: Kind.STRING, value: cursor };
  const definitions = doc.definitions.map((def) => {
    if (def.kind !== Kind.OPERATION_DEFINITION) return def;
    const [root, ...others] = def.selectionSet.selections;
    if (root?.kind !== Kind.FIELD) return def;
    const args = (root.arguments ?? []).filter((a) => a.name.value !== 'after');
    const withAfter = {
      ...root,
      arguments: [...args, { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'after' }, value }],
    };
    return { ...def, selectionSet: { ...def.selectionSet, selections: [withAfter, ...others] } };
  });
  return print({ ...doc, definitions } as typeof doc);
}
