// Accounts and their roles. Pure rules: no GraphQL, no database.
import { requiredText } from '@daas/kit';

export const ACCOUNT_ROLES = ['VENDOR', 'DISTRIBUTOR', 'RESELLER', 'OPERATOR'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** The id kind of an account of this role: vendors VA-…, distributors and resellers ("providers") PA-…. */
export function accountIdKind(role: AccountRole): 'vendorAccount' | 'providerAccount' | 'operatorAccount' {
  switch (role) {
    case 'VENDOR':
      return 'vendorAccount';
    case 'DISTRIBUTOR':
    case 'RESELLER':
      return 'providerAccount';
    case 'OPERATOR':
      return 'operatorAccount';
  }
}

export const ACCOUNT_ID_KINDS = ['vendorAccount', 'providerAccount', 'operatorAccount'] as const;

/** An account's, marketplace's, hub's… name: one printable line of at most `max` characters. */
export const validName = (value: string, field = 'name', max = 200): string =>
  requiredText(value, field, max);
