import { DateTime, idOf, mustExist, type PageArgs, paginate, parseId, visibleTo } from '@daas/kit';
import type { RequestContext } from '../env.js';
import type { AssetDoc, AssetStatus } from '../models/index.js';

interface AssetFilter {
  status?: Uppercase<AssetStatus>;
  product?: string;
  marketplace?: string;
}

function assetQuery(ctx: RequestContext, f: AssetFilter = {}, base: Record<string, unknown> = {}) {
  const filter: Record<string, unknown> = { ...visibleTo(ctx.identity), ...base };
  if (f.status) filter.status = f.status.toLowerCase();
  if (f.product) filter.productId = parseId(f.product, 'filter.product', 'product');
  if (f.marketplace) filter.marketplaceId = parseId(f.marketplace, 'filter.marketplace', 'marketplace');
  return filter;
}

export const resolvers = {
  DateTime,
  Query: {
    asset: (_: unknown, args: { id: string }, ctx: RequestContext) => {
      const id = parseId(args.id, 'id', 'asset');
      return mustExist('Asset', id, ctx.loaders.asset.load(id));
    },
    assets: (_: unknown, args: PageArgs & { filter?: AssetFilter }, ctx: RequestContext) =>
      paginate(ctx.env.models.Asset, assetQuery(ctx, args.filter), args),
  },
  Product: {
    __resolveReference: (ref: { id: string }) => ref,
    assets: (p: { id: string }, args: PageArgs & { filter?: AssetFilter }, ctx: RequestContext) =>
      paginate(ctx.env.models.Asset, assetQuery(ctx, args.filter, { productId: p.id }), args),
  },
  Asset: {
    id: idOf,
    status: (a: AssetDoc) => a.status.toUpperCase(),
    product: (a: AssetDoc) => ({ id: a.productId }),
    marketplace: (a: AssetDoc) => ({ id: a.marketplaceId }),
    vendor: (a: AssetDoc) => ({ id: a.vendor }),
    provider: (a: AssetDoc) => ({ id: a.provider }),
    __resolveReference: (ref: { id: string }, ctx: RequestContext) => ctx.loaders.asset.load(ref.id),
  },
};
