// One reader per process tails the feed and fans events out in process: thousands of subscribers
// cost one polling loop, not thousands of database cursors. Subscribers may resume from a cursor:
// they get every event after it from the database, then live events, with no duplicate at the seam.
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import { decodeCursor, encodeCursor, type Position } from './cursor.js';
import type { FeedLog } from './feed-log.js';
import type { FeedRow } from './models.js';

export interface FeedEvent {
  row: FeedRow;
  cursor: string;
}

export interface SubscribeOptions {
  after?: string | null;
  filter: (row: FeedRow) => boolean;
  /** undelivered events a subscriber may hold before it is cut off as too slow */
  maxQueue?: number;
}

type Listener = (row: FeedRow, position: Position) => void;

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
    private readonly feed: FeedLog,
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  get subscriberCount(): number {
    return this.listeners.size;
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

  private async run(): Promise<void> {
    while (this.running) {
      let delivered = 0;
      try {
        for (let p = 0; p < this.feed.partitions; p++) {
          const rows = await this.feed.read(p, this.position[p]! + 1, BATCH);
          for (const row of rows) {
            this.position[p] = row.s;
            this.feed.observe(p, row.s);
            const snapshot = [...this.position];
            for (const l of this.listeners) l(row, snapshot);
          }
          delivered += rows.length;
        }
        if (delivered > 0) this.lastEventAt = Date.now();
      } catch (e) {
        // The database may be briefly away; keep the position and try again, logging at most every 10 s.
        if (Date.now() - this.lastError > 10_000) {
          this.lastError = Date.now();
          this.log.warn({ err: (e as Error).message }, 'feed read failed, retrying');
        }
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

  /** An async iterator of the events passing `filter`, from `after` (exclusive) or from now. */
  subscribe(opts: SubscribeOptions): AsyncIterableIterator<FeedEvent> {
    const maxQueue = opts.maxQueue ?? 1000;
    // A bad cursor fails here, at once; "now" is fixed when the reader has started.
    const from: Position | null = opts.after ? decodeCursor(opts.after, this.feed.partitions) : null;
    const queue: FeedEvent[] = [];
    let waiting: ((r: IteratorResult<FeedEvent>) => void) | null = null;
    let failed: Error | null = null;
    let done = false;
    let replaying = opts.after !== undefined && opts.after !== null;
    const buffered: { row: FeedRow; position: Position }[] = [];
    let delivered: Position = [];

    const push = (row: FeedRow, position: Position) => {
      if (done || row.s <= delivered[row.p]!) return;
      delivered[row.p] = row.s;
      if (!opts.filter(row)) return;
      const event = { row, cursor: encodeCursor(position) };
      if (waiting) {
        const w = waiting;
        waiting = null;
        w({ value: event, done: false });
        return;
      }
      if (queue.length >= maxQueue) {
        fail(
          new DomainError(
            'LIMIT_EXCEEDED',
            `subscriber too slow: more than ${maxQueue} events undelivered; resubscribe with the last cursor`,
          ),
        );
        return;
      }
      queue.push(event);
    };

    const listener: Listener = (row, position) => {
      if (replaying) buffered.push({ row, position });
      else push(row, position);
    };

    const fail = (e: Error) => {
      failed = e;
      finish();
    };

    const finish = () => {
      if (done) return;
      done = true;
      this.listeners.delete(listener);
      if (waiting) {
        const w = waiting;
        waiting = null;
        if (failed) {
          // Surface the error on the pending next() call.
          const err = failed;
          failed = null;
          w(Promise.reject(err) as never);
        } else w({ value: undefined, done: true });
      }
    };

    const begin = () => {
      if (done) return;
      const start = from ?? this.currentPosition();
      delivered = [...start];
      this.listeners.add(listener);
      if (replaying) replay(start);
    };

    const replay = (start: Position) => {
      const upTo = this.currentPosition();
      void (async () => {
        try {
          await this.feed.refreshLows();
          for (let p = 0; p < this.feed.partitions; p++) {
            if (start[p]! + 1 < this.feed.low(p)) {
              throw new DomainError(
                'BAD_USER_INPUT',
                'after: this cursor is older than the retained feed; resync the current state and subscribe again without `after`',
                { field: 'after', reason: 'CURSOR_EXPIRED' },
              );
            }
          }
          const progress = [...start];
          for (let p = 0; p < this.feed.partitions; p++) {
            while (progress[p]! < upTo[p]! && !done) {
              const rows = await this.feed.read(
                p,
                progress[p]! + 1,
                Math.min(BATCH, upTo[p]! - progress[p]!),
              );
              if (rows.length === 0) break;
              for (const row of rows) {
                progress[p] = row.s;
                push(row, [...progress]);
              }
            }
            progress[p] = Math.max(progress[p]!, upTo[p]!);
          }
          replaying = false;
          for (const b of buffered.splice(0)) push(b.row, b.position);
        } catch (e) {
          fail(e as Error);
        }
      })();
    };

    if (this.running) begin();
    else void this.started.then(begin);

    const iterator: AsyncIterableIterator<FeedEvent> = {
      next: () => {
        const event = queue.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (failed) {
          const err = failed;
          failed = null;
          return Promise.reject(err);
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
      return: () => {
        finish();
        queue.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
      throw: (e) => {
        finish();
        return Promise.reject(e);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
