// The typed filters of listings and listing requests, mapped field by field onto their collections.
import { type Identity, parseId, storedEnum, visibleTo } from '@daas/kit';
import { mapFilter } from './common.js';

export interface ListingFilter {
  product?: string;
  marketplace?: string;
  status?: string;
  contract?: string;
  vendor?: string;
  provider?: string;
}

export function listingQuery(
  identity: Identity,
  filter: ListingFilter | null | undefined,
  base: Record<string, unknown> = {},
) {
  return {
    ...visibleTo(identity),
    ...mapFilter(filter, {
      product: (v) => ['product', parseId(v, 'filter.product', 'product')],
      marketplace: (v) => ['marketplace', parseId(v, 'filter.marketplace', 'marketplace')],
      status: (v) => ['status', storedEnum(v)],
      contract: (v) => ['contract', parseId(v, 'filter.contract', 'distributionContract')],
      vendor: (v) => ['vendor', parseId(v, 'filter.vendor', 'vendorAccount')],
      provider: (v) => ['provider', parseId(v, 'filter.provider', 'providerAccount')],
    }),
    // the parent's own condition last: a filter cannot widen a nested list beyond its parent
    ...base,
  };
}

export interface ListingRequestFilter {
  status?: string;
  type?: string;
  product?: string;
  marketplace?: string;
  listing?: string;
}

export function listingRequestQuery(
  identity: Identity,
  filter: ListingRequestFilter | null | undefined,
  base: Record<string, unknown> = {},
) {
  return {
    ...visibleTo(identity),
    ...mapFilter(filter, {
      status: (v) => ['status', storedEnum(v)],
      type: (v) => ['type', storedEnum(v)],
      product: (v) => ['product', parseId(v, 'filter.product', 'product')],
      marketplace: (v) => ['marketplace', parseId(v, 'filter.marketplace', 'marketplace')],
      listing: (v) => ['listing', parseId(v, 'filter.listing', 'listing')],
    }),
    // the parent's own condition last: a filter cannot widen a nested list beyond its parent
    ...base,
  };
}
