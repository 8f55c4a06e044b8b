// The collections behind the change mechanism, in each subgraph's own database (see docs/change-feed.md).
import { type Connection, type Model, Schema } from 'mongoose';
import type { Role } from '../identity.js';

export interface Actor {
  accountId: string;
  role: Role;
}

/** One entity change: the compare-and-set claim (its _id), the durable intent, and the audit entry. */
export interface ChangeRow {
  _id: string; // `${entityId}#${version}`
  collection: string;
  entityType: string;
  entityId: string;
  version: number;
  kind: string;
  from: string | null;
  to: string | null;
  /** fields set on the entity; for `created`, the whole document */
  set: Record<string, unknown>;
  unset: string[];
  /** the entity right after the change (absent for `created`, where it is `set`) */
  node?: Record<string, unknown>;
  actor: Actor;
  at: Date;
  partition: number;
  acl: string[];
  /** scoped idempotency key of a creation, `void` when another request won that key */
  idem?: string;
  void?: boolean;
  applied?: boolean;
  /** set once the change's event is in the feed; the entity's next event is appended only after it */
  fed?: boolean;
  /** the event's feed slot, recorded by the process that appended it */
  slot?: string;
  cause?: string;
  effects?: EffectSpec[];
}

/** A change another entity must undergo because of this one (request approved => asset active). */
export interface EffectSpec {
  collection: string;
  entityType: string;
  entityId: string;
  kind: string;
  /** statuses the target may be in for the effect to apply; otherwise the effect is skipped and logged */
  expect?: string[];
  to?: string;
  set: Record<string, unknown>;
  partitionKey: string;
  /** what this effect in turn requires of further entities (a TCR failed => request failed => asset terminated) */
  effects?: EffectSpec[];
}

/** An event in the ordered feed: `_id` is `<partition>:<seq>` with seq contiguous per partition. */
export interface FeedRow {
  _id: string;
  p: number;
  s: number;
  key: string; // the change row id, unique: an event is appended once
  entityType: string;
  entityId: string;
  version: number;
  kind: string;
  from: string | null;
  to: string | null;
  actor: Actor;
  at: Date;
  acl: string[];
  /** the entity as it was right after the change */
  node: Record<string, unknown>;
}

/** Written before a change is attempted, deleted when it is applied and fed; what recovery scans. */
export interface PendingRow {
  _id: string;
  changeId: string;
  at: Date;
}

export interface ClaimRow {
  _id: string;
  entityId: string;
  at: Date;
}

/**
 * `feed`: the partition count and head hints (and, from older versions, a `low` array);
 * `low:<p>:<seq>`: a low mark, inserted by a prune before it deletes (the low is the highest mark);
 * `floor:<p>`: every slot below `seq` has been deleted, so the next prune starts deleting there.
 */
export interface FeedMetaRow {
  _id: string;
  partitions?: number;
  low?: number[];
  head?: number[];
  p?: number;
  seq?: number;
  at?: Date;
}

export interface ChangeModels {
  changes: Model<ChangeRow>;
  feed: Model<FeedRow>;
  pending: Model<PendingRow>;
  claims: Model<ClaimRow>;
  meta: Model<FeedMetaRow>;
}

// Majority writes and reads from the primary, which the feed needs on a replica set, are set for every
// command of the connection (CONSISTENCY in db.ts), not per collection.
const loose = { strict: false, versionKey: false, _id: false } as const;

export function changeModels(conn: Connection): ChangeModels {
  const changes = new Schema<ChangeRow>({ _id: String }, { ...loose, collection: 'changes' });
  changes.index({ entityId: 1, version: 1 });
  const feed = new Schema<FeedRow>({ _id: String }, { ...loose, collection: 'feed' });
  // Append once: a change's event is in one partition (its row's), so the key is unique per partition.
  // Prefixed by `p` so that the feed can be sharded on { p: 1 } (docs/deployment.md): a sharded
  // collection enforces only unique indexes that start with its shard key. (Databases created before
  // keep their old unique index on `key` too, which is stricter; drop it before sharding.)
  feed.index({ p: 1, key: 1 }, { unique: true });
  feed.index({ p: 1, s: 1 });
  feed.index({ at: 1 });
  const pending = new Schema<PendingRow>({ _id: String }, { ...loose, collection: 'pending_changes' });
  // recovery's "changes pending longer than the grace time"
  pending.index({ at: 1 });
  const claims = new Schema<ClaimRow>({ _id: String }, { ...loose, collection: 'idempotency_claims' });
  const meta = new Schema<FeedMetaRow>({ _id: String }, { ...loose, collection: 'feed_meta' });
  return {
    changes: conn.model<ChangeRow>('Change', changes),
    feed: conn.model<FeedRow>('FeedEvent', feed),
    pending: conn.model<PendingRow>('PendingChange', pending),
    claims: conn.model<ClaimRow>('IdempotencyClaim', claims),
    meta: conn.model<FeedMetaRow>('FeedMeta', meta),
  };
}

export const isDuplicateKey = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: number }).code === 11000;
