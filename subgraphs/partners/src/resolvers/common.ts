// Small input helpers shared by the partners resolvers.
import { badInput, type PageArgs } from '@daas/kit';

export { mapFilter, mustLoad, scopedKey } from '@daas/kit';

export type Args<T> = PageArgs & T;

/** GraphQL enums are the upper-case form of the stored lower-case values. */
export const lower = <T extends string>(v: string): T => v.toLowerCase() as T;
export const upper = (v: string | null | undefined) => (v ? v.toUpperCase() : null);

export function validNote(value: string | null | undefined, field = 'input.note'): string | null {
  const text = value?.trim() || null;
  if (text && text.length > 2000) throw badInput(field, 'at most 2000 characters');
  return text;
}
