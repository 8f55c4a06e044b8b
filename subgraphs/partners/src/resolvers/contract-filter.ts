// The typed ContractFilter, mapped field by field onto the contracts collection (used by every list).
import { type Identity, parseId, storedEnum, visibleTo } from '@daas/kit';
import { ACCOUNT_ID_KINDS } from '../domain/accounts.js';
import { AGREEMENT_ID_KINDS } from '../domain/agreements.js';
import { mapFilter } from './common.js';

export interface ContractFilter {
  type?: string;
  status?: string;
  marketplace?: string;
  agreement?: string;
  counterpart?: string;
  vendor?: string;
  distributor?: string;
  reseller?: string;
}

export function contractQuery(
  identity: Identity,
  filter: ContractFilter | null | undefined,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...visibleTo(identity),
    ...base,
    ...mapFilter(filter, {
      type: (v) => ['type', storedEnum(v)],
      status: (v) => ['status', storedEnum(v)],
      marketplace: (v) => ['marketplace', parseId(v, 'filter.marketplace', 'marketplace')],
      agreement: (v) => ['agreement', parseId(v, 'filter.agreement', ...AGREEMENT_ID_KINDS)],
      counterpart: (v) => ['parties', parseId(v, 'filter.counterpart', ...ACCOUNT_ID_KINDS)],
      vendor: (v) => ['vendor', parseId(v, 'filter.vendor', 'vendorAccount')],
      distributor: (v) => ['distributor', parseId(v, 'filter.distributor', 'providerAccount')],
      reseller: (v) => ['reseller', parseId(v, 'filter.reseller', 'providerAccount')],
    }),
  };
}
