// Small input helpers every subgraph's resolvers share: loading what a mutation names, idempotency keys,
// typed filters mapped field by field.
import type DataLoader from 'dataloader';
import { badInput } from './errors.js';
import { optionalText, requiredText } from './text.js';

/** Loads an entity named in a mutation's input: unknown and invisible are the same BAD_USER_INPUT. */
export async function mustLoad<T>(
  loader: DataLoader<string, T | null>,
  id: string,
  field: string,
  entity: string,
): Promise<T> {
  const doc = await loader.load(id);
  if (!doc) throw badInput(field, `no ${entity} ${id}`);
  return doc;
}

/** A client's idempotency key, scoped to the operation and the account so keys never collide. */
export function scopedKey(
  operation: string,
  account: string,
  key: string | null | undefined,
): string | undefined {
  if (key === null || key === undefined) return undefined;
  const k = requiredText(key, 'input.idempotencyKey');
  return `${operation}:${account}:${k}`;
}

/** Copies the set fields of a typed filter, each through its own parser; no client JSON reaches a query. */
export function mapFilter<F extends object>(
  filter: F | null | undefined,
  fields: { [K in keyof F]?: (value: NonNullable<F[K]>) => [string, unknown] },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!filter) return out;
  const and: Record<string, unknown>[] = [];
  for (const [k, parse] of Object.entries(fields) as [keyof F, (v: unknown) => [string, unknown]][]) {
    const v = filter[k];
    if (v === null || v === undefined) continue;
    const [path, value] = parse(v);
    const prev = out[path];
    if (prev === undefined) out[path] = value;
    // two bounds on one field (createdFrom / createdTo) merge into one range
    else if (isOperators(prev) && isOperators(value) && !Object.keys(value).some((op) => op in prev)) {
      out[path] = { ...prev, ...value };
    }
    // anything else on the same field (status and statuses) must hold as well, never replace it
    else and.push({ [path]: value });
  }
  if (and.length) out.$and = and;
  return out;
}

const isOperators = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && v.constructor === Object && Object.keys(v).every((k) => k.startsWith('$'));

/** A plural filter field (`statuses: [..]`): any of its values, each through `parse`; never empty. */
export const anyOf =
  <T>(path: string, field: string, parse: (value: T) => unknown) =>
  (values: T[]): [string, unknown] => {
    if (values.length === 0) throw badInput(field, 'give at least one value');
    return [path, { $in: [...new Set(values.map(parse))] }];
  };

/** Text a client typed, matched literally inside a `$regex` (a search, a name filter). */
export const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A free-text note on an action: trimmed, empty as null, printable, bounded (text.ts). */
export const validNote = (value: string | null | undefined, field = 'input.note'): string | null =>
  optionalText(value, field);
