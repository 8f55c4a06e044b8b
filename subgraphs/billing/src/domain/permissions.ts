// Who may do what in the billing domain (roles); whose price list or billing request it is, is checked
// against the document in the domain.
import { definePermissions } from '@daas/kit';

export const billingPermissions = definePermissions({
  createPriceList: ['VENDOR'],
  createPriceListVersion: ['VENDOR'],
  activatePriceListVersion: ['VENDOR'],
  approveBillingRequest: ['VENDOR', 'DISTRIBUTOR', 'OPERATOR'],
  failBillingRequest: ['VENDOR', 'DISTRIBUTOR', 'OPERATOR'],
  setAssetRenewal: ['DISTRIBUTOR', 'RESELLER', 'OPERATOR'],
});

export type BillingAction = keyof typeof billingPermissions.table;
