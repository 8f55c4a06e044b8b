// Small input helpers shared by the products resolvers.
import { badInput, type Identity, type PageArgs, seesEverything } from '@daas/kit';
import type DataLoader from 'dataloader';

export type Args<T> = PageArgs & T;
export type Input<T> = { input: T };

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

/** A client's idempotency key, bounded (the flow scopes it to the operation and the account). */
export function validKey(key: string | null | undefined): string | undefined {
  if (key === null || key === undefined) return undefined;
  const k = key.trim();
  if (k.length === 0 || k.length > 200) throw badInput('input.idempotencyKey', 'must be 1 to 200 characters');
  return k;
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

/** The product's vendor, the operator and platform services read its master. */
export const readsMaster = (identity: Identity, product: { vendor: string }) =>
  seesEverything(identity) || product.vendor === identity.accountId;

/** Present in the input (possibly null) versus left out: GraphQL keeps the difference. */
export const given = <T extends object>(input: T, key: keyof T) =>
  Object.hasOwn(input, key) && (input as Record<keyof T, unknown>)[key] !== undefined;
