import { badInput, DateTime, idOf, mustExist, newId, paginate, parseId, visibleTo } from '@daas/kit';
import { productPermissions } from '../domain/permissions.js';
import type { ProductContext } from '../env.js';
import type { ProductDoc } from '../models/index.js';

const STATUS_IN = { DRAFT: 'draft', PUBLISHED: 'published', ENDOFSALE: 'endofsale' } as const;

export const resolvers = {
  DateTime,
  Query: {
    product: (_: unknown, args: { id: string }, ctx: ProductContext) => {
      const id = parseId(args.id, 'id', 'product');
      return mustExist('Product', id, ctx.loaders.product.load(id));
    },
    products: (
      _: unknown,
      args: { first?: number; after?: string; filter?: { status?: keyof typeof STATUS_IN; vendor?: string } },
      ctx: ProductContext,
    ) => {
      const filter: Record<string, unknown> = { ...visibleTo(ctx.identity) };
      if (args.filter?.status) filter.status = STATUS_IN[args.filter.status];
      if (args.filter?.vendor) filter.vendor = parseId(args.filter.vendor, 'filter.vendor', 'vendorAccount');
      return paginate(ctx.env.models.Product, filter, args);
    },
  },
  Mutation: {
    createProduct: async (
      _: unknown,
      args: { input: { name: string; shortDescription?: string } },
      ctx: ProductContext,
    ) => {
      productPermissions.assert(ctx.identity.role, 'createProduct');
      const name = args.input.name.trim();
      if (!name) throw badInput('input.name', 'must not be empty');
      const vendor = ctx.identity.accountId;
      const { doc } = await ctx.env.kit.changes.create<ProductDoc>({
        model: ctx.env.models.Product,
        entityType: 'Product',
        doc: {
          _id: newId('product'),
          name,
          shortDescription: args.input.shortDescription ?? null,
          status: 'draft',
          vendor,
          _acl: [vendor],
        },
        newId: () => newId('product'),
        actor: ctx.identity,
        partitionKey: vendor,
      });
      return doc;
    },
  },
  Product: {
    id: idOf,
    status: (p: ProductDoc) => p.status.toUpperCase(),
    vendor: (p: ProductDoc) => ({ id: p.vendor }),
    __resolveReference: (ref: { id: string }, ctx: ProductContext) => ctx.loaders.product.load(ref.id),
  },
};
