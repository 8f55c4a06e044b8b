// Items: the vendor's item mutations on the master, and the Item type (read from a version or the master).
import { apiEnum, badInput, parentOf, parseId } from '@daas/kit';
import { billingKind, commitmentPeriods, type ItemFields } from '../domain/items.js';
import { addItem, deleteItem, editItem, itemSale } from '../domain/master.js';
import { productPermissions } from '../domain/permissions.js';
import { partyOf } from '../domain/product-machine.js';
import { fromEnum, ITEM_TYPES, PERIODS, PRECISIONS, toEnum } from '../domain/vocabulary.js';
import type { ProductContext } from '../env.js';
import type { ProductDoc } from '../models/index.js';
import { given, type Input, mustLoad } from './common.js';
import { findItem, type ItemView } from './content.js';
import { editProduct } from './products.js';

interface ItemInput {
  mpn?: string;
  name?: string;
  description?: string | null;
  type?: string;
  period?: string;
  precision?: string;
  unit?: string;
  commitmentYears?: number | null;
  dynamic?: boolean | null;
}

function commitment(v: number | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (!Number.isInteger(v) || v < 1 || v > 6) throw badInput('input.commitmentYears', 'whole years, 1 to 6');
  return v;
}

/** The fields given, parsed (enums to their stored form); left-out fields stay absent. */
function itemFields(input: ItemInput): Partial<ItemFields> {
  const f: Partial<ItemFields> = {};
  if (input.mpn !== undefined) f.mpn = input.mpn;
  if (input.name !== undefined) f.name = input.name;
  if (input.description !== undefined) f.description = input.description;
  if (input.type) f.type = fromEnum(input.type, ITEM_TYPES, 'input.type');
  if (input.period) f.period = fromEnum(input.period, PERIODS, 'input.period');
  if (input.precision) f.precision = fromEnum(input.precision, PRECISIONS, 'input.precision');
  if (input.unit !== undefined) f.unit = input.unit;
  if (given(input, 'commitmentYears')) f.commitment = commitment(input.commitmentYears);
  if (input.dynamic !== undefined && input.dynamic !== null) f.dynamic = input.dynamic;
  return f;
}

/** The product of an item named in an input (unknown or invisible: BAD_USER_INPUT on the item). */
async function productOfItem(
  ctx: ProductContext,
  value: string,
): Promise<{ id: string; product: ProductDoc }> {
  const id = parseId(value, 'input.item', 'item');
  const product = await mustLoad(ctx.loaders.product, parentOf('item', id), 'input.item', 'item');
  return { id, product };
}

const itemPayload = (doc: ProductDoc, id: string) => {
  const item = doc.master.items.find((i) => i._id === id)!;
  return { item: { ...item, product: doc, version: null } satisfies ItemView };
};

export const itemResolvers = {
  Mutation: {
    createItem: async (_: unknown, args: Input<ItemInput & { product: string }>, ctx: ProductContext) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const id = parseId(args.input.product, 'input.product', 'product');
      const product = await mustLoad(ctx.loaders.product, id, 'input.product', 'product');
      const fields = {
        description: null,
        commitment: null,
        dynamic: false,
        ...itemFields(args.input),
      } as ItemFields;
      const { doc, subject } = await editProduct(ctx, product._id, 'itemCreated', 'edit', (d) =>
        addItem(d, partyOf(d, ctx.identity.accountId), fields),
      );
      return itemPayload(doc, subject!);
    },
    updateItem: async (_: unknown, args: Input<ItemInput & { item: string }>, ctx: ProductContext) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const { id, product } = await productOfItem(ctx, args.input.item);
      const patch = itemFields(args.input);
      const { doc } = await editProduct(ctx, product._id, 'itemUpdated', 'edit', (d) =>
        editItem(d, partyOf(d, ctx.identity.accountId), id, patch),
      );
      return itemPayload(doc, id);
    },
    deleteItem: async (_: unknown, args: Input<{ item: string }>, ctx: ProductContext) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const { id, product } = await productOfItem(ctx, args.input.item);
      const { doc } = await editProduct(ctx, product._id, 'itemDeleted', 'edit', (d) =>
        deleteItem(d, partyOf(d, ctx.identity.accountId), id),
      );
      return { product: doc };
    },
    endItemSale: async (
      _: unknown,
      args: Input<{ item: string; replacement?: string | null }>,
      ctx: ProductContext,
    ) => {
      productPermissions.assert(ctx.identity.role, 'endProductSale');
      const { id, product } = await productOfItem(ctx, args.input.item);
      const replacement = args.input.replacement
        ? parseId(args.input.replacement, 'input.replacement', 'item')
        : null;
      const { doc } = await editProduct(ctx, product._id, 'itemEndOfSale', 'edit', (d) =>
        itemSale(d, partyOf(d, ctx.identity.accountId), id, 'endSale', replacement),
      );
      return itemPayload(doc, id);
    },
    resumeItemSale: async (_: unknown, args: Input<{ item: string }>, ctx: ProductContext) => {
      productPermissions.assert(ctx.identity.role, 'endProductSale');
      const { id, product } = await productOfItem(ctx, args.input.item);
      const { doc } = await editProduct(ctx, product._id, 'itemSaleResumed', 'edit', (d) =>
        itemSale(d, partyOf(d, ctx.identity.accountId), id, 'resumeSale'),
      );
      return itemPayload(doc, id);
    },
  },
  Item: {
    id: (i: ItemView) => i._id,
    type: (i: ItemView) => toEnum(i.type),
    period: (i: ItemView) => toEnum(i.period),
    precision: (i: ItemView) => toEnum(i.precision),
    commitment: (i: ItemView) =>
      i.commitment === null ? null : { years: i.commitment, periods: commitmentPeriods(i) },
    status: (i: ItemView) => apiEnum(i.status),
    dynamic: (i: ItemView) => !!i.dynamic,
    billingKind: (i: ItemView) => toEnum(billingKind(i).replaceAll('-', '_')),
    replacement: (i: ItemView, _: unknown, ctx: ProductContext) =>
      i.replacement ? findItem(ctx, i.replacement) : null,
    product: (i: ItemView) => i.product,
    version: (i: ItemView) => i.version,
    __resolveReference: (ref: { id: string }, ctx: ProductContext) => findItem(ctx, ref.id),
  },
};
