// `contractChanged`: the kit's feed subscription over Contract events, with the typed filter below.
import { apiEnum, badInput, feedSubscription, parseId, storedEnum } from '@daas/kit';
import { CONTRACT_ID_KINDS } from '../domain/contracts.js';
import type { PartnerContext } from '../env.js';
import type { ContractDoc } from '../models/index.js';

export interface ContractChangeFilter {
  id?: string | null;
  type?: string | null;
  statuses?: string[] | null;
  marketplace?: string | null;
  vendor?: string | null;
  distributor?: string | null;
  reseller?: string | null;
}

/** Each set field narrows; ids are parsed like everywhere else, so a bad one is refused up front. */
export function contractChangePredicate(f: ContractChangeFilter | null | undefined) {
  const id = f?.id ? parseId(f.id, 'filter.id', ...CONTRACT_ID_KINDS) : null;
  const type = f?.type ? storedEnum(f.type) : null;
  if (f?.statuses && f.statuses.length === 0) throw badInput('filter.statuses', 'give at least one status');
  const statuses = f?.statuses ? new Set(f.statuses.map((s) => storedEnum(s))) : null;
  const marketplace = f?.marketplace ? parseId(f.marketplace, 'filter.marketplace', 'marketplace') : null;
  const vendor = f?.vendor ? parseId(f.vendor, 'filter.vendor', 'vendorAccount') : null;
  const distributor = f?.distributor ? parseId(f.distributor, 'filter.distributor', 'providerAccount') : null;
  const reseller = f?.reseller ? parseId(f.reseller, 'filter.reseller', 'providerAccount') : null;
  return (entity: Record<string, unknown>) => {
    const c = entity as unknown as ContractDoc;
    return (
      (!id || c._id === id) &&
      (!type || c.type === type) &&
      (!statuses || statuses.has(c.status)) &&
      (!marketplace || c.marketplace === marketplace) &&
      (!vendor || c.vendor === vendor) &&
      (!distributor || c.distributor === distributor) &&
      (!reseller || c.reseller === reseller)
    );
  };
}

export const contractSubscriptionResolvers = {
  Subscription: {
    contractChanged: feedSubscription<ContractChangeFilter, PartnerContext>({
      entityType: 'Contract',
      entityField: 'contract',
      filter: contractChangePredicate,
      present: apiEnum,
      actor: (accountId, ctx) => ctx.loaders.account.load(accountId),
    }),
  },
};
