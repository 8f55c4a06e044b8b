// Subscriptions of the requests subgraph: the kit's feed subscription over its three entities, each with
// its typed filter (ids parsed and statuses checked up front, so a bad filter is refused before anything starts).
import { apiEnum, badInput, feedSubscription, type IdKind, parseId, storedEnum } from '@daas/kit';
import type { RequestContext } from '../env.js';
import type { AssetDoc, AssetRequestDoc, TierConfigRequestDoc } from '../models/index.js';

interface AssetRequestChangeFilter {
  asset?: string | null;
  product?: string | null;
  statuses?: string[] | null;
  types?: string[] | null;
}

interface AssetChangeFilter {
  id?: string | null;
  product?: string | null;
  marketplace?: string | null;
  statuses?: string[] | null;
}

interface TierConfigRequestChangeFilter {
  product?: string | null;
  account?: string | null;
  statuses?: string[] | null;
}

/** A list filter as a set of stored (lower-case) values; an empty list would match nothing: refused. */
function oneOf(values: string[] | null | undefined, field: string): Set<string> | null {
  if (!values) return null;
  if (values.length === 0) throw badInput(field, 'give at least one value');
  return new Set(values.map((v) => storedEnum(v)));
}

const id = (value: string | null | undefined, field: string, kind: IdKind) =>
  value ? parseId(value, field, kind) : null;

export function assetRequestChangePredicate(f: AssetRequestChangeFilter | null | undefined) {
  const asset = id(f?.asset, 'filter.asset', 'asset');
  const product = id(f?.product, 'filter.product', 'product');
  const statuses = oneOf(f?.statuses, 'filter.statuses');
  const types = oneOf(f?.types, 'filter.types');
  return (entity: Record<string, unknown>) => {
    const r = entity as unknown as AssetRequestDoc;
    return (
      (!asset || r.assetId === asset) &&
      (!product || r.productId === product) &&
      (!statuses || statuses.has(r.status)) &&
      (!types || types.has(r.type))
    );
  };
}

export function assetChangePredicate(f: AssetChangeFilter | null | undefined) {
  const asset = id(f?.id, 'filter.id', 'asset');
  const product = id(f?.product, 'filter.product', 'product');
  const marketplace = id(f?.marketplace, 'filter.marketplace', 'marketplace');
  const statuses = oneOf(f?.statuses, 'filter.statuses');
  return (entity: Record<string, unknown>) => {
    const a = entity as unknown as AssetDoc;
    return (
      (!asset || a._id === asset) &&
      (!product || a.productId === product) &&
      (!marketplace || a.marketplaceId === marketplace) &&
      (!statuses || statuses.has(a.status))
    );
  };
}

export function tierConfigRequestChangePredicate(f: TierConfigRequestChangeFilter | null | undefined) {
  const product = id(f?.product, 'filter.product', 'product');
  const account = id(f?.account, 'filter.account', 'tierAccount');
  const statuses = oneOf(f?.statuses, 'filter.statuses');
  return (entity: Record<string, unknown>) => {
    const r = entity as unknown as TierConfigRequestDoc;
    return (
      (!product || r.productId === product) &&
      (!account || r.accountId === account) &&
      (!statuses || statuses.has(r.status))
    );
  };
}

export const subscriptionResolvers = {
  Subscription: {
    assetRequestChanged: feedSubscription<AssetRequestChangeFilter, RequestContext>({
      entityType: 'AssetRequest',
      entityField: 'assetRequest',
      filter: assetRequestChangePredicate,
      present: apiEnum,
    }),
    assetChanged: feedSubscription<AssetChangeFilter, RequestContext>({
      entityType: 'Asset',
      entityField: 'asset',
      filter: assetChangePredicate,
      present: apiEnum,
    }),
    tierConfigRequestChanged: feedSubscription<TierConfigRequestChangeFilter, RequestContext>({
      entityType: 'TierConfigRequest',
      entityField: 'tierConfigRequest',
      filter: tierConfigRequestChangePredicate,
      present: apiEnum,
    }),
  },
};
