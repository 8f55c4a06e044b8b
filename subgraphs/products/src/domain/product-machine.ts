// The life cycles of a product and of its items (docs/domain.md#products, #items) as data. Only the product's vendor acts on
// them; the first version publishes the product and every draft item in it.
import { type Facts, pickRow, type Row } from './machine.js';

export type ProductStatus = 'draft' | 'published' | 'endofsale' | 'deleted';
export type ProductAction = 'create' | 'edit' | 'createVersion' | 'endSale' | 'resumeSale' | 'delete';
export type ProductFact = 'hasItems';
export type Party = 'vendor';

const vendor = ['vendor'] as const;
type ProductRow = Row<ProductStatus, ProductAction, Party, ProductFact>;

export const PRODUCT_TRANSITIONS: readonly ProductRow[] = [
  { action: 'create', from: null, to: 'draft', by: vendor },
  // the master stays editable while the product lives
  { action: 'edit', from: 'draft', to: 'draft', by: vendor },
  { action: 'edit', from: 'published', to: 'published', by: vendor },
  { action: 'edit', from: 'endofsale', to: 'endofsale', by: vendor },
  // freezing the master as version N: the first one publishes the product
  { action: 'createVersion', from: 'draft', to: 'published', by: vendor, requires: ['hasItems'] },
  { action: 'createVersion', from: 'published', to: 'published', by: vendor, requires: ['hasItems'] },
  { action: 'createVersion', from: 'endofsale', to: 'endofsale', by: vendor, requires: ['hasItems'] },
  { action: 'endSale', from: 'published', to: 'endofsale', by: vendor },
  { action: 'resumeSale', from: 'endofsale', to: 'published', by: vendor },
  { action: 'delete', from: 'draft', to: 'deleted', by: vendor },
];

const PRODUCT_REQUIRES: Record<ProductFact, string> = {
  hasItems: 'a version needs at least one item',
};

export function productTransition(
  product: { _id: string; status: ProductStatus } | null,
  action: ProductAction,
  party: Party | null,
  facts: Facts<ProductFact> = {},
): ProductRow {
  return pickRow(
    PRODUCT_TRANSITIONS,
    { label: product ? `product ${product._id}` : 'a product', status: product?.status ?? null },
    action,
    party,
    facts,
    { field: 'input.product', requires: PRODUCT_REQUIRES },
  );
}

export type ItemStatusAll = 'draft' | 'published' | 'endofsale' | 'deleted';
export type ItemAction = 'create' | 'edit' | 'publish' | 'delete' | 'endSale' | 'resumeSale';
type ItemRow = Row<ItemStatusAll, ItemAction, Party, never>;

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

export function itemTransition(
  item: { _id: string; status: ItemStatusAll } | null,
  action: ItemAction,
  party: Party | null,
): ItemRow {
  return pickRow(
    ITEM_TRANSITIONS,
    { label: item ? `item ${item._id}` : 'an item', status: item?.status ?? null },
    action,
    party,
    {},
    { field: 'input.item', requires: {} as Record<never, string> },
  );
}

/** Who the caller is for a product: its vendor, or nobody. */
export const partyOf = (product: { vendor: string }, account: string): Party | null =>
  product.vendor === account ? 'vendor' : null;
