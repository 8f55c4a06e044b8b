// Connections: the channels between products and provider hubs (made when a listing is completed).
import { apiEnum, idOf, mustExist, paginate, parseId, storedEnum, visibleTo } from '@daas/kit';
import type { ProductContext } from '../env.js';
import type { ConnectionDoc } from '../models/index.js';
import { type Args, mapFilter } from './common.js';

interface ConnectionFilter {
  product?: string;
  hub?: string;
  type?: string;
}

export const connectionResolvers = {
  Query: {
    connection: (_: unknown, args: { id: string }, ctx: ProductContext) => {
      const id = parseId(args.id, 'id', 'connection');
      return mustExist('Connection', id, ctx.loaders.connection.load(id));
    },
    connections: (_: unknown, args: Args<{ filter?: ConnectionFilter }>, ctx: ProductContext) =>
      paginate(
        ctx.env.models.Connection,
        {
          ...visibleTo(ctx.identity),
          ...mapFilter(args.filter, {
            product: (v) => ['product', parseId(v, 'filter.product', 'product')],
            hub: (v) => ['hub', parseId(v, 'filter.hub', 'hub')],
            type: (v) => ['type', storedEnum(v)],
          }),
        },
        args,
      ),
  },
  Connection: {
    id: idOf,
    type: (c: ConnectionDoc) => apiEnum(c.type),
    status: (c: ConnectionDoc) => apiEnum(c.status),
    productVersionType: (c: ConnectionDoc) => apiEnum(c.productVersionType),
    product: async (c: ConnectionDoc, _: unknown, ctx: ProductContext) =>
      (await ctx.loaders.product.load(c.product)) ?? ctx.env.models.Product.findById(c.product).lean(),
    vendor: (c: ConnectionDoc) => ({ id: c.vendor }),
    provider: (c: ConnectionDoc) => ({ id: c.provider }),
    hub: (c: ConnectionDoc) => ({ id: c.hub }),
    __resolveReference: (ref: { id: string }, ctx: ProductContext) => ctx.loaders.connection.load(ref.id),
  },
};
