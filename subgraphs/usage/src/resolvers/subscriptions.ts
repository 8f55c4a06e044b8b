// `usageFileChanged`: the kit's feed subscription over usage files, with its typed filter.
import { badInput, feedSubscription, parseId } from '@daas/kit';
import type { UsageContext } from '../env.js';
import type { UsageFileDoc } from '../models/index.js';

interface UsageFileChangeFilter {
  id?: string | null;
  product?: string | null;
  statuses?: string[] | null;
}

export function usageFileChangePredicate(f: UsageFileChangeFilter | null | undefined) {
  const id = f?.id ? parseId(f.id, 'filter.id', 'usageFile') : null;
  const product = f?.product ? parseId(f.product, 'filter.product', 'product') : null;
  if (f?.statuses && f.statuses.length === 0) throw badInput('filter.statuses', 'give at least one value');
  const statuses = f?.statuses ? new Set(f.statuses) : null;
  return (entity: Record<string, unknown>) => {
    const u = entity as unknown as UsageFileDoc;
    return (
      (!id || u._id === id) && (!product || u.productId === product) && (!statuses || statuses.has(u.status))
    );
  };
}

export const subscriptionResolvers = {
  Subscription: {
    usageFileChanged: feedSubscription<UsageFileChangeFilter, UsageContext>({
      entityType: 'UsageFile',
      entityField: 'usageFile',
      filter: usageFileChangePredicate,
    }),
  },
};
