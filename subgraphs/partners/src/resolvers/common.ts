// Small input helpers shared by the partners resolvers.
import { badInput, type PageArgs } from '@daas/kit';
import type DataLoader from 'dataloader';

export type Args<T> = PageArgs & T;

/** GraphQL enums are the upper-case form of the stored lower-case values. */
export const lower = <T extends string>(v: string): T => v.toLowerCase() as T;
export const upper = (v: string | null | undefined) => (v ? v.toUpperCase() : null);

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

export function validNote(value: string | null | undefined, field = 'input.note'): string | null {
  const text = value?.trim() || null;
  if (text && text.length > 2000) throw badInput(field, 'at most 2000 characters');
  return text;
}

/** A client's idempotency key, scoped to the operation and the account so keys never collide. */
export function scopedKey(
  operation: string,
  account: string,
  key: string | null | undefined,
): string | undefined {
  if (key === null || key === undefined) return undefined;
  const k = key.trim();
  if (k.length === 0 || k.length > 200) throw badInput('input.idempotencyKey', 'must be 1 to 200 characters');
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
    out[path] = value;
  }
  return out;
}
