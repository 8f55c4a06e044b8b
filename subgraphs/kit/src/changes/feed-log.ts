// The ordered, durable feed: one contiguous sequence per partition, stored as documents whose _id is
// `<partition>:<seq>`. A slot is taken only by a successful insert, and a writer only tries slot N+1 after
// it has seen slot N committed, so a partition never has holes and readers can walk it slot by slot.
// Retention removes slots from the bottom only, below a low mark recorded first (see prune).
import type { Dialect } from '../db.js';
import type { Logger } from '../logger.js';
import { slotId } from './cursor.js';
import {
  type ChangeModels,
  type ChangeRow,
  type FeedMetaRow,
  type FeedRow,
  isDuplicateKey,
} from './models.js';

const META_ID = 'feed';
const lowId = (p: number, seq: number) => `low:${p}:${String(seq).padStart(12, '0')}`;
const floorId = (p: number) => `floor:${p}`;
/**
 * A writer re-reads the low marks when its copy is older than this before appending. Pruning removes only
 * events older than the retention (hours), so a writer's head is never that far behind unless the process
 * was frozen; the refresh keeps even then its append above the retained range (unless frozen between the
 * check and the insert).
 */
const LOWS_FRESH_MS = 60_000;
/** Slots deleted at once by a prune on FerretDB v1 (point deletes; it pushes nothing else down). */
const DELETE_WIDTH = 16;
/**
 * Slots deleted by one range delete elsewhere: many short commands rather than one long one, so a prune
 * of a large feed holds no long lock and one killed midway has deleted a clean bottom part.
 */
const RANGE_DELETE_WIDTH = 128;

export class FeedLog {
  private readonly heads: number[];
  private readonly lows: number[];
  private lowsReadAt = 0;
  /** low marks of the older single-document form: slots below them were deleted before they were set */
  private legacyLows: number[] = [];
  private known = false;
  private initializing: Promise<void> | null = null;
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

  /**
   * Checks the partition count against the database and finds each partition's head (again, when called
   * again). Appends wait for it: before it, this process does not know where the feed ends, and a restarted
   * replica appending at slot 1 of a pruned feed would write below the retained range, where no one reads.
   */
  init(): Promise<void> {
    this.initializing ??= this.findHeads().finally(() => {
      this.initializing = null;
    });
    return this.initializing;
  }

  private async findHeads(): Promise<void> {
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
          { $setOnInsert: { partitions: this.partitions, head: this.heads } },
          { upsert: true },
        )
        .catch((e) => {
          if (!isDuplicateKey(e)) throw e;
        });
    }
    await this.refreshLows();
    for (let p = 0; p < this.partitions; p++) {
      const head = await this.findHead(p, Math.max(meta?.head?.[p] ?? 0, this.lows[p]! - 1));
      this.observe(p, head);
    }
    this.known = true;
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
    if (!this.known) await this.init();
    if (Date.now() - this.lowsReadAt > LOWS_FRESH_MS) await this.refreshLows();
    const p = row.partition;
    for (;;) {
      // Never at or below the low mark: a slot there may be pruned already, and readers start above it.
      const seq = Math.max(this.heads[p]!, this.lows[p]! - 1) + 1;
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
   * Up to `limit` events of partition p from seq `from` on, stopping at the first slot not yet written
   * (or pruned). MongoDB and FerretDB v2 read a key range through the _id index; FerretDB v1 only pushes
   * down `_id` equality, so there it looks slots up one by one (a few in parallel). Reads are at majority
   * read concern (db.ts): what a failover could roll back is not delivered.
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

  /** Whether slot `seq` of partition p holds an event. */
  async has(p: number, seq: number): Promise<boolean> {
    return (await this.models.feed.exists({ _id: slotId(p, seq) })) !== null;
  }

  /** The last written seq of a partition: gallop from a hint, then bisect (slots are contiguous). */
  private async findHead(p: number, hint: number): Promise<number> {
    let lo = hint; // known written (or the position before the first slot)
    if (lo >= this.lows[p]! && !(await this.has(p, lo))) lo = this.lows[p]! - 1;
    let step = 1;
    let hi = lo + step;
    while (await this.has(p, hi)) {
      lo = hi;
      step *= 2;
      hi = lo + step;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.has(p, mid)) lo = mid;
      else hi = mid;
    }
    this.log.debug({ partition: p, head: lo }, 'feed head found');
    return lo;
  }

  /** Stores head hints so the next start gallops from near the end rather than from zero. */
  async saveHints(): Promise<void> {
    await this.models.meta.updateOne({ _id: META_ID }, { $set: { head: this.heads } });
  }

  /**
   * Drops events older than `olderThan` from the bottom of each partition. Crash-safe and safe with
   * several replicas pruning at once: the new low mark is recorded first, as an inserted document
   * (FerretDB v1's updates are read-modify-write, so an updated mark could move back), then the slots below
   * the highest mark are deleted, bottom up. A prune that dies in between leaves slots below the mark,
   * which readers never visit and the next prune deletes.
   */
  async prune(olderThan: Date): Promise<number> {
    if (!this.known) await this.init();
    await this.refreshLows();
    let removed = 0;
    for (let p = 0; p < this.partitions; p++) {
      const target = await this.oldEnd(p, olderThan);
      if (target > this.lows[p]!) {
        await this.models.meta.collection
          .insertOne({ _id: lowId(p, target), p, seq: target, at: new Date() } as never)
          .catch((e) => {
            if (!isDuplicateKey(e)) throw e;
          });
        this.lows[p] = target;
      }
      removed += await this.deleteBelow(p, this.lows[p]!);
    }
    await this.dropLowerMarks();
    return removed;
  }

  /** The first slot of partition p to keep: walk up from the low mark while events are old, never past the head. */
  private async oldEnd(p: number, olderThan: Date): Promise<number> {
    let next = this.lows[p]!;
    const head = this.heads[p]!;
    while (next <= head) {
      const want = Math.min(256, head - next + 1);
      const rows = await this.read(p, next, want);
      const young = rows.findIndex((r) => r.at >= olderThan);
      if (young >= 0) return next + young;
      next += rows.length;
      if (rows.length === want) continue;
      // A missing slot below the head. Older versions of this code deleted slots before recording the low
      // mark, so one of their prunes that died left the bottom deleted and the mark where it was. Those
      // slots are gone: go on from the lowest one left (the rest are contiguous above it).
      const left = await this.lowestFrom(p, next, head);
      if (left === next) return next; // there after all, only not yet visible to that read: stop here
      next = left;
    }
    return next;
  }

  /** The lowest existing slot in [from, to] of a partition whose existing slots there are contiguous up to `to`. */
  private async lowestFrom(p: number, from: number, to: number): Promise<number> {
    if (await this.has(p, from)) return from;
    if (!(await this.has(p, to))) return to + 1;
    let missing = from;
    let there = to;
    while (there - missing > 1) {
      const mid = Math.floor((missing + there) / 2);
      if (await this.has(p, mid)) there = mid;
      else missing = mid;
    }
    return there;
  }

  /** Deletes what is left below `low` (all of it, also what an interrupted prune left), bottom up. */
  private async deleteBelow(p: number, low: number): Promise<number> {
    const floor = await this.models.meta.findById(floorId(p)).lean();
    let from = Math.max(floor?.seq ?? 1, this.legacyLows[p] ?? 1);
    let removed = 0;
    while (from < low) {
      const to = Math.min(from + (this.dialect() === 'mongodb' ? RANGE_DELETE_WIDTH : DELETE_WIDTH), low);
      if (this.dialect() === 'mongodb') {
        const r = await this.models.feed.deleteMany({ _id: { $gte: slotId(p, from), $lt: slotId(p, to) } });
        removed += r.deletedCount;
      } else {
        const results = await Promise.all(
          Array.from({ length: to - from }, (_, i) =>
            this.models.feed.deleteOne({ _id: slotId(p, from + i) }),
          ),
        );
        for (const r of results) removed += r.deletedCount;
      }
      from = to;
    }
    if ((floor?.seq ?? 1) < low) {
      // A hint only: if a concurrent prune's write wins with a lower value, the next prune re-deletes a range.
      await this.models.meta
        .updateOne({ _id: floorId(p) }, { $max: { seq: low } }, { upsert: true })
        .catch((e) => {
          if (!isDuplicateKey(e)) throw e;
        });
    }
    return removed;
  }

  /** Removes low marks below each partition's highest: the low is their maximum, so this changes nothing. */
  private async dropLowerMarks(): Promise<void> {
    const marks = await this.lowMarks();
    for (const m of marks) {
      if (m.seq! < this.lows[m.p!]!) await this.models.meta.deleteOne({ _id: m._id });
    }
  }

  private async lowMarks(): Promise<FeedMetaRow[]> {
    // The meta collection holds a handful of documents: one scan costs the same on FerretDB and MongoDB.
    const docs = await this.models.meta.find({}).lean<FeedMetaRow[]>();
    this.lowsReadAt = Date.now();
    this.legacyLows = docs.find((d) => d._id === META_ID)?.low ?? [];
    for (let p = 0; p < this.partitions; p++) this.raiseLow(p, this.legacyLows[p] ?? 1);
    return docs.filter(
      (d) => d._id.startsWith('low:') && typeof d.p === 'number' && typeof d.seq === 'number',
    );
  }

  private raiseLow(p: number, seq: number): void {
    if (p < this.partitions && seq > this.lows[p]!) this.lows[p] = seq;
  }

  /** Re-reads the low marks (another replica may have pruned). Low marks only ever rise. */
  async refreshLows(): Promise<void> {
    for (const m of await this.lowMarks()) this.raiseLow(m.p!, m.seq!);
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
