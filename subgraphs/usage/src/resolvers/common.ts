// Small input helpers of the usage resolvers.
import { badInput } from '@daas/kit';
import type DataLoader from 'dataloader';

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

export function text(value: string | null | undefined, field: string, max = 2000): string | null {
  const t = value?.trim() || null;
  if (t && t.length > max) throw badInput(field, `at most ${max} characters`);
  return t;
}

export function requiredText(value: string | null | undefined, field: string, max = 200): string {
  const t = text(value, field, max);
  if (!t) throw badInput(field, 'required');
  return t;
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
