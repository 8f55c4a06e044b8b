// Small input helpers shared by the partners resolvers.
import type { PageArgs } from '@daas/kit';

export { mapFilter, mustLoad, scopedKey, validNote } from '@daas/kit';

export type Args<T> = PageArgs & T;

/** GraphQL enums are the upper-case form of the stored lower-case values. */
export const lower = <T extends string>(v: string): T => v.toLowerCase() as T;
export const upper = (v: string | null | undefined) => (v ? v.toUpperCase() : null);
