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
  for (const [k, parse] of Object.entries(fields) as [keyof F, (v: unknown) => [string, unknown]][]) {
    const v = filter[k];
    if (v === null || v === undefined) continue;
    const [path, value] = parse(v);
    const prev = out[path];
    // two bounds on one field (createdFrom / createdTo) merge into one range
    out[path] =
      prev && typeof prev === 'object' && value && typeof value === 'object' && !(value instanceof Date)
        ? { ...prev, ...value }
        : value;
  }
  return out;
}

/** A free-text note on an action: trimmed, empty as null, printable, bounded (text.ts). */
export const validNote = (value: string | null | undefined, field = 'input.note'): string | null =>
  optionalText(value, field);
