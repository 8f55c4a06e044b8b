// Mongoose schemas for entities: every entity has a string _id (its human-readable id), a version
// (bumped by every change, see changes/store.ts), an _acl (see tenancy.ts) and timestamps.
// Writes go through the change store, so mongoose is used here for shape, indexes and reads.
import {
  type Connection,
  type IndexDefinition,
  type IndexOptions,
  type Model,
  Schema,
  type SchemaDefinition,
} from 'mongoose';
import type { EntityDoc } from './changes/store.js';

export function entityModel<T extends EntityDoc>(
  conn: Connection,
  name: string,
  collection: string,
  fields: SchemaDefinition,
  indexes: [IndexDefinition, IndexOptions?][] = [],
): Model<T> {
  const schema = new Schema(
    {
      _id: { type: String, required: true },
      version: { type: Number, required: true },
      _acl: { type: [String], default: [] },
      _causes: { type: [String], default: undefined },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
      ...fields,
    },
    { collection, versionKey: false, strict: false, _id: false, minimize: false },
  );
  // Lists are "what this tenant may see, newest first": one index serves that order for every tenant.
  schema.index({ _acl: 1, createdAt: -1, _id: -1 });
  schema.index({ createdAt: -1, _id: -1 });
  for (const [def, opts] of indexes) schema.index(def, opts);
  return conn.model<T>(name, schema as never);
}
