// One subscription to the feed hub (hub.ts). It holds a position: the last seq it has taken in every
// partition, matching its filter or not. With a cursor it first replays from the database, at its
// consumer's pace, retrying through database outages, then takes live rows from the hub, with no gap and
// no duplicate at the seam. With `progress` it also reports its position when rows it does not want move
// it on (docs/change-feed.md, "Progress").
import { DomainError, isDomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import { decodeCursor, encodeCursor, type Position } from './cursor.js';
import type { FeedLog } from './feed-log.js';
import type { FeedRow } from './models.js';

/** What a subscriber needs of its hub (hub.ts implements it; naming it here keeps hub -> subscriber one-way). */
export interface HubView {
  readonly feed: FeedLog;
  readonly log: Logger;
  readonly progressMs: number;
  currentPosition(): Position;
  listen(listener: (row: FeedRow) => void): () => void;
  transient(e: unknown, what: string): void;
}

export interface FeedEvent {
  row: FeedRow;
  cursor: string;
}

/** "This subscription's position is now `cursor`; resuming from it misses nothing." No event. */
export class FeedProgress {
  constructor(readonly cursor: string) {}
}

export type FeedItem = FeedEvent | FeedProgress;

export interface SubscribeOptions {
  after?: string | null;
  filter: (row: FeedRow) => boolean;
  /** undelivered events a subscriber may hold before it is cut off as too slow */
  maxQueue?: number;
  /** also yield FeedProgress items */
  progress?: boolean;
}

const BATCH = 256;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2000;
/** How long a missing slot that the low mark does not explain may last before a replay gives up. */
const GAP_PATIENCE_MS = 60_000;

const expired = () =>
  new DomainError(
    'BAD_USER_INPUT',
    'after: this cursor is older than the retained feed; resync the current state and subscribe again without `after`',
    { field: 'after', reason: 'CURSOR_EXPIRED' },
  );

const ahead = () =>
  new DomainError(
    'BAD_USER_INPUT',
    'after: this cursor is ahead of the feed (not one this feed issued); subscribe with a cursor you received, or without `after`',
    { field: 'after', reason: 'CURSOR_AHEAD' },
  );

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class FeedSubscriber implements AsyncIterableIterator<FeedItem> {
  private readonly maxQueue: number;
  private readonly from: Position | null;
  private readonly queue: FeedItem[] = [];
  private waiting: { resolve: (r: IteratorResult<FeedItem>) => void; reject: (e: Error) => void } | null =
    null;
  private failed: Error | null = null;
  private done = false;
  private position: Position = [];
  private unlisten: (() => void) | null = null;
  /** the replay waits here for its consumer to take events */
  private room: (() => void) | null = null;
  private events = 0;
  private gapSince = 0;
  // progress frames
  private moved = false;
  private lastFrameAt = Date.now();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly hub: HubView,
    private readonly opts: SubscribeOptions,
    private readonly onClose: () => void,
  ) {
    this.maxQueue = opts.maxQueue ?? 1000;
    this.from = opts.after ? decodeCursor(opts.after, hub.feed.partitions) : null;
  }

  /** Starts, once the hub's reader knows the heads. */
  begin(): void {
    if (this.done) return;
    if (!this.from) {
      this.position = this.hub.currentPosition();
      this.goLive();
      return;
    }
    this.position = [...this.from];
    void this.replay().catch((e) => {
      if (!isDomainError(e)) this.hub.log.error({ err: (e as Error).message }, 'feed replay failed');
      this.fail(
        isDomainError(e)
          ? e
          : new DomainError('INTERNAL', 'the change feed failed; subscribe again with your last cursor'),
      );
    });
  }

  private goLive(): void {
    this.unlisten = this.hub.listen((row) => this.take(row));
  }

  /** Takes one row of the feed, matching or not; rows at or below the position were taken already. */
  private take(row: FeedRow): void {
    if (this.done || row.s <= this.position[row.p]!) return;
    this.position[row.p] = row.s;
    if (!this.opts.filter(row)) {
      if (this.opts.progress) {
        this.moved = true;
        if (!this.timer) this.progressDue();
      }
      return;
    }
    if (this.queue.length >= this.maxQueue) {
      this.fail(
        new DomainError(
          'LIMIT_EXCEEDED',
          `subscriber too slow: more than ${this.maxQueue} events undelivered; resubscribe with the last cursor`,
        ),
      );
      return;
    }
    this.events++;
    const cursor = encodeCursor(this.position);
    if (this.opts.progress) {
      this.moved = false;
      this.lastFrameAt = Date.now();
      // the event's cursor supersedes a progress item still queued before it
      if (this.queue.at(-1) instanceof FeedProgress) this.queue.pop();
    }
    this.deliver({ row, cursor });
  }

  /** A progress frame once FEED_PROGRESS_MS have passed since the last frame; a timer until then. */
  private progressDue(): void {
    if (this.done || !this.moved) return;
    const wait = this.lastFrameAt + this.hub.progressMs - Date.now();
    if (wait <= 0) {
      this.sendProgress();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.progressDue();
    }, wait);
    this.timer.unref?.();
  }

  private sendProgress(): void {
    if (this.done || !this.moved) return;
    this.moved = false;
    this.lastFrameAt = Date.now();
    const item = new FeedProgress(encodeCursor(this.position));
    if (this.queue.at(-1) instanceof FeedProgress) this.queue[this.queue.length - 1] = item;
    else this.deliver(item);
  }

  private deliver(item: FeedItem): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve({ value: item, done: false });
    } else this.queue.push(item);
  }

  /**
   * Every event after the cursor, read from the database at the consumer's pace, until nothing is left
   * below the hub reader's position; then live, in the same turn, so no row passes in between.
   */
  private async replay(): Promise<void> {
    const feed = this.hub.feed;
    await this.retrying(() => feed.refreshLows());
    for (let p = 0; p < feed.partitions; p++) if (this.position[p]! + 1 < feed.low(p)) throw expired();
    await this.refuseAhead();
    for (;;) {
      const target = this.hub.currentPosition();
      for (let p = 0; p < feed.partitions; p++) {
        while (!this.done && this.position[p]! < target[p]!) {
          while (!this.done && this.queue.length >= this.maxQueue / 2) {
            await new Promise<void>((r) => {
              this.room = r;
            });
          }
          if (this.done) return;
          const want = Math.min(BATCH, target[p]! - this.position[p]!, this.maxQueue - this.queue.length);
          const rows = await this.retrying(() => feed.read(p, this.position[p]! + 1, want));
          if (rows.length === 0) await this.gap(p);
          else this.gapSince = 0;
          for (const row of rows) this.take(row);
        }
      }
      if (this.done) return;
      if (this.hub.currentPosition().every((s, p) => s <= this.position[p]!)) break;
    }
    this.goLive();
    // A replay that found nothing for this subscriber still moved it: say so at once.
    if (this.opts.progress && this.events === 0) this.sendProgress();
  }

  /**
   * A cursor beyond this process's reader: another replica may have written further than this reader
   * has read, so only a cursor whose slot does not exist in the database is refused.
   */
  private async refuseAhead(): Promise<void> {
    const feed = this.hub.feed;
    const reader = this.hub.currentPosition();
    for (let p = 0; p < feed.partitions; p++) {
      const at = this.position[p]!;
      if (at <= reader[p]!) continue;
      if (await this.retrying(() => feed.has(p, at))) continue;
      if (at >= feed.low(p)) throw ahead();
    }
  }

  /**
   * A slot the hub's reader has passed is missing: pruned under this replay, or (on a replica set) not yet
   * visible to this read. Never skip it: expired if the low mark has passed the position, else try again.
   */
  private async gap(p: number): Promise<void> {
    const feed = this.hub.feed;
    await this.retrying(() => feed.refreshLows());
    if (this.position[p]! + 1 < feed.low(p)) throw expired();
    this.gapSince ||= Date.now();
    if (Date.now() - this.gapSince > GAP_PATIENCE_MS) {
      this.hub.log.error(
        { partition: p, seq: this.position[p]! + 1 },
        'feed slot missing above the low mark',
      );
      throw new DomainError(
        'INTERNAL',
        'the change feed is incomplete here; subscribe again with your last cursor',
      );
    }
    await sleep(RETRY_FIRST_MS);
  }

  /** Runs a database read, retrying transient failures with backoff as the hub's reader does. */
  private async retrying<T>(read: () => Promise<T>): Promise<T> {
    let delay = RETRY_FIRST_MS;
    for (;;) {
      try {
        return await read();
      } catch (e) {
        if (isDomainError(e) || this.done) throw e;
        this.hub.transient(e, 'feed replay read');
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  private fail(e: Error): void {
    if (this.done) return;
    this.failed = e;
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.unlisten?.();
    this.onClose();
    if (this.timer) clearTimeout(this.timer);
    this.room?.();
    const w = this.waiting;
    this.waiting = null;
    if (!w) return;
    if (this.failed) {
      // Surface the error on the pending next() call.
      const err = this.failed;
      this.failed = null;
      w.reject(err);
    } else w.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<FeedItem>> {
    const item = this.queue.shift();
    if (item) {
      if (this.room && this.queue.length < this.maxQueue / 2) {
        const r = this.room;
        this.room = null;
        r();
      }
      return Promise.resolve({ value: item, done: false });
    }
    if (this.failed) {
      const err = this.failed;
      this.failed = null;
      return Promise.reject(err);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<FeedItem>> {
    this.finish();
    this.queue.length = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(e?: unknown): Promise<IteratorResult<FeedItem>> {
    this.finish();
    return Promise.reject(e);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<FeedItem> {
    return this;
  }
}
