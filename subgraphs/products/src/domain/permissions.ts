import { definePermissions } from '@daas/kit';

export const productPermissions = definePermissions({
  createProduct: ['VENDOR'],
});
