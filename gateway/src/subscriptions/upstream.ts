// The gateway's side of graphql-ws towards the subgraphs. One connection per subgraph, as the gateway's
// own service identity, multiplexing every subscriber's subscriptions: each subscription carries its
// subscriber's identity, signed fresh on every subscribe and verified by the subgraph, as over HTTP. (One
// connection per subscriber identity cost about 120 KB in the gateway and 70 KB in the subgraph each,
// measured with 1,000 tokens.) A subscription that loses its upstream (subgraph restarted, killed,
// network) subscribes again with `after` = the last cursor it delivered, so the client's subscription
// goes on without a gap or a duplicate.
import { type Identity, type Logger, serviceIdentity } from '@daas/kit';
import { Kind, parse, print, type StringValueNode } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { UpstreamEvent } from './event-execution.js';

/** Close codes after which a retry cannot help (the subgraph refused the identity or the request). */
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4406]);

export class UpstreamConnections {
  private readonly clients = new Map<string, { client: Client; users: number }>();

  constructor(
    /** signs an identity for the subgraphs (cached while fresh) */
    readonly sign: (identity: Identity) => Promise<string>,
    private readonly keepAliveMs: number,
  ) {}

  get open(): number {
    return this.clients.size;
  }

  acquire(url: string): { client: Client; release: () => void } {
    let entry = this.clients.get(url);
    if (!entry) {
      const created = {
        client: createClient({
          url: url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          lazy: true,
          lazyCloseTimeout: 1000,
          retryAttempts: 0,
          keepAlive: this.keepAliveMs,
          connectionParams: async () => ({ identity: await this.sign(serviceIdentity('gateway')) }),
        }),
        users: 0,
      };
      this.clients.set(url, created);
      entry = created;
    }
    const held = entry;
    held.users++;
    let released = false;
    return {
      client: held.client,
      release: () => {
        if (released) return;
        released = true;
        held.users--;
        if (held.users === 0) {
          this.clients.delete(url);
          void held.client.dispose();
        }
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.client.dispose()));
    this.clients.clear();
  }
}

export interface UpstreamHandlers {
  /** an event from the subgraph; the stream records its cursor once this resolves */
  onEvent: (event: UpstreamEvent) => Promise<string | null>;
  /** the subgraph ended the subscription (completed, or refused it with errors) */
  onEnd: (errors?: readonly { message: string; extensions?: Record<string, unknown> }[]) => void;
}

export interface UpstreamRequest {
  url: string;
  identity: Identity;
  query: string;
  variables: Record<string, unknown>;
  /** the client's variable bound to `after`, overridden on resume; otherwise `after` is set in the query */
  afterVariable: string | null;
  /**
   * Where the subscription starts when the client gave no `after`: the subgraph's feed position, asked
   * first, so that even a subscription that loses its upstream before its first event resumes without a gap.
   */
  startPosition?: () => Promise<string | null>;
}

/** One subscription to a subgraph that survives the loss of its connection. */
export class ResumableUpstream {
  private lastCursor: string | null = null;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  private release: (() => void) | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  reconnects = 0;

  constructor(
    private readonly connections: UpstreamConnections,
    private readonly request: UpstreamRequest,
    private readonly handlers: UpstreamHandlers,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.stopped) return;
    const startPosition = this.request.startPosition;
    if (startPosition && this.lastCursor === null && this.reconnects === 0) {
      this.request.startPosition = undefined;
      void startPosition()
        .catch(() => null)
        .then((cursor) => {
          this.lastCursor = cursor;
          this.start();
        });
      return;
    }
    this.connections.sign(this.request.identity).then(
      (identity) => this.subscribe(identity),
      (e: unknown) => {
        this.log.error({ err: (e as Error).message }, 'could not sign a subscriber identity');
        this.retry(false);
      },
    );
  }

  private subscribe(identity: string): void {
    if (this.stopped) return;
    const { client, release } = this.connections.acquire(this.request.url);
    this.release = release;
    const payload = { ...this.payload(), extensions: { identity } };
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
        // Events are handled strictly in order; the cursor moves only once the event is handed on.
        this.chain = this.chain.then(async () => {
          if (this.stopped) return;
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
          void this.chain.then(() => this.finish(err as { message: string }[]));
          return;
        }
        const code = (err as { code?: number } | null)?.code;
        if (code !== undefined && FATAL_CLOSE_CODES.has(code)) {
          void this.chain.then(() =>
            this.finish([
              { message: 'the subgraph refused the subscription', extensions: { code: 'INTERNAL' } },
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

  private finish(errors?: readonly { message: string; extensions?: Record<string, unknown> }[]): void {
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
    const delay = Math.min(5000, 100 * 2 ** Math.min(this.attempt++, 6));
    if (this.attempt === 1 || hadEvents) {
      this.log.warn(
        { service: this.request.url, after: this.lastCursor, delay },
        'subscription upstream lost; resuming',
      );
    }
    // Wait for the events already received to be handed on, so the resume cursor is the last delivered.
    void this.chain.then(() => {
      if (this.stopped) return;
      this.timer = setTimeout(() => this.start(), delay);
    });
  }

  private payload(): { query: string; variables: Record<string, unknown> } {
    const { query, variables, afterVariable } = this.request;
    if (!this.lastCursor) return { query, variables };
    if (afterVariable) return { query, variables: { ...variables, [afterVariable]: this.lastCursor } };
    return { query: withAfterLiteral(query, this.lastCursor), variables };
  }
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
