// Every entity kind is declared once (its model, the type its events carry, the key of its feed
// partition) and written through a writer bound to the change store, so no write names those three again
// and no creation can put an entity's first event in another partition than its later ones.
import type { Model } from 'mongoose';
import type { ChangeOptions, ChangeStore, CreateOptions, EntityDoc } from './store.js';

export interface EntityKind<T extends EntityDoc> {
  model: Model<T>;
  entityType: string;
  /** stable for the entity's life (e.g. its vendor account): its events stay in order in one partition */
  partitionKey(doc: T): string;
}

export const entityKind = <T extends EntityDoc>(
  model: Model<T>,
  entityType: string,
  partitionKey: (doc: T) => string,
): EntityKind<T> => ({ model, entityType, partitionKey });

type Declared = 'model' | 'entityType' | 'partitionKey';

/** The writes of one entity kind: `create` and `change` of the change store, with the declaration filled in. */
export class EntityWriter<T extends EntityDoc> {
  constructor(
    private readonly store: ChangeStore,
    readonly kind: EntityKind<T>,
  ) {
    store.register(kind.model);
  }

  create(opts: Omit<CreateOptions<T>, Declared>): Promise<{ doc: T; created: boolean }> {
    const { model, entityType, partitionKey } = this.kind;
    return this.store.create({ ...opts, model, entityType, partitionKey: partitionKey(opts.doc as T) });
  }

  change(opts: Omit<ChangeOptions<T>, Declared>): Promise<T> {
    const { model, entityType, partitionKey } = this.kind;
    return this.store.change({ ...opts, model, entityType, partitionKey });
  }
}

type DocOf<K> = K extends EntityKind<infer T> ? T : never;
export type EntityWriters<K> = { [N in keyof K]: EntityWriter<DocOf<K[N]>> };

/** One writer per declared kind, bound to `store`. */
export function entityWriters<K extends Record<string, unknown>>(
  store: ChangeStore,
  kinds: K,
): EntityWriters<K> {
  return Object.fromEntries(
    Object.entries(kinds).map(([name, kind]) => [
      name,
      new EntityWriter(store, kind as unknown as EntityKind<EntityDoc>),
    ]),
  ) as unknown as EntityWriters<K>;
}
