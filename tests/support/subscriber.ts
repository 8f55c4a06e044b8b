// A graphql-ws client for tests and benchmarks: one socket, one subscription, every message kept.
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface Received<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export interface SubscriberOptions {
  /** ask for progress frames (`extensions: { progress: true }`); they land in `progress`, not `events` */
  progress?: boolean;
  /** which operation of the document to run */
  operationName?: string;
}

export class Subscriber<T = Record<string, unknown>> {
  readonly events: Received<T>[] = [];
  /** each progress frame's cursor, with how many events had arrived before it */
  readonly progress: { cursor: string; afterEvents: number }[] = [];
  completed = false;
  /** the gateway acknowledged the connection (the token was accepted) */
  connected = false;
  /** the close code when the socket was closed on us (4403: Forbidden, 4413: slow consumer) */
  closeCode: number | null = null;
  closeReason = '';
  /** errors sent as a graphql-ws `error` message (the operation was refused) */
  refused: { message: string; extensions?: Record<string, unknown> }[] | null = null;
  private readonly client: Client;
  private waiters: (() => void)[] = [];

  constructor(
    gatewayUrl: string,
    token: string,
    query: string,
    variables: Record<string, unknown> = {},
    options: SubscriberOptions = {},
  ) {
    this.client = createClient({
      url: gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { token },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      on: {
        connected: () => {
          this.connected = true;
          this.notify();
        },
        closed: (e) => {
          const ev = e as { code?: number; reason?: string };
          this.closeCode ??= ev.code ?? null;
          this.closeReason ||= ev.reason ?? '';
          this.notify();
        },
      },
    });
    this.client.subscribe<T>(
      {
        query,
        variables,
        ...(options.operationName ? { operationName: options.operationName } : {}),
        ...(options.progress ? { extensions: { progress: true } } : {}),
      },
      {
        next: (value) => {
          const progress = (value.extensions as { progress?: unknown } | undefined)?.progress;
          if (!('data' in value) && !('errors' in value) && typeof progress === 'string') {
            this.progress.push({ cursor: progress, afterEvents: this.events.length });
          } else {
            this.events.push(value as Received<T>);
          }
          this.notify();
        },
        error: (err) => {
          if (Array.isArray(err)) this.refused = err;
          else {
            const ev = err as { code?: number; reason?: string };
            this.closeCode ??= ev.code ?? -1;
            this.closeReason ||= ev.reason ?? '';
          }
          this.notify();
        },
        complete: () => {
          this.completed = true;
          this.notify();
        },
      },
    );
  }

  /** The `data` of every event received, in order. */
  data(): T[] {
    return this.events.map((e) => e.data).filter((d): d is T => !!d);
  }

  /** Resolves once `predicate` holds, or rejects after `ms` with what was received so far. */
  async until(predicate: (s: this) => boolean, ms = 20_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out waiting for ${what}: ${this.events.length} events, close ${this.closeCode}, ` +
            `refused ${JSON.stringify(this.refused)}, last ${JSON.stringify(this.events.at(-1))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  count(n: number, ms?: number): Promise<void> {
    return this.until((s) => s.events.length >= n, ms, `${n} events`);
  }

  /** Sends connection_init and waits for the ack, so that a later change is certainly heard. */
  static async ready<T>(s: Subscriber<T>, settleMs = 300): Promise<Subscriber<T>> {
    await new Promise((r) => setTimeout(r, settleMs));
    return s;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
