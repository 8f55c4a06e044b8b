// Who may manage webhooks: any partner account registers its own (it hears only of what it may see);
// the operator manages anyone's. Ownership (is this my webhook?) is checked in flows.
import { definePermissions } from '@daas/kit';

export const webhookPermissions = definePermissions({
  createWebhook: ['VENDOR', 'DISTRIBUTOR', 'RESELLER'],
  manageWebhook: ['VENDOR', 'DISTRIBUTOR', 'RESELLER', 'OPERATOR'],
});
