// Who may do what in the requests domain, by role. Which party of an asset or request may act is the
// machines' business (asset-request-machine.ts, tier-config-machine.ts), decided on the documents.
import { definePermissions } from '@daas/kit';

const PROVIDERS = ['DISTRIBUTOR', 'RESELLER'] as const;

export const requestPermissions = definePermissions({
  manageTierAccounts: PROVIDERS,
  purchase: PROVIDERS,
  openAssetRequest: PROVIDERS,
  adjustAsset: ['VENDOR'],
  actOnAssetRequest: ['VENDOR', 'DISTRIBUTOR', 'RESELLER'],
  actOnTierConfigRequest: ['VENDOR', 'DISTRIBUTOR', 'RESELLER'],
});

export type RequestPermission = keyof typeof requestPermissions.table;
