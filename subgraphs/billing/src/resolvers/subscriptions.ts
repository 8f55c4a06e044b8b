// `billingRequestChanged`: the kit's feed subscription over billing requests, with its typed filter.
import { apiEnum, badInput, feedSubscription, parseId, storedEnum } from '@daas/kit';
import type { BillingContext } from '../env.js';
import type { BillingRequestDoc } from '../models/index.js';

interface BillingRequestChangeFilter {
  id?: string | null;
  asset?: string | null;
  statuses?: string[] | null;
}

export function billingRequestChangePredicate(f: BillingRequestChangeFilter | null | undefined) {
  const id = f?.id ? parseId(f.id, 'filter.id', 'vendorBillingRequest', 'providerBillingRequest') : null;
  const asset = f?.asset ? parseId(f.asset, 'filter.asset', 'asset') : null;
  if (f?.statuses && f.statuses.length === 0) throw badInput('filter.statuses', 'give at least one value');
  const statuses = f?.statuses ? new Set(f.statuses.map((s) => storedEnum(s))) : null;
  return (entity: Record<string, unknown>) => {
    const b = entity as unknown as BillingRequestDoc;
    return (!id || b._id === id) && (!asset || b.asset === asset) && (!statuses || statuses.has(b.status));
  };
}

export const subscriptionResolvers = {
  Subscription: {
    billingRequestChanged: feedSubscription<BillingRequestChangeFilter, BillingContext>({
      entityType: 'BillingRequest',
      entityField: 'billingRequest',
      filter: billingRequestChangePredicate,
      present: apiEnum,
    }),
  },
};
