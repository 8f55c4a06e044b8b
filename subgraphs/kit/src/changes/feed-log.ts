// The ordered, durable feed: one contiguous sequence per partition, stored as documents whose _id is
// `<partition>:<seq>`. A slot is taken only by a successful insert, and a writer only tries slot N+1 after
// it has seen slot N committed, so a partition never has holes and readers can walk it slot by slot.
import type { Dialect } from '../db.js';
import type { Logger } from '../logger.js';
import { slotId } from './cursor.js';
import { type ChangeModels, type ChangeRow, type FeedRow, isDuplicateKey } from './models.js';

const META_ID = 'feed';

export class FeedLog {
  private readonly heads: number[];
  private readonly lows: number[];
  private appendListeners = new Set<() => void>();

  constructor(
    private readonly models: ChangeModels,
    readonly partitions: number,
    private readonly dialect: () => Dialect,
    private readonly log: Logger,
  ) {
    this.heads = new Array(partitions).fill(0);
    this.lows = new Array(partitions).fill(1);
  }

  /** Checks the partition count against the database and finds each partition's head. */
  async init(): Promise<void> {
    const meta = await this.models.meta.findById(META_ID).lean();
    if (meta?.partitions !== undefined && meta.partitions !== this.partitions) {
      throw new Error(
        `FEED_PARTITIONS=${this.partitions} but this database's feed was created with ${meta.partitions}; ` +
          'the partition count is fixed for the life of a feed (see docs/change-feed.md)',
      );
    }
    if (!meta) {
      await this.models.meta
        .updateOne(
          { _id: META_ID },
          { $setOnInsert: { partitions: this.partitions, low: this.lows, head: this.heads } },
          { upsert: true },
        )
        .catch((e) => {
          if (!isDuplicateKey(e)) throw e;
        });
    }
    for (let p = 0; p < this.partitions; p++) {
      this.lows[p] = meta?.low?.[p] ?? 1;
      this.heads[p] = await this.findHead(p, Math.max(meta?.head?.[p] ?? 0, this.lows[p]! - 1));
    }
  }

  head(p: number): number {
    return this.heads[p]!;
  }

  headPositions(): number[] {
    return [...this.heads];
  }

  low(p: number): number {
    return this.lows[p]!;
  }

  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** Learn of a slot seen by a reader, so writers start their next attempt there. */
  observe(p: number, seq: number): void {
    if (seq > this.heads[p]!) this.heads[p] = seq;
  }

  /**
   * Appends the event of a change once. Returns the slot, or null when the change was already
   * appended by someone else (a retry, a recovering replica).
   */
  async append(row: ChangeRow, node: Record<string, unknown>): Promise<string | null> {
    const p = row.partition;
    for (;;) {
      const seq = this.heads[p]! + 1;
      const slot = slotId(p, seq);
      const event: FeedRow = {
        _id: slot,
        p,
        s: seq,
        key: row._id,
        entityType: row.entityType,
        entityId: row.entityId,
        version: row.version,
        kind: row.kind,
        from: row.from,
        to: row.to,
        actor: row.actor,
        at: new Date(),
        acl: row.acl,
        node,
      };
      try {
        await this.models.feed.collection.insertOne(event as never);
        this.observe(p, seq);
        for (const l of this.appendListeners) l();
        return slot;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        const taken = await this.models.feed.findById(slot, { key: 1 }).lean();
        if (taken) {
          this.observe(p, seq);
          if (taken.key === row._id) return slot;
          continue;
        }
        // The slot is free, so the unique key refused it: this change is in the feed already.
        return null;
      }
    }
  }

  /**
   * Up to `limit` events of partition p from seq `from` on, stopping at the first slot not yet written.
   * MongoDB reads a key range through the _id index; FerretDB v1 only pushes down `_id` equality,
   * so there it looks slots up one by one (a few in parallel).
   */
  async read(p: number, from: number, limit: number): Promise<FeedRow[]> {
    if (this.dialect() === 'mongodb') {
      const rows = await this.models.feed
        .find({ _id: { $gte: slotId(p, from), $lte: slotId(p, from + limit - 1) } })
        .sort({ _id: 1 })
        .lean<FeedRow[]>();
      return contiguous(rows, from);
    }
    const out: FeedRow[] = [];
    let next = from;
    let width = 1;
    while (out.length < limit) {
      const n = Math.min(width, limit - out.length);
      const batch = await Promise.all(
        Array.from({ length: n }, (_, i) => this.models.feed.findById(slotId(p, next + i)).lean<FeedRow>()),
      );
      for (const row of batch) {
        if (!row) return out;
        out.push(row);
        next++;
      }
      width = Math.min(width * 4, 32);
    }
    return out;
  }

  private async exists(p: number, seq: number): Promise<boolean> {
    return (await this.models.feed.exists({ _id: slotId(p, seq) })) !== null;
  }

  /** The last written seq of a partition: gallop from a hint, then bisect (slots are contiguous). */
  private async findHead(p: number, hint: number): Promise<number> {
    let lo = hint; // known written (or the position before the first slot)
    if (lo >= this.lows[p]! && !(await this.exists(p, lo))) lo = this.lows[p]! - 1;
    let step = 1;
    let hi = lo + step;
    while (await this.exists(p, hi)) {
      lo = hi;
      step *= 2;
      hi = lo + step;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.exists(p, mid)) lo = mid;
      else hi = mid;
    }
    this.log.debug({ partition: p, head: lo }, 'feed head found');
    return lo;
  }

  /** Stores head hints so the next start gallops from near the end rather than from zero. */
  async saveHints(): Promise<void> {
    await this.models.meta.updateOne({ _id: META_ID }, { $set: { head: this.heads } });
  }

  /** Drops events older than the retention, from the bottom of each partition only. */
  async prune(olderThan: Date): Promise<number> {
    let removed = 0;
    for (let p = 0; p < this.partitions; p++) {
      let low = this.lows[p]!;
      // Walk up from the low mark while events are old; never past the head, so no hole can appear above.
      while (low <= this.heads[p]!) {
        const row = await this.models.feed.findById(slotId(p, low), { at: 1 }).lean();
        if (!row || row.at >= olderThan) break;
        await this.models.feed.deleteOne({ _id: slotId(p, low) });
        removed++;
        low++;
      }
      if (low !== this.lows[p]) {
        this.lows[p] = low;
        await this.models.meta.updateOne({ _id: META_ID }, { $set: { [`low.${p}`]: low } });
      }
    }
    return removed;
  }

  /** Re-reads the low marks (another replica may have pruned). */
  async refreshLows(): Promise<void> {
    const meta = await this.models.meta.findById(META_ID).lean();
    for (let p = 0; p < this.partitions; p++) this.lows[p] = Math.max(this.lows[p]!, meta?.low?.[p] ?? 1);
  }
}

function contiguous(rows: FeedRow[], from: number): FeedRow[] {
  const out: FeedRow[] = [];
  let next = from;
  for (const row of rows) {
    if (row.s !== next) break;
    out.push(row);
    next++;
  }
  return out;
}
