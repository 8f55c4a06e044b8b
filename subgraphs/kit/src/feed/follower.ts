// Follows another subgraph's change feed (its graphql-ws subscription, with progress frames) on behalf
// of a consumer, with a durable cursor in this subgraph's database (feed-cursors.ts). Each change is
// handed to the consumer, then its cursor stored; a restart resumes after the stored cursor, so the
// change handled last may come again (the consumer's `handle` is idempotent). When there is no usable
// cursor (never followed, or the upstream has pruned past it: CURSOR_EXPIRED), the follower takes the
// upstream's current feed position first, then asks the consumer to `resync` from current state, then
// follows from that position: what happened in the gap is in the state, what happens after is in the
// feed. Nothing lost, nothing doubled (docs/change-feed.md, "Following another subgraph's feed").
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { IDENTITY_HEADER, serviceIdentity } from '../identity.js';
import type { Logger } from '../logger.js';
import type { KitEnv } from '../server/spec.js';
import { FeedCursors } from './feed-cursors.js';

/** The fields every change of every feed subscription carries. */
export interface FeedChange {
  cursor: string;
  kind: string;
  status: string | null;
  previousStatus: string | null;
  at: string;
  /** the entity, under the payload's own field (`assetRequest`, `contract`…), as `selection` chose it */
  [entityField: string]: unknown;
}

/** What a consumer of a feed gives the follower. */
export interface FeedConsumer<C extends FeedChange = FeedChange> {
  /** names the stored cursor in this database (unique per consumer), e.g. `requests:assetRequestChanged` */
  readonly key: string;
  /** the upstream subgraph's GraphQL URL (`http://…/graphql`): its subscriptions and its `/feed/position` */
  readonly url: string;
  /** the subscription field, e.g. `assetRequestChanged` */
  readonly field: string;
  /** what to select of each change besides `cursor kind status previousStatus at`: `assetRequest { id }` */
  readonly selection: string;
  /** one change, in feed order; called again for the same change after a restart: must be idempotent */
  handle(change: C): Promise<void>;
  /**
   * Bring yourself up to date from the upstream's current state (no cursor, or it expired): must be
   * idempotent, and may overlap with changes handled before or after it.
   */
  resync(): Promise<void>;
}

export interface FeedFollowerOptions {
  /** the waits between attempts after a failure: from `retryMs` doubling to 5 s (default 200) */
  retryMs?: number;
}

/** The cursor is unusable: resync. CURSOR_EXPIRED (pruned), CURSOR_AHEAD or a cursor of another feed. */
function cursorRefused(e: unknown): string | null {
  const errors = Array.isArray(e) ? e : [];
  for (const err of errors as { extensions?: { code?: string; field?: string; reason?: string } }[]) {
    const x = err?.extensions;
    if (x?.code === 'BAD_USER_INPUT' && (x.field === 'after' || x.reason?.startsWith('CURSOR_'))) {
      return x.reason ?? 'BAD_CURSOR';
    }
  }
  return null;
}

const describe = (e: unknown) =>
  Array.isArray(e) ? (e[0] as { message?: string })?.message : ((e as Error)?.message ?? String(e));

export class FeedFollower<C extends FeedChange = FeedChange> {
  private client: Client | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private dispose: (() => void) | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly cursors: FeedCursors;
  private readonly log: Logger;
  private readonly retryMs: number;
  /** resyncs done since start (for tests and logs) */
  resyncs = 0;

  constructor(
    private readonly kit: KitEnv,
    private readonly consumer: FeedConsumer<C>,
    options: FeedFollowerOptions = {},
  ) {
    this.cursors = new FeedCursors(kit.db);
    this.log = kit.log.child({ feed: consumer.key });
    this.retryMs = options.retryMs ?? 200;
  }

  /** Starts following (once the database is reachable); returns at once. */
  start(): void {
    if (this.loop || this.stopped) return;
    this.client = createClient({
      url: this.consumer.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
      connectionParams: async () => ({ identity: await this.identity() }),
    });
    this.loop = this.run();
  }

  /** Stops: the change being handled finishes and its cursor is stored; nothing else starts. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    this.dispose?.();
    this.dispose = null;
    await this.loop;
    await this.client?.dispose();
  }

  private identity(): Promise<string> {
    return this.kit.signer.sign(serviceIdentity(this.kit.name), this.kit.name, 300);
  }

  private async run(): Promise<void> {
    let failures = 0;
    let refused: string | null = null;
    while (!this.stopped) {
      try {
        await this.kit.db.connected();
        let after = refused ? null : await this.cursors.get(this.consumer.key);
        if (!after) after = await this.resync(refused ?? 'no stored cursor');
        refused = null;
        if (this.stopped) return;
        this.log.info({ after }, 'following the feed');
        await this.follow(after, () => {
          failures = 0;
        });
        // the subscription ended without error (stopped, or the upstream closed it): resume from the stored cursor
        if (this.stopped) return;
      } catch (e) {
        if (this.stopped) return;
        const reason = cursorRefused(e);
        if (reason) {
          refused = reason;
          this.log.warn({ reason }, 'the stored feed cursor is refused: resyncing');
          failures = 0;
          continue;
        }
        failures++;
        this.log.warn({ err: describe(e), failures }, 'feed follower interrupted; resuming');
      }
      await this.pause(Math.min(this.retryMs * 2 ** Math.min(failures, 10), 5000));
    }
  }

  /**
   * The upstream's position first, then the consumer's resync, then that position stored: a change after
   * it comes from the feed, one before it is in the state the resync read.
   */
  private async resync(why: string): Promise<string> {
    const position = await this.position();
    this.log.info({ why, position }, 'resyncing from current state');
    await this.consumer.resync();
    await this.cursors.put(this.consumer.key, position);
    this.resyncs++;
    return position;
  }

  private async position(): Promise<string> {
    const res = await fetch(this.consumer.url.replace(/\/graphql$/, '/feed/position'), {
      headers: { [IDENTITY_HEADER]: await this.identity() },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`feed position: HTTP ${res.status}`);
    const body = (await res.json()) as { cursor?: unknown };
    if (typeof body.cursor !== 'string') throw new Error('feed position: no cursor');
    return body.cursor;
  }

  /** One subscription from `after`: each change handled, then its cursor stored, strictly in order. */
  private follow(after: string, onProgress: () => void): Promise<void> {
    const { field, selection, key } = this.consumer;
    const query = `subscription($after: Cursor) { ${field}(after: $after) {
      cursor kind status previousStatus at ${selection} } }`;
    return new Promise<void>((resolve, reject) => {
      let chain = Promise.resolve();
      let ended = false;
      // ends this subscription once what it queued is done: with `e`, a failure the loop handles
      const end = (e?: unknown) => {
        if (ended) return;
        ended = true;
        unsubscribe();
        void chain.then(() => (e === undefined ? resolve() : reject(e)));
      };
      const unsubscribe = this.client!.subscribe(
        { query, variables: { after }, extensions: { progress: true } },
        {
          next: (result) => {
            chain = chain
              .then(async () => {
                if (ended) return;
                const progress = (result.extensions as { progress?: unknown } | undefined)?.progress;
                if (typeof progress === 'string' && !result.data && !result.errors) {
                  await this.cursors.put(key, progress);
                  return;
                }
                if (result.errors?.length) throw result.errors;
                const change = (result.data as Record<string, C> | undefined)?.[field];
                if (!change) return;
                await this.consumer.handle(change);
                await this.cursors.put(key, change.cursor);
                onProgress();
              })
              .catch((e) => end(e));
          },
          error: (e) => end(e ?? new Error('the feed subscription failed')),
          complete: () => end(),
        },
      );
      this.dispose = () => end();
      if (this.stopped) end();
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        resolve();
      };
    }).finally(() => {
      this.wakeUp = null;
    });
  }
}
