// Who may do what in the partners domain.
import { definePermissions } from '@daas/kit';

export const partnerPermissions = definePermissions({
  createAccount: ['OPERATOR'],
  createApiToken: ['VENDOR', 'DISTRIBUTOR', 'RESELLER', 'OPERATOR'],
  revokeApiToken: ['VENDOR', 'DISTRIBUTOR', 'RESELLER', 'OPERATOR'],
  manageApiTokensOfAnotherAccount: ['OPERATOR'],
  listAllAccounts: ['OPERATOR', 'SERVICE'],
  createMarketplace: ['DISTRIBUTOR', 'RESELLER'],
  authenticate: ['SERVICE'],
});

export type PartnerAction = keyof typeof partnerPermissions.table;
