// Who may do what with extensions. Ownership (is this the vendor's extension?) is checked in flows.
import { definePermissions } from '@daas/kit';

export const extensionPermissions = definePermissions({
  createExtension: ['VENDOR'],
  updateExtensionEnvironment: ['VENDOR', 'OPERATOR'],
  retryExtensionTask: ['VENDOR', 'OPERATOR'],
  cancelExtensionTask: ['VENDOR', 'OPERATOR'],
});

export type ExtensionAction = keyof typeof extensionPermissions.table;
