// `assetRequestChanged`: the kit's feed subscription over AssetRequest events (docs/subscriptions.md,
// "Adding a subscription field"), with the typed filter below. Tenancy is the kit's: the event's _acl.
import { badInput, feedSubscription, parseId } from '@daas/kit';
import type { RequestContext } from '../env.js';
import type { AssetRequestDoc } from '../models/index.js';
import { upper } from './common.js';

export interface AssetRequestChangeFilter {
  assetId?: string | null;
  productId?: string | null;
  statuses?: string[] | null;
  types?: string[] | null;
}

/** Each set field narrows; ids are parsed like everywhere else, so a bad one is refused up front. */
export function assetRequestChangePredicate(f: AssetRequestChangeFilter | null | undefined) {
  const asset = f?.assetId ? parseId(f.assetId, 'filter.assetId', 'asset') : null;
  const product = f?.productId ? parseId(f.productId, 'filter.productId', 'product') : null;
  if (f?.statuses?.length === 0) throw badInput('filter.statuses', 'give at least one status');
  if (f?.types?.length === 0) throw badInput('filter.types', 'give at least one type');
  const statuses = f?.statuses ? new Set(f.statuses.map((s) => s.toLowerCase())) : null;
  const types = f?.types ? new Set(f.types.map((s) => s.toLowerCase())) : null;
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

export const assetRequestSubscription = {
  Subscription: {
    assetRequestChanged: feedSubscription<AssetRequestChangeFilter, RequestContext>({
      entityType: 'AssetRequest',
      entityField: 'assetRequest',
      filter: assetRequestChangePredicate,
      present: upper,
    }),
  },
};
