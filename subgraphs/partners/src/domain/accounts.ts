// Accounts and their roles. Pure rules: no GraphQL, no database.
import { badInput } from '@daas/kit';

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

export function validName(value: string, field = 'name', max = 200): string {
  const name = value.trim();
  if (name.length === 0) throw badInput(field, 'must not be empty');
  if (name.length > max) throw badInput(field, `at most ${max} characters`);
  return name;
}
