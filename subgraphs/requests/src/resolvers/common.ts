// Shared by the requests resolvers: filters and the change history as events.
import { apiEnum, historyEvent, parseId, storedEnum } from '@daas/kit';
import type { RequestContext } from '../env.js';

export const idParser =
  (path: string, field: string, kind: Parameters<typeof parseId>[2]) =>
  (v: string): [string, unknown] => [path, parseId(v, field, kind)];

export const statusParser =
  (path = 'status') =>
  (v: string): [string, unknown] => [path, storedEnum(v)];

export const createdFrom = (v: Date): [string, unknown] => ['createdAt', { $gte: v }];
export const createdTo = (v: Date): [string, unknown] => ['createdAt', { $lte: v }];

/** What a requests change records as written by its actor. */
const NOTE_FIELDS = ['note', 'reason'];

export const history = (doc: { _id: string }, _: unknown, ctx: RequestContext) =>
  ctx.loaders.history
    .load(doc._id)
    .then((rows) => rows.map((row) => historyEvent(row, { noteFields: NOTE_FIELDS, present: apiEnum })));

export const ref = (id: string | null | undefined) => (id ? { id } : null);
