// Per-request DataLoaders: every entity hop (including __resolveReference) goes through one, so a list of
// N items costs one query per entity type, whatever N is. Visibility is applied after loading.
import DataLoader from 'dataloader';
import type { Model } from 'mongoose';
import type { ChangeRow } from './changes/models.js';
import type { ChangeStore } from './changes/store.js';
import { notFound } from './errors.js';
import type { Identity } from './identity.js';
import { canSee, type Scoped } from './tenancy.js';

export function byIdLoader<T extends { _id: string } & Scoped>(
  model: Model<T>,
  identity: Identity,
  /** the visibility rule; the default is the _acl rule of tenancy.ts */
  visible: (doc: T) => boolean = (doc) => canSee(identity, doc),
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(
    async (ids) => {
      const docs = await model.find({ _id: { $in: [...ids] } } as never).lean<T[]>();
      const byId = new Map(docs.map((d) => [d._id, d]));
      return ids.map((id) => {
        const doc = byId.get(id);
        return doc && visible(doc) ? doc : null;
      });
    },
    { maxBatchSize: 500 },
  );
}

/** Loads many documents grouped by a foreign key (e.g. the usage files of each asset) in one query. */
export function groupLoader<T extends Scoped>(
  model: Model<T>,
  field: string,
  identity: Identity,
  sort: Record<string, 1 | -1> = { createdAt: -1 },
  perKeyLimit = 100,
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(
    async (keys) => {
      const docs = await model
        .find({ [field]: { $in: [...keys] } } as never)
        .sort(sort)
        .lean<T[]>();
      const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
      for (const doc of docs) {
        if (!canSee(identity, doc)) continue;
        const group = groups.get(String((doc as Record<string, unknown>)[field]));
        if (group && group.length < perKeyLimit) group.push(doc);
      }
      return keys.map((k) => groups.get(k) ?? []);
    },
    { maxBatchSize: 200 },
  );
}

/** For root `thing(id:)` queries: what does not exist, or may not be seen, is NOT_FOUND. */
export async function mustExist<T>(
  entity: string,
  id: string,
  doc: Promise<T | null> | T | null,
): Promise<T> {
  const found = await doc;
  if (found === null || found === undefined) throw notFound(entity, id);
  return found;
}

/** The change rows (audit history) of many entities in one query, oldest first; voided attempts left out. */
export function historyLoader(changes: ChangeStore): DataLoader<string, ChangeRow[]> {
  return new DataLoader<string, ChangeRow[]>(
    async (ids) => {
      const rows = await changes.models.changes
        .find({ entityId: { $in: [...ids] }, void: { $ne: true } })
        .sort({ entityId: 1, version: 1 })
        .lean<ChangeRow[]>();
      const byId = new Map<string, ChangeRow[]>(ids.map((id) => [id, []]));
      for (const r of rows) byId.get(r.entityId)?.push(r);
      return ids.map((id) => byId.get(id) ?? []);
    },
    { maxBatchSize: 100 },
  );
}
