// Shared by the requests resolvers: enum casing, filters, the change history as events.
import { historyEvent, parseId } from '@daas/kit';
import type { RequestContext } from '../env.js';

/** GraphQL enums are the upper-case form of the stored lower-case values. */
export const lower = <T extends string>(v: string): T => v.toLowerCase() as T;
export const upper = (v: string | null | undefined) => (v ? v.toUpperCase() : null);

export const idParser =
  (path: string, field: string, kind: Parameters<typeof parseId>[2]) =>
  (v: string): [string, unknown] => [path, parseId(v, field, kind)];

export const statusParser =
  (path = 'status') =>
  (v: string): [string, unknown] => [path, v.toLowerCase()];

export const createdFrom = (v: Date): [string, unknown] => ['createdAt', { $gte: v }];
export const createdTo = (v: Date): [string, unknown] => ['createdAt', { $lte: v }];

/** What a requests change records as written by its actor. */
const NOTE_FIELDS = ['note', 'reason'];

export const history = (doc: { _id: string }, _: unknown, ctx: RequestContext) =>
  ctx.loaders.history
    .load(doc._id)
    .then((rows) => rows.map((row) => historyEvent(row, { noteFields: NOTE_FIELDS })));

export const ref = (id: string | null | undefined) => (id ? { id } : null);
