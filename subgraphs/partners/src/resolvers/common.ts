// Small input helpers shared by the partners resolvers.
import type { PageArgs } from '@daas/kit';

export { mapFilter, mustLoad, scopedKey, validNote } from '@daas/kit';

export type Args<T> = PageArgs & T;
