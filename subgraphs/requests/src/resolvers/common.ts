// Shared by the requests resolvers: filters and the change history as events.
import { anyOf, apiEnum, badInput, escapeRegex, historyEvent, parseId, storedEnum } from '@daas/kit';
import type { RequestContext } from '../env.js';

export const idParser =
  (path: string, field: string, kind: Parameters<typeof parseId>[2]) =>
  (v: string): [string, unknown] => [path, parseId(v, field, kind)];

export const statusParser =
  (path = 'status') =>
  (v: string): [string, unknown] => [path, storedEnum(v)];

/** A plural enum filter field (`statuses`, `types`) on the stored field `path`. */
export const enumsParser = (field: string, path = 'status') => anyOf(path, `filter.${field}`, storedEnum);

/** The most customers a `customerName` filter may match: the ids become one `$in` of the list's query. */
export const MAX_NAMED_CUSTOMERS = 1000;

/**
 * `customerName`: the tier accounts whose name holds the text (case-insensitive, an index on `name`),
 * then the list's own `customerId` index. Lists keep their tenant filter, so matching another
 * provider's customer shows nothing more; a text matching too many customers is bad input.
 */
export async function withCustomerName(
  ctx: RequestContext,
  query: Record<string, unknown>,
  text: string | null | undefined,
): Promise<Record<string, unknown>> {
  const term = text?.trim();
  if (!term) return query;
  const ids = await ctx.env.models.TierAccount.find(
    { type: 'customer', name: { $regex: escapeRegex(term), $options: 'i' } },
    { _id: 1 },
  )
    .limit(MAX_NAMED_CUSTOMERS + 1)
    .lean<{ _id: string }[]>();
  if (ids.length > MAX_NAMED_CUSTOMERS) {
    throw badInput(
      'filter.customerName',
      `matches more than ${MAX_NAMED_CUSTOMERS} customers; give more of the name`,
    );
  }
  const and = (query.$and as unknown[] | undefined) ?? [];
  return { ...query, $and: [...and, { customerId: { $in: ids.map((d) => d._id) } }] };
}

export const createdFrom = (v: Date): [string, unknown] => ['createdAt', { $gte: v }];
export const createdTo = (v: Date): [string, unknown] => ['createdAt', { $lte: v }];

/** What a requests change records as written by its actor. */
const NOTE_FIELDS = ['note', 'reason'];

export const history = (doc: { _id: string }, _: unknown, ctx: RequestContext) =>
  ctx.loaders.history
    .load(doc._id)
    .then((rows) => rows.map((row) => historyEvent(row, { noteFields: NOTE_FIELDS, present: apiEnum })));

export const ref = (id: string | null | undefined) => (id ? { id } : null);
