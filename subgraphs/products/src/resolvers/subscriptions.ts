// `listingRequestChanged`: the kit's feed subscription over listing requests, with its typed filter.
import { apiEnum, badInput, feedSubscription, parseId, storedEnum } from '@daas/kit';
import type { ProductContext } from '../env.js';
import type { ListingRequestDoc } from '../models/index.js';

interface ListingRequestChangeFilter {
  product?: string | null;
  marketplace?: string | null;
  statuses?: string[] | null;
  types?: string[] | null;
}

function oneOf(values: string[] | null | undefined, field: string): Set<string> | null {
  if (!values) return null;
  if (values.length === 0) throw badInput(field, 'give at least one value');
  return new Set(values.map((v) => storedEnum(v)));
}

export function listingRequestChangePredicate(f: ListingRequestChangeFilter | null | undefined) {
  const product = f?.product ? parseId(f.product, 'filter.product', 'product') : null;
  const marketplace = f?.marketplace ? parseId(f.marketplace, 'filter.marketplace', 'marketplace') : null;
  const statuses = oneOf(f?.statuses, 'filter.statuses');
  const types = oneOf(f?.types, 'filter.types');
  return (entity: Record<string, unknown>) => {
    const r = entity as unknown as ListingRequestDoc;
    return (
      (!product || r.product === product) &&
      (!marketplace || r.marketplace === marketplace) &&
      (!statuses || statuses.has(r.status)) &&
      (!types || types.has(r.type))
    );
  };
}

export const subscriptionResolvers = {
  Subscription: {
    listingRequestChanged: feedSubscription<ListingRequestChangeFilter, ProductContext>({
      entityType: 'ListingRequest',
      entityField: 'listingRequest',
      filter: listingRequestChangePredicate,
      present: apiEnum,
    }),
  },
};
