// Every write to an entity goes through here, on FerretDB and MongoDB alike (see docs/change-feed.md).
//
// Neither FerretDB (v1 or v2) nor the platform uses multi-document transactions. FerretDB v1's updates
// are moreover read-modify-write without a compare (v2's, on DocumentDB, are atomic like MongoDB's): two
// concurrent `findOneAndUpdate({_id, status: 'pending'}, …)` can both "win", and concurrent `$inc`s
// lose updates. Its one atomic primitive is a unique key on insert. So a change is:
//   1. read the entity (version v) and let the domain decide the change (or refuse it);
//   2. insert a change row with _id `<entityId>#<v+1>`: the compare-and-set. Only one writer of
//      version v+1 can exist; the loser re-reads and re-decides (usually: CONFLICT naming the status);
//   3. apply the row's fields to the entity (only if it is still at v); 4. append the event to the feed,
//      after the event of v (per-entity order); 5. run effects on other entities. A pending marker
//      written before step 2 lets recovery finish steps 3–5 if the process dies in between, so no change
//      is ever lost or applied without its event.
import { randomUUID } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import type { Dialect } from '../db.js';
import { conflict, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import { partitionOf } from './cursor.js';
import { FeedLog } from './feed-log.js';
import { FeedHub } from './hub.js';
import {
  type Actor,
  type ChangeModels,
  type ChangeRow,
  changeModels,
  type EffectSpec,
  isDuplicateKey,
} from './models.js';

/** Fields every entity document carries. */
export interface EntityDoc {
  _id: string;
  version: number;
  status?: string;
  /** accounts that may see this entity (see docs/tenancy.md) */
  _acl: string[];
  /** change ids whose effects were applied here, so a recovered effect is not applied twice */
  _causes?: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface Decision {
  kind: string;
  /** the new status, when the change moves the status */
  to?: string;
  set: Record<string, unknown>;
  unset?: string[];
  effects?: EffectSpec[];
}

export interface ChangeOptions<T extends EntityDoc> {
  model: Model<T>;
  entityType: string;
  id: string;
  actor: Actor;
  /** refuses (throws a DomainError) or returns the change, given the current document */
  decide: (doc: T) => Decision;
  /** the key of the entity's feed partition; stable for the entity's life (e.g. its vendor account) */
  partitionKey: (doc: T) => string;
  cause?: string;
}

export interface CreateOptions<T extends EntityDoc> {
  model: Model<T>;
  entityType: string;
  /** the document without version/timestamps; `_id` is replaced by `newId()` on an id collision */
  doc: Omit<T, 'version' | 'createdAt' | 'updatedAt'>;
  newId?: () => string;
  actor: Actor;
  partitionKey: string;
  /** a client's idempotency key, already scoped (e.g. `purchase:<account>:<key>`) */
  idempotencyKey?: string;
  effects?: EffectSpec[];
}

export interface ChangeStoreOptions {
  partitions: number;
  pollMs: number;
  retentionHours: number;
  dialect: () => Dialect;
  log: Logger;
  /** how long a change may stay unapplied (or unfed) before another actor helps finish it */
  graceMs?: number;
  /** FEED_PROGRESS_MS (see FeedHub) */
  progressMs?: number;
  /**
   * Fault tests only: awaited by a writer just before it applies its change row to the entity and just
   * before it appends the event, so a test can hold a writer there as a stalled process would be held.
   */
  pauseAt?: (step: 'apply' | 'append', row: ChangeRow) => Promise<void> | void;
}

// Each lost compare-and-set means another writer's change landed, so a writer among N concurrent ones on
// one entity loses at most N-1 times: 16 keeps bursts of up to 16 concurrent edits free of spurious
// "retry" CONFLICTs (8 was exceeded by 10 concurrent item additions on a loaded machine).
const MAX_ATTEMPTS = 16;
const CAUSES_KEPT = 32;
/** Entities whose last fed version this process remembers, so their next change need not ask the database. */
const FED_REMEMBERED = 10_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ChangeStore {
  readonly models: ChangeModels;
  readonly feed: FeedLog;
  readonly hub: FeedHub;
  private readonly entities = new Map<string, Model<EntityDoc>>();
  private readonly graceMs: number;
  private timers: NodeJS.Timeout[] = [];
  private sweep: Promise<number> | null = null;
  /** entity id -> the highest version whose event is known to be in the feed (a bounded hint) */
  private readonly fedUpTo = new Map<string, number>();
  /** change id -> its event's append running in this process, for the entity's next change to wait on */
  private readonly feeding = new Map<string, Promise<string | null>>();

  constructor(
    conn: Connection,
    private readonly opts: ChangeStoreOptions,
  ) {
    this.models = changeModels(conn);
    this.feed = new FeedLog(this.models, opts.partitions, opts.dialect, opts.log);
    this.hub = new FeedHub(this.feed, opts.pollMs, opts.log, opts.progressMs);
    this.graceMs = opts.graceMs ?? 3000;
  }

  /** Entity models whose changes recovery may have to finish. */
  register(...models: { collection: { collectionName: string } }[]): void {
    for (const m of models) this.entities.set(m.collection.collectionName, m as unknown as Model<EntityDoc>);
  }

  allModels(): { createIndexes(): Promise<unknown> }[] {
    return Object.values(this.models);
  }

  /**
   * Creates the indexes the mechanism relies on (the feed's unique key is what makes appending
   * idempotent) and finds the feed heads. Enough for a writer; `start` adds tailing and recovery.
   */
  async init(): Promise<void> {
    for (const model of Object.values(this.models)) await model.createIndexes();
    await this.feed.init();
  }

  async start(): Promise<void> {
    await this.init();
    this.hub.start();
    await this.recoverPending();
    this.timers.push(setInterval(() => this.sweepIfIdle(), Math.max(1000, this.graceMs)).unref());
    this.timers.push(setInterval(() => void this.feed.saveHints().catch(() => {}), 30_000).unref());
    this.timers.push(
      setInterval(
        () =>
          void this.feed.prune(new Date(Date.now() - this.opts.retentionHours * 3_600_000)).catch(() => {}),
        3_600_000,
      ).unref(),
    );
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.hub.stop();
    await this.feed.saveHints().catch(() => {});
  }

  /** Applies one decided change to one entity, race-free; returns the entity after the change. */
  async change<T extends EntityDoc>(opts: ChangeOptions<T>): Promise<T> {
    this.register(opts.model);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const doc = await opts.model.findById(opts.id).lean<T>();
      if (!doc) throw notFound(opts.entityType, opts.id);
      const decision = opts.decide(doc);
      const now = new Date();
      const version = doc.version + 1;
      const set: Record<string, unknown> = { ...decision.set, updatedAt: now };
      if (decision.to !== undefined) set.status = decision.to;
      const node = withChange(doc as unknown as Record<string, unknown>, set, decision.unset ?? [], version);
      const row: ChangeRow = {
        _id: `${opts.id}#${version}`,
        collection: opts.model.collection.collectionName,
        entityType: opts.entityType,
        entityId: opts.id,
        version,
        kind: decision.kind,
        from: doc.status ?? null,
        to: decision.to ?? doc.status ?? null,
        set,
        unset: decision.unset ?? [],
        node,
        actor: opts.actor,
        at: now,
        partition: partitionOf(opts.partitionKey(doc), this.feed.partitions),
        acl: (node._acl as string[]) ?? [],
        ...(opts.cause ? { cause: opts.cause } : {}),
        ...(decision.effects?.length ? { effects: decision.effects } : {}),
      };
      const marker = await this.mark(row._id);
      try {
        await this.models.changes.collection.insertOne(row as never);
      } catch (e) {
        await this.unmark(marker);
        if (!isDuplicateKey(e)) throw e;
        // Someone else changed version v+1 first. Let it land, then decide again on the new state.
        await this.settle(row._id, opts.model as unknown as Model<EntityDoc>, version);
        continue;
      }
      await this.finish(row, node, marker);
      return node as unknown as T;
    }
    throw conflict(`${opts.entityType} ${opts.id} is changing too often; retry`);
  }

  /** Creates an entity with its `created` event; with an idempotency key, a retry returns the first. */
  async create<T extends EntityDoc>(opts: CreateOptions<T>): Promise<{ doc: T; created: boolean }> {
    this.register(opts.model);
    const model = opts.model as unknown as Model<EntityDoc>;
    if (opts.idempotencyKey) {
      const existing = await this.claimed(opts.idempotencyKey, model);
      if (existing) return { doc: existing as T, created: false };
    }
    let id = opts.doc._id;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const now = new Date();
      const node = { ...opts.doc, _id: id, version: 1, createdAt: now, updatedAt: now } as Record<
        string,
        unknown
      >;
      const row: ChangeRow = {
        _id: `${id}#1`,
        collection: model.collection.collectionName,
        entityType: opts.entityType,
        entityId: id,
        version: 1,
        kind: 'created',
        from: null,
        to: (node.status as string | undefined) ?? null,
        set: node,
        unset: [],
        actor: opts.actor,
        at: now,
        partition: partitionOf(opts.partitionKey, this.feed.partitions),
        acl: (node._acl as string[]) ?? [],
        ...(opts.idempotencyKey ? { idem: opts.idempotencyKey } : {}),
        ...(opts.effects?.length ? { effects: opts.effects } : {}),
      };
      const marker = await this.mark(row._id);
      try {
        await this.models.changes.collection.insertOne(row as never);
      } catch (e) {
        await this.unmark(marker);
        if (!isDuplicateKey(e)) throw e;
        if (!opts.newId) throw conflict(`${opts.entityType} ${id} already exists`);
        id = opts.newId(); // an id collision: draw another
        continue;
      }
      if (opts.idempotencyKey) {
        try {
          await this.models.claims.collection.insertOne({
            _id: opts.idempotencyKey,
            entityId: id,
            at: now,
          } as never);
        } catch (e) {
          if (!isDuplicateKey(e)) throw e;
          // A concurrent request with the same key won: abandon ours, answer with theirs.
          await this.models.changes.updateOne({ _id: row._id }, { $set: { void: true } });
          await this.unmark(marker);
          const theirs = await this.claimed(opts.idempotencyKey, model);
          if (!theirs) throw conflict('a request with this idempotency key is still being processed; retry');
          return { doc: theirs as T, created: false };
        }
      }
      await this.finish(row, node, marker);
      return { doc: node as unknown as T, created: true };
    }
    throw conflict(`could not allocate a free ${opts.entityType} id`);
  }

  /** The change rows of an entity, oldest first: its audit history. */
  async history(entityId: string, limit = 200): Promise<ChangeRow[]> {
    return this.models.changes
      .find({ entityId, void: { $ne: true } })
      .sort({ version: 1 })
      .limit(limit)
      .lean<ChangeRow[]>();
  }

  /**
   * Finishes changes whose writer died between the compare-and-set and the event. A sweep already
   * running may have listed its markers before the caller's; wait for it, then sweep again.
   */
  async recoverPending(graceMs = this.graceMs): Promise<number> {
    while (this.sweep) await this.sweep;
    this.sweep = this.sweepOnce(graceMs).finally(() => {
      this.sweep = null;
    });
    return this.sweep;
  }

  /** The periodic sweep: skipped while one is running. */
  private sweepIfIdle(): void {
    if (!this.sweep) void this.recoverPending();
  }

  private async sweepOnce(graceMs: number): Promise<number> {
    let recovered = 0;
    let stale: { _id: string; changeId: string }[];
    try {
      stale = await this.models.pending.find({ at: { $lt: new Date(Date.now() - graceMs) } }).lean();
    } catch (e) {
      this.opts.log.warn({ err: (e as Error).message }, 'change recovery failed, will retry');
      return 0;
    }
    // Each marker on its own: one that cannot be finished now must not hold up the others.
    for (const marker of stale) {
      try {
        await this.recover(marker.changeId);
        await this.unmark(marker._id);
        recovered++;
      } catch (e) {
        this.opts.log.warn(
          { change: marker.changeId, err: (e as Error).message },
          'could not finish an interrupted change, will retry',
        );
      }
    }
    if (recovered > 0) this.opts.log.warn({ recovered }, 'finished changes left by an interrupted writer');
    return recovered;
  }

  private async mark(changeId: string): Promise<string> {
    const id = randomUUID();
    await this.models.pending.collection.insertOne({ _id: id, changeId, at: new Date() } as never);
    return id;
  }

  private async unmark(id: string): Promise<void> {
    await this.models.pending.deleteOne({ _id: id });
  }

  private async finish(row: ChangeRow, node: Record<string, unknown>, marker: string | null): Promise<void> {
    const model = this.entities.get(row.collection)!;
    await this.opts.pauseAt?.('apply', row);
    try {
      await applyRow(model, row, this.applyCheck(row));
    } catch (e) {
      if (!(e instanceof UniqueIndexRefused)) throw e;
      await this.models.changes.updateOne({ _id: row._id }, { $set: { void: true } });
      if (marker) await this.unmark(marker);
      throw conflict(e.message);
    }
    await this.opts.pauseAt?.('append', row);
    const fed = fedFields(await this.feedInOrder(row, node));
    if (row.effects?.length) {
      await this.models.changes.updateOne({ _id: row._id }, { $set: fed });
      await this.runEffects(row);
      await this.models.changes.updateOne({ _id: row._id }, { $set: { applied: true } });
    } else {
      // no effects: one write says both
      await this.models.changes.updateOne({ _id: row._id }, { $set: { ...fed, applied: true } });
    }
    if (marker) await this.unmark(marker);
  }

  /**
   * How a writer makes sure it applies its row only to the version it decided on, so that a late writer
   * cannot roll back a newer change that recovery let through. MongoDB and FerretDB v2: the update's
   * filter names the version (atomic; kit/test/atomic-updates.test.ts). FerretDB v1 pushes down nothing
   * but `_id` (a version filter scans the collection) and its updates are read-modify-write anyway, so: a
   * writer within half the grace period of its change cannot have been overtaken (no one helps finish a
   * change younger than the grace period, and a newer change needs this one applied), so it updates by
   * `_id`; a later one reads the version first.
   */
  private applyCheck(row: ChangeRow): ApplyCheck {
    if (this.opts.dialect() === 'mongodb') return 'filter';
    return Date.now() - row.at.getTime() < this.graceMs / 2 ? 'none' : 'read';
  }

  /**
   * Appends a change's event after the event of the entity's previous change. Version v+1 can be decided
   * as soon as v is applied, before v's event is appended, so it waits here for v's event (its append in
   * this process, or its row's `fed` mark), and finishes v itself if v's writer seems to have died.
   */
  private async feedInOrder(row: ChangeRow, node: Record<string, unknown>): Promise<string | null> {
    const appending = (async () => {
      if (row.version > 1) await this.previousFed(row.entityId, row.version - 1);
      return this.feed.append(row, node);
    })();
    this.feeding.set(row._id, appending);
    try {
      const slot = await appending;
      this.rememberFed(row.entityId, row.version);
      return slot;
    } finally {
      this.feeding.delete(row._id);
    }
  }

  private async previousFed(entityId: string, version: number): Promise<void> {
    if ((this.fedUpTo.get(entityId) ?? 0) >= version) return;
    const changeId = `${entityId}#${version}`;
    const local = this.feeding.get(changeId);
    if (local && (await settlesWithin(local, this.graceMs))) return;
    const deadline = Date.now() + this.graceMs;
    for (;;) {
      const prev = await this.models.changes.findById(changeId, { fed: 1, applied: 1, void: 1 }).lean();
      if (!prev || prev.void || isFed(prev)) {
        this.rememberFed(entityId, version);
        return;
      }
      if (Date.now() >= deadline) return this.recover(changeId);
      await sleep(15);
    }
  }

  private rememberFed(entityId: string, version: number): void {
    if ((this.fedUpTo.get(entityId) ?? 0) >= version) return;
    this.fedUpTo.delete(entityId); // re-inserted last: the oldest entry is the first to go
    this.fedUpTo.set(entityId, version);
    if (this.fedUpTo.size > FED_REMEMBERED) this.fedUpTo.delete(this.fedUpTo.keys().next().value!);
  }

  private async runEffects(row: ChangeRow): Promise<void> {
    for (const effect of row.effects ?? []) {
      const model = this.entities.get(effect.collection);
      if (!model) throw new Error(`effect on unregistered collection ${effect.collection}`);
      try {
        await this.change<EntityDoc>({
          model,
          entityType: effect.entityType,
          id: effect.entityId,
          actor: row.actor,
          cause: row._id,
          partitionKey: () => effect.partitionKey,
          decide: (doc) => {
            const causes = doc._causes ?? [];
            if (causes.includes(row._id)) throw new EffectDone();
            if (effect.expect && !effect.expect.includes(doc.status ?? '')) {
              throw conflict(`${effect.entityType} ${effect.entityId} is ${doc.status}`, doc.status);
            }
            return {
              kind: effect.kind,
              ...(effect.to ? { to: effect.to } : {}),
              set: { ...effect.set, _causes: [...causes.slice(-(CAUSES_KEPT - 1)), row._id] },
              ...(effect.effects?.length ? { effects: effect.effects } : {}),
            };
          },
        });
      } catch (e) {
        if (e instanceof EffectDone) continue;
        // The target moved on in the meantime; the primary change stands. Logged for operators.
        this.opts.log.error(
          { change: row._id, effect: effect.entityId, err: (e as Error).message },
          'effect of a change could not be applied',
        );
      }
    }
  }

  /** Waits for a competing change to land; helps finish it if its writer seems to have died. */
  private async settle(changeId: string, model: Model<EntityDoc>, version: number): Promise<void> {
    const entityId = changeId.slice(0, changeId.lastIndexOf('#'));
    const deadline = Date.now() + this.graceMs;
    while (Date.now() < deadline) {
      const doc = await model.findById(entityId, { version: 1 }).lean();
      if (doc && doc.version >= version) return;
      await new Promise((r) => setTimeout(r, 15));
    }
    await this.recover(changeId);
  }

  private async claimed(key: string, model: Model<EntityDoc>): Promise<EntityDoc | null> {
    const claim = await this.models.claims.findById(key).lean();
    if (!claim) return null;
    const deadline = Date.now() + this.graceMs;
    for (;;) {
      const doc = await model.findById(claim.entityId).lean<EntityDoc>();
      if (doc) return doc;
      if (Date.now() > deadline) {
        await this.recover(`${claim.entityId}#1`);
        return model.findById(claim.entityId).lean<EntityDoc>();
      }
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  /** Brings the entity of `changeId` up to that change, appends its event, runs its effects. Idempotent. */
  private async recover(changeId: string): Promise<void> {
    const row = await this.models.changes.findById(changeId).lean<ChangeRow>();
    if (!row || row.void) return;
    const model = this.entities.get(row.collection);
    if (!model) {
      this.opts.log.error({ change: changeId }, 'cannot recover a change of an unregistered collection');
      return;
    }
    if (row.idem) {
      try {
        await this.models.claims.collection.insertOne({
          _id: row.idem,
          entityId: row.entityId,
          at: row.at,
        } as never);
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        const claim = await this.models.claims.findById(row.idem).lean();
        if (claim && claim.entityId !== row.entityId) {
          await this.models.changes.updateOne({ _id: row._id }, { $set: { void: true } });
          return;
        }
      }
    }
    let doc = await model.findById(row.entityId, { version: 1 }).lean<EntityDoc>();
    if ((doc?.version ?? 0) < row.version - 1) {
      await this.recover(`${row.entityId}#${(doc?.version ?? 0) + 1}`);
      doc = await model.findById(row.entityId, { version: 1 }).lean<EntityDoc>();
    }
    if ((doc?.version ?? 0) === row.version - 1) {
      try {
        // just read at the right version; MongoDB checks it again in the update itself
        await applyRow(model, row, this.opts.dialect() === 'mongodb' ? 'filter' : 'none');
      } catch (e) {
        if (!(e instanceof UniqueIndexRefused)) throw e;
        await this.models.changes.updateOne({ _id: row._id }, { $set: { void: true } });
        return;
      }
    }
    if (!isFed(row)) {
      const slot = await this.feedInOrder(row, row.node ?? row.set);
      await this.models.changes.updateOne({ _id: row._id }, { $set: fedFields(slot) });
    }
    await this.runEffects(row);
    await this.models.changes.updateOne({ _id: row._id }, { $set: { applied: true } });
  }
}

/** Whether a change's event is in the feed: `fed`, or `applied` (set after the append; older rows have only that). */
const isFed = (row: Pick<ChangeRow, 'fed' | 'applied'>) => row.fed === true || row.applied === true;

/** What a change row records once its event is in the feed (the slot, when this process appended it). */
function fedFields(slot: string | null): Partial<ChangeRow> {
  return slot ? { fed: true, slot } : { fed: true };
}

/** Whether `p` fulfils within `ms` (false when it fails or takes longer). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

class EffectDone extends Error {}

/** A creation refused by a unique index of the entity collection (other than _id). */
class UniqueIndexRefused extends Error {
  constructor(readonly row: ChangeRow) {
    super(`${row.entityType} ${row.entityId} would break a uniqueness rule`);
  }
}

function withChange(
  doc: Record<string, unknown>,
  set: Record<string, unknown>,
  unset: string[],
  version: number,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...doc, ...set, version };
  for (const k of unset) delete next[k];
  return next;
}

type ApplyCheck = 'filter' | 'read' | 'none';

async function applyRow(model: Model<EntityDoc>, row: ChangeRow, check: ApplyCheck): Promise<void> {
  if (row.version === 1) {
    try {
      await model.collection.insertOne(row.set as never);
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      // Applied already (recovery raced the writer), or refused by another unique index of the entity.
      if (await model.exists({ _id: row.entityId } as never)) return;
      throw new UniqueIndexRefused(row);
    }
    return;
  }
  const update: Record<string, unknown> = { $set: { ...row.set, version: row.version } };
  if (row.unset.length) update.$unset = Object.fromEntries(row.unset.map((k) => [k, '']));
  // Only from the version the change was decided on (see applyCheck); otherwise it was applied already.
  const filter: Record<string, unknown> = { _id: row.entityId };
  if (check === 'filter') filter.version = row.version - 1;
  if (check === 'read') {
    const doc = await model.findById(row.entityId, { version: 1 }).lean();
    if (doc?.version !== row.version - 1) return;
  }
  await model.collection.updateOne(filter as never, update);
}
