// Who may do what in the products domain, by role. Which party of a product or listing request may act
// (its vendor, its provider) is the machines' business (product-machine.ts, listing-request-machine.ts).
import { definePermissions } from '@daas/kit';

export const productPermissions = definePermissions({
  // the product, its master (general, capabilities, items, parameters, templates) and its versions
  createProduct: ['VENDOR'],
  editProduct: ['VENDOR'],
  createProductVersion: ['VENDOR'],
  endProductSale: ['VENDOR'],
  deleteProduct: ['VENDOR'],
  // listing requests: the vendor asks, the marketplace's provider reviews
  createListingRequest: ['VENDOR'],
  actOnListingRequest: ['VENDOR', 'DISTRIBUTOR', 'RESELLER'],
});

export type ProductAction = keyof typeof productPermissions.table;
