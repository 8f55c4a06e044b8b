// One reader per process tails the feed and fans events out in process: thousands of subscribers
// cost one polling loop, not thousands of database cursors. Each subscriber (subscriber.ts) may resume
// from a cursor: it replays from the database, then takes live rows from here.
import type { Logger } from '../logger.js';
import type { Position } from './cursor.js';
import type { FeedLog } from './feed-log.js';
import type { FeedRow } from './models.js';
import { type FeedEvent, type FeedItem, FeedSubscriber, type SubscribeOptions } from './subscriber.js';

export type { FeedEvent, FeedItem, SubscribeOptions } from './subscriber.js';
export { FeedProgress } from './subscriber.js';

export type Listener = (row: FeedRow) => void;

const BATCH = 256;
/**
 * After a read that found events, poll at this interval for a while instead of FEED_POLL_MS: events from
 * other processes (replicas, recovery) are not announced, and on a busy feed the next one is due within
 * milliseconds, while an idle feed keeps costing one read per FEED_POLL_MS.
 */
const BUSY_POLL_MS = 10;
const BUSY_FOR_MS = 2000;

export class FeedHub {
  private position: Position = [];
  private listeners = new Set<Listener>();
  private open = new Set<FeedSubscriber>();
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private lastError = 0;
  private lastEventAt = 0;
  private markStarted!: () => void;
  /**
   * Resolves once the reader knows the feed's heads. A server accepts subscriptions before that (it
   * listens while the change feed starts); a subscriber waits for it, or a resumed one would replay up to
   * an unknown position and miss what lies between its cursor and the head.
   */
  readonly started = new Promise<void>((resolve) => {
    this.markStarted = resolve;
  });

  constructor(
    readonly feed: FeedLog,
    private readonly pollMs: number,
    readonly log: Logger,
    /** FEED_PROGRESS_MS: the least time between two frames of a subscription asking for progress */
    readonly progressMs = 5000,
  ) {}

  /** Open subscriptions, replaying or live. */
  get subscriberCount(): number {
    return this.open.size;
  }

  currentPosition(): Position {
    return [...this.position];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.position = this.feed.headPositions();
    this.feed.onAppend(() => this.wake?.());
    this.loop = this.run();
    this.markStarted();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Hands every row from now on to `listener`, synchronously and in order; returns the way to stop. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Logs a database error that is being retried, at most every 10 s. */
  transient(e: unknown, what: string): void {
    if (Date.now() - this.lastError > 10_000) {
      this.lastError = Date.now();
      this.log.warn({ err: (e as Error).message }, `${what} failed, retrying`);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delivered = 0;
      try {
        for (let p = 0; p < this.feed.partitions; p++) {
          const rows = await this.feed.read(p, this.position[p]! + 1, BATCH);
          for (const row of rows) {
            this.position[p] = row.s;
            this.feed.observe(p, row.s);
            for (const l of this.listeners) l(row);
          }
          delivered += rows.length;
        }
        if (delivered > 0) this.lastEventAt = Date.now();
      } catch (e) {
        // The database may be briefly away; keep the position and try again.
        this.transient(e, 'feed read');
      }
      if (delivered === 0 && this.running) {
        const busy = Date.now() - this.lastEventAt < BUSY_FOR_MS;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, busy ? Math.min(BUSY_POLL_MS, this.pollMs) : this.pollMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }

  /**
   * An async iterator of the events passing `filter`, from `after` (exclusive) or from now; with
   * `progress`, also FeedProgress items. A malformed cursor throws here, at once.
   */
  subscribe(opts: SubscribeOptions & { progress: true }): AsyncIterableIterator<FeedItem>;
  subscribe(opts: SubscribeOptions): AsyncIterableIterator<FeedEvent>;
  subscribe(opts: SubscribeOptions): AsyncIterableIterator<FeedItem> {
    const sub = new FeedSubscriber(this, opts, () => this.open.delete(sub));
    this.open.add(sub);
    // "Now" and the replay's end are fixed once the reader has started.
    if (this.running) sub.begin();
    else void this.started.then(() => sub.begin());
    return sub;
  }
}
