// Who may do what in the usage domain. Roles only: which party of a file may act is the machine's business
// (usage-file-machine.ts); whose file it is, is checked against the document.
import { definePermissions } from '@daas/kit';

const PROVIDERS = ['DISTRIBUTOR', 'RESELLER'] as const;

export const usagePermissions = definePermissions({
  createUsageFile: ['VENDOR'],
  uploadUsage: ['VENDOR'],
  submitUsageFile: ['VENDOR'],
  deleteUsageFile: ['VENDOR'],
  reprocessUsageFile: ['VENDOR'],
  acceptUsageFile: PROVIDERS,
  rejectUsageFile: PROVIDERS,
  closeUsageRecords: PROVIDERS,
});

export type UsageAction = keyof typeof usagePermissions.table;
