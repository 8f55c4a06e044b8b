// A thin client for the platform's one endpoint: typed queries and mutations over HTTP, typed
// subscriptions over graphql-ws that survive disconnects. Types come from the generated documents,
// so `client.request(ViewerDocument)` is typed end to end.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type Client, CloseCode, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { type ErrorCode, PlatformError, type PlatformGraphQLError } from './errors.js';

export interface PlatformClientOptions {
  /** the gateway's endpoint, e.g. http://127.0.0.1:4000/graphql (the websocket is the same URL) */
  url: string;
  /** an API token, `SU-…:<secret>` */
  token: string;
  /** how often a lost websocket is reopened before subscriptions fail (default: 20, backing off) */
  retryAttempts?: number;
  /** called when the websocket (re)connects; `reconnected` is false the first time */
  onConnected?: (reconnected: boolean) => void;
}

type Variables = Record<string, unknown>;
// Variables may be omitted when the operation has none.
type VariablesArg<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

export interface SubscribeOptions<TData> {
  /** resume after this cursor: first every missed event, in order, then live ones */
  after?: string | null;
  /** where an event keeps its cursor (default: the `cursor` field of the first root field) */
  cursorOf?: (data: TData) => string | null | undefined;
}

export interface Subscription<TData> extends AsyncIterable<TData> {
  /**
   * Where to resume after a restart (store it): the cursor of the last event delivered, or of a later
   * progress frame (the gateway's word that nothing for this subscription came in between), so a quiet
   * subscription's cursor stays recent too.
   */
  readonly lastCursor: string | null;
  close(): void;
}

export class PlatformClient {
  private ws: Client | null = null;

  constructor(private readonly options: PlatformClientOptions) {}

  async request<TData, TVariables extends Variables>(
    document: TypedDocumentNode<TData, TVariables>,
    ...[variables]: VariablesArg<TVariables>
  ): Promise<TData> {
    const res = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${this.options.token}`,
      },
      body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
    });
    const body = (await res.json().catch(() => ({}))) as {
      data?: TData | null;
      errors?: PlatformGraphQLError[];
    };
    if (body.errors?.length || body.data == null) throw new PlatformError(body.errors ?? [], res.status);
    return body.data;
  }

  /**
   * Events of a subscription, as an async iterable. When the socket drops, the client reconnects and
   * subscribes again with `after` set to the last cursor it delivered, so nothing is lost or repeated
   * (the operation must declare `$after` and pass it to the field). It asks for progress frames and
   * takes their cursor the same way, without yielding anything for them.
   */
  subscribe<TData, TVariables extends Variables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    options: SubscribeOptions<TData> = {},
  ): Subscription<TData> {
    const cursorOf = options.cursorOf ?? firstFieldCursor;
    // graphql-ws sends this very object again on every reconnect: keeping `after` current in it is
    // what turns its reconnect into a resume.
    const payload = {
      query: print(document),
      variables: { ...variables, ...(options.after ? { after: options.after } : {}) } as Variables,
      extensions: { progress: true },
    };
    let lastCursor: string | null = options.after ?? null;
    const advance = (cursor: string) => {
      lastCursor = cursor;
      payload.variables = { ...payload.variables, after: cursor };
    };
    const events = this.socket().iterate<TData>(payload);
    const iterator: AsyncIterator<TData> = {
      async next() {
        for (;;) {
          const result = await events.next().catch((e: unknown) => {
            throw toPlatformError(e);
          });
          if (result.done) return { done: true, value: undefined };
          // Frames arrive in order: a progress cursor comes after every event already yielded.
          const progress = progressOf(result.value);
          if (progress !== null) {
            advance(progress);
            continue;
          }
          const { data, errors } = result.value;
          if (errors?.length || data == null)
            throw new PlatformError((errors ?? []) as readonly PlatformGraphQLError[]);
          const cursor = cursorOf(data as TData);
          if (cursor) advance(cursor);
          return { done: false, value: data as TData };
        }
      },
      async return() {
        await events.return?.();
        return { done: true, value: undefined };
      },
    };
    return {
      get lastCursor() {
        return lastCursor;
      },
      close: () => void events.return?.(),
      [Symbol.asyncIterator]: () => iterator,
    };
  }

  /** Closes the websocket (ending every subscription); HTTP requests keep working. */
  async close(): Promise<void> {
    await this.ws?.dispose();
    this.ws = null;
  }

  private socket(): Client {
    this.ws ??= createClient({
      url: this.options.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      connectionParams: { authorization: `Bearer ${this.options.token}` },
      retryAttempts: this.options.retryAttempts ?? 20,
      // A closed socket is retried (1013 Try Again Later: the token could not be checked now; 4413: too
      // slow; a lost network), except the gateway's 4403 Forbidden, a verdict on the token, and the
      // protocol errors graphql-ws itself takes as final (4400, 4401, 4500…).
      shouldRetry: (e) => !(isCloseEvent(e) && e.code === CloseCode.Forbidden),
      on: { connected: (_socket, _payload, reconnected) => this.options.onConnected?.(reconnected) },
    });
    return this.ws;
  }
}

// graphql-ws fails a subscription with the server's GraphQL errors, or with the close event when the
// socket could not be kept (4403: the gateway refused the token).
function toPlatformError(e: unknown): PlatformError {
  if (e instanceof PlatformError) return e;
  if (Array.isArray(e)) return new PlatformError(e as PlatformGraphQLError[]);
  if (isCloseEvent(e)) {
    const code: ErrorCode = e.code === CloseCode.Forbidden ? 'UNAUTHENTICATED' : 'UNAVAILABLE';
    const reason = (e as { reason?: string }).reason || `websocket closed (${e.code})`;
    return new PlatformError([{ message: reason, extensions: { code } }]);
  }
  const message = e instanceof Error ? e.message : String(e);
  const code: ErrorCode = 'UNAVAILABLE';
  return new PlatformError([{ message, extensions: { code } }]);
}

function isCloseEvent(e: unknown): e is { code: number } {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number';
}

/** The cursor of a progress frame: a result with `extensions.progress` and neither data nor errors. */
function progressOf(result: object): string | null {
  if ('data' in result || 'errors' in result) return null;
  const progress = (result as { extensions?: { progress?: unknown } }).extensions?.progress;
  return typeof progress === 'string' ? progress : null;
}

function firstFieldCursor(data: unknown): string | null {
  const first = Object.values(data as Record<string, unknown>)[0] as { cursor?: unknown } | null;
  return typeof first?.cursor === 'string' ? first.cursor : null;
}
