// The life cycles of a product and of its items (§2.1, §2.3) as data. Only the product's vendor acts on
// them; the first version publishes the product and every draft item in it.
import { type Facts, type Machine, type Transition, takeTransition } from '@daas/kit';

export type ProductStatus = 'draft' | 'published' | 'endofsale' | 'deleted';
export type ProductAction = 'create' | 'edit' | 'createVersion' | 'endSale' | 'resumeSale' | 'delete';
export type ProductFact = 'hasItems';
export type Party = 'vendor';

const vendor = ['vendor'] as const;
type ProductRow = Transition<ProductStatus, ProductAction, Party, ProductFact>;

export const PRODUCT_TRANSITIONS: readonly ProductRow[] = [
  { action: 'create', from: null, to: 'draft', by: vendor },
  // the master stays editable while the product lives
  { action: 'edit', from: 'draft', to: 'draft', by: vendor },
  { action: 'edit', from: 'published', to: 'published', by: vendor },
  { action: 'edit', from: 'endofsale', to: 'endofsale', by: vendor },
  // freezing the master as version N: the first one publishes the product
  { action: 'createVersion', from: 'draft', to: 'published', by: vendor, guards: ['hasItems'] },
  { action: 'createVersion', from: 'published', to: 'published', by: vendor, guards: ['hasItems'] },
  { action: 'createVersion', from: 'endofsale', to: 'endofsale', by: vendor, guards: ['hasItems'] },
  { action: 'endSale', from: 'published', to: 'endofsale', by: vendor },
  { action: 'resumeSale', from: 'endofsale', to: 'published', by: vendor },
  { action: 'delete', from: 'draft', to: 'deleted', by: vendor },
];

const PRODUCT_MACHINE: Machine<ProductRow> = {
  noun: 'product',
  field: 'input.product',
  transitions: PRODUCT_TRANSITIONS,
  guards: { hasItems: 'a version needs at least one item' },
};

export function productTransition(
  product: { _id: string; status: ProductStatus } | null,
  action: ProductAction,
  party: Party | null,
  facts: Facts<ProductFact> = {},
): ProductRow {
  return takeTransition(PRODUCT_MACHINE, product, action, party, facts);
}

export type ItemStatusAll = 'draft' | 'published' | 'endofsale' | 'deleted';
export type ItemAction = 'create' | 'edit' | 'publish' | 'delete' | 'endSale' | 'resumeSale';
type ItemRow = Transition<ItemStatusAll, ItemAction, Party, never>;

export const ITEM_TRANSITIONS: readonly ItemRow[] = [
  { action: 'create', from: null, to: 'draft', by: vendor },
  { action: 'edit', from: 'draft', to: 'draft', by: vendor },
  { action: 'edit', from: 'published', to: 'published', by: vendor },
  { action: 'edit', from: 'endofsale', to: 'endofsale', by: vendor },
  // taken by createVersion for every draft item of the master
  { action: 'publish', from: 'draft', to: 'published', by: vendor },
  { action: 'delete', from: 'draft', to: 'deleted', by: vendor },
  { action: 'endSale', from: 'published', to: 'endofsale', by: vendor },
  { action: 'resumeSale', from: 'endofsale', to: 'published', by: vendor },
];

const ITEM_MACHINE: Machine<ItemRow> = {
  noun: 'item',
  field: 'input.item',
  transitions: ITEM_TRANSITIONS,
  guards: {},
};

export function itemTransition(
  item: { _id: string; status: ItemStatusAll } | null,
  action: ItemAction,
  party: Party | null,
): ItemRow {
  return takeTransition(ITEM_MACHINE, item, action, party);
}

/** Who the caller is for a product: its vendor, or nobody. */
export const partyOf = (product: { vendor: string }, account: string): Party | null =>
  product.vendor === account ? 'vendor' : null;
