// Products: the catalog, the product and its versions, and the vendor's product-level mutations.
import { apiEnum, badInput, idOf, mustExist, paginate, parseId, storedEnum, visibleTo } from '@daas/kit';
import type { CapabilitiesChange } from '../domain/capabilities.js';
import { editCapabilities, editGeneral, type MasterEdit } from '../domain/master.js';
import { productPermissions } from '../domain/permissions.js';
import type { ProductAction } from '../domain/product-machine.js';
import { cleanGeneral, type GeneralFields, type ProductContent } from '../domain/products.js';
import type { ProductContext } from '../env.js';
import { changeProduct, createProduct, createVersion, versionContent } from '../flows/products.js';
import type { ProductDoc, ProductVersionDoc } from '../models/index.js';
import { type ProductFilter, type ProductOrder, productQuery, productSort } from './catalog.js';
import { type Args, given, type Input, mustLoad, readsMaster, validKey, validNote } from './common.js';
import { type ContentView, contentOf, itemsOf, parametersOf, templatesOf } from './content.js';
import { type ListingFilter, listingQuery } from './listing-filter.js';

/**
 * One change of a product by its vendor (flows/products.ts changeProduct), leaving the request's loader
 * with the product as it now is: several mutations in one request read what the earlier ones wrote.
 */
export async function editProduct(
  ctx: ProductContext,
  id: string,
  kind: string,
  action: ProductAction,
  edit: (doc: ProductDoc) => MasterEdit,
): Promise<{ doc: ProductDoc; subject?: string }> {
  const result = await changeProduct(ctx.env, ctx.identity, id, kind, action, edit);
  ctx.loaders.product.clear(id).prime(id, result.doc);
  return result;
}

export async function productOf(
  ctx: ProductContext,
  value: string,
  field = 'input.product',
): Promise<ProductDoc> {
  const id = parseId(value, field, 'product');
  return mustLoad(ctx.loaders.product, id, field, 'product');
}

/** What a version or the master shows, in the shape of the ProductVersion and ProductMaster types. */
const phaseScope = (args: { phase?: string | null; scope?: string | null }) =>
  [args.phase ? storedEnum(args.phase) : null, args.scope ? storedEnum(args.scope) : null] as const;

const contentResolvers = {
  name: (c: ContentView) => c.content.name,
  shortDescription: (c: ContentView) => c.content.shortDescription,
  detailedDescription: (c: ContentView) => c.content.detailedDescription,
  capabilities: (c: ContentView) => c.content.capabilities,
  items: (c: ContentView) => itemsOf(c),
  parameters: (c: ContentView, args: { phase?: string; scope?: string }) =>
    parametersOf(c, ...phaseScope(args)),
  templates: (c: ContentView) => templatesOf(c),
};

type VersionView = ContentView & { doc: ProductVersionDoc };

async function versionView(ctx: ProductContext, product: ProductDoc, n: number): Promise<VersionView> {
  const doc = await versionContent(ctx.env, (id) => ctx.loaders.version.load(id), product, n);
  return { product, version: n, content: doc.content, doc };
}

/** The fields the product shows: its latest version's, or its master's while never published. */
const shown = (p: ProductDoc): Omit<ProductContent, 'items' | 'parameters' | 'templates'> =>
  p.published ?? p.master;

interface CapabilitiesInput {
  product: string;
  ppu?: { schema: 'QT' | 'TR' | 'PR' | 'CR'; dynamic?: boolean | null } | null;
  reservation?: { consumption?: boolean | null } | null;
  tiers?: { configsLevel?: number | null } | null;
  subscription?: {
    hold?: boolean | null;
    scheduling?: Record<string, boolean | null> | null;
  } | null;
}

function capabilitiesChange(input: CapabilitiesInput): CapabilitiesChange {
  const change: CapabilitiesChange = {};
  if (given(input, 'ppu')) change.ppu = input.ppu ?? null;
  if (input.reservation) change.reservation = input.reservation;
  if (input.tiers) change.tiers = input.tiers;
  if (input.subscription) {
    change.subscription = {
      ...(input.subscription.hold !== undefined ? { hold: input.subscription.hold } : {}),
      ...(input.subscription.scheduling ? { scheduling: input.subscription.scheduling } : {}),
    };
  }
  return change;
}

export const productResolvers = {
  Query: {
    product: (_: unknown, args: { id: string }, ctx: ProductContext) => {
      const id = parseId(args.id, 'id', 'product');
      return mustExist('Product', id, ctx.loaders.product.load(id));
    },
    products: async (
      _: unknown,
      args: Args<{ filter?: ProductFilter; orderBy?: ProductOrder }>,
      ctx: ProductContext,
    ) =>
      paginate(ctx.env.models.Product, await productQuery(ctx, args.filter), args, productSort(args.orderBy)),
  },
  Mutation: {
    createProduct: async (
      _: unknown,
      args: Input<GeneralFields & { idempotencyKey?: string }>,
      ctx: ProductContext,
    ) => {
      productPermissions.assert(ctx.identity.role, 'createProduct');
      const general = cleanGeneral(args.input, {
        name: '',
        shortDescription: null,
        detailedDescription: null,
      });
      return {
        product: await createProduct(ctx.env, ctx.identity, general, validKey(args.input.idempotencyKey)),
      };
    },
    updateProduct: async (
      _: unknown,
      args: Input<Partial<GeneralFields> & { product: string }>,
      ctx: ProductContext,
    ) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const { product: value, ...fields } = args.input;
      const p = await productOf(ctx, value);
      const { doc } = await editProduct(ctx, p._id, 'updated', 'edit', (d) => editGeneral(d, fields));
      return { product: doc };
    },
    updateProductCapabilities: async (_: unknown, args: Input<CapabilitiesInput>, ctx: ProductContext) => {
      productPermissions.assert(ctx.identity.role, 'editProduct');
      const p = await productOf(ctx, args.input.product);
      const change = capabilitiesChange(args.input);
      const { doc } = await editProduct(ctx, p._id, 'capabilitiesUpdated', 'edit', (d) =>
        editCapabilities(d, change),
      );
      return { product: doc };
    },
    createProductVersion: async (
      _: unknown,
      args: Input<{ product: string; changesDescription?: string | null }>,
      ctx: ProductContext,
    ) => {
      productPermissions.assert(ctx.identity.role, 'createProductVersion');
      const p = await productOf(ctx, args.input.product);
      const description = validNote(args.input.changesDescription, 'input.changesDescription');
      const { product, version } = await createVersion(ctx.env, ctx.identity, p._id, description);
      ctx.loaders.product.clear(p._id).prime(p._id, product);
      return {
        product,
        version: { product, version: version.number, content: version.content, doc: version },
      };
    },
    endProductSale: async (
      _: unknown,
      args: Input<{ product: string; replacement?: string | null; notes?: string | null }>,
      ctx: ProductContext,
    ) => {
      productPermissions.assert(ctx.identity.role, 'endProductSale');
      const p = await productOf(ctx, args.input.product);
      const notes = validNote(args.input.notes, 'input.notes');
      let replacement: string | null = null;
      if (args.input.replacement) {
        const r = await productOf(ctx, args.input.replacement, 'input.replacement');
        if (r._id === p._id || r.vendor !== p.vendor || r.status !== 'published') {
          throw badInput('input.replacement', `${r._id} is not another published product of the vendor`);
        }
        replacement = r._id;
      }
      const { doc } = await editProduct(ctx, p._id, 'endOfSale', 'endSale', () => ({
        set: { replacement, endOfSaleNotes: notes },
        versioned: false,
      }));
      return { product: doc };
    },
    resumeProductSale: async (_: unknown, args: Input<{ product: string }>, ctx: ProductContext) => {
      productPermissions.assert(ctx.identity.role, 'endProductSale');
      const p = await productOf(ctx, args.input.product);
      const { doc } = await editProduct(ctx, p._id, 'saleResumed', 'resumeSale', () => ({
        set: { replacement: null, endOfSaleNotes: null },
        versioned: false,
      }));
      return { product: doc };
    },
    deleteProduct: async (_: unknown, args: Input<{ product: string }>, ctx: ProductContext) => {
      productPermissions.assert(ctx.identity.role, 'deleteProduct');
      const p = await productOf(ctx, args.input.product);
      const { doc } = await editProduct(ctx, p._id, 'deleted', 'delete', () => ({
        set: {},
        versioned: false,
      }));
      return { product: doc };
    },
  },
  Product: {
    id: idOf,
    name: (p: ProductDoc) => shown(p).name,
    shortDescription: (p: ProductDoc) => shown(p).shortDescription,
    detailedDescription: (p: ProductDoc) => shown(p).detailedDescription,
    capabilities: (p: ProductDoc) => shown(p).capabilities,
    status: (p: ProductDoc) => apiEnum(p.status),
    version: (p: ProductDoc) => p.latestVersion ?? null,
    vendor: (p: ProductDoc) => ({ id: p.vendor }),
    items: async (p: ProductDoc, args: { version?: number | null }, ctx: ProductContext) =>
      itemsOf(await contentOf(ctx, p, args.version)),
    parameters: async (
      p: ProductDoc,
      args: { version?: number | null; phase?: string; scope?: string },
      ctx: ProductContext,
    ) => parametersOf(await contentOf(ctx, p, args.version), ...phaseScope(args)),
    templates: async (p: ProductDoc, args: { version?: number | null }, ctx: ProductContext) =>
      templatesOf(await contentOf(ctx, p, args.version)),
    versions: (p: ProductDoc, _: unknown, ctx: ProductContext) =>
      Promise.all(p.versions.map((v) => versionView(ctx, p, v.version))),
    master: (p: ProductDoc, _: unknown, ctx: ProductContext): ContentView | null =>
      readsMaster(ctx.identity, p) ? { product: p, version: null, content: p.master } : null,
    replacement: (p: ProductDoc, _: unknown, ctx: ProductContext) =>
      p.replacement ? ctx.loaders.product.load(p.replacement) : null,
    listings: (p: ProductDoc, args: Args<{ filter?: ListingFilter }>, ctx: ProductContext) =>
      paginate(ctx.env.models.Listing, listingQuery(ctx.identity, args.filter, { product: p._id }), args),
    connections: (p: ProductDoc, args: Args<object>, ctx: ProductContext) =>
      paginate(ctx.env.models.Connection, { ...visibleTo(ctx.identity), product: p._id }, args),
    __resolveReference: (ref: { id: string }, ctx: ProductContext) => ctx.loaders.product.load(ref.id),
  },
  ProductVersion: {
    ...contentResolvers,
    version: (v: VersionView) => v.version,
    changesDescription: (v: VersionView) => v.doc.changesDescription,
    createdAt: (v: VersionView) => v.doc.createdAt,
  },
  ProductMaster: {
    ...contentResolvers,
    changed: (c: ContentView) => c.product.masterChanged,
  },
};
