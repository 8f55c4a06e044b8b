// Queries on assets, and the asset fields other subgraphs' types gain (Product.assets, Marketplace.assets).
import {
  apiEnum,
  badInput,
  connectionOf,
  idOf,
  mapFilter,
  mustExist,
  type PageArgs,
  paginate,
  parseId,
  visibleTo,
} from '@daas/kit';
import type { RequestContext } from '../env.js';
import type { AssetDoc, TierSnapshot } from '../models/index.js';
import {
  createdFrom,
  createdTo,
  enumsParser,
  history,
  idParser,
  ref,
  statusParser,
  withCustomerName,
} from './common.js';

interface AssetFilter {
  status?: string;
  statuses?: string[];
  customerName?: string;
  product?: string;
  marketplace?: string;
  customer?: string;
  createdFrom?: Date;
  createdTo?: Date;
}

function assetQuery(
  ctx: RequestContext,
  f: AssetFilter | null | undefined,
  base: Record<string, unknown> = {},
) {
  const query = {
    ...visibleTo(ctx.identity),
    ...mapFilter(f, {
      status: statusParser(),
      statuses: enumsParser('statuses'),
      product: idParser('productId', 'filter.product', 'product'),
      marketplace: idParser('marketplaceId', 'filter.marketplace', 'marketplace'),
      customer: idParser('customerId', 'filter.customer', 'tierAccount'),
      createdFrom,
      createdTo,
    }),
    ...base,
  };
  return withCustomerName(ctx, query, f?.customerName);
}

type ListArgs = PageArgs & { filter?: AssetFilter };

const MAX_PARAMETER_VALUES = 500;

const tier = (t: TierSnapshot | null | undefined) => (t ? t : null);

export const assetResolvers = {
  Query: {
    asset: (_: unknown, args: { id: string }, ctx: RequestContext) => {
      const id = parseId(args.id, 'id', 'asset');
      return mustExist('Asset', id, ctx.loaders.asset.load(id));
    },
    assets: async (_: unknown, args: ListArgs, ctx: RequestContext) =>
      paginate(ctx.env.models.Asset, await assetQuery(ctx, args.filter), args),
    assetsByParameter: async (
      _: unknown,
      args: { product: string; parameter: string; values: string[] },
      ctx: RequestContext,
    ) => {
      const product = parseId(args.product, 'product', 'product');
      if (args.values.length > MAX_PARAMETER_VALUES) {
        throw badInput('values', `at most ${MAX_PARAMETER_VALUES} values per call`);
      }
      if (args.values.length === 0) return [];
      // Dot paths match name and value on any two params; the exact pair is checked below ($elemMatch is
      // avoided: FerretDB v1 evaluates it poorly).
      const wanted = new Set(args.values);
      const docs = await ctx.env.models.Asset.find({
        ...visibleTo(ctx.identity),
        productId: product,
        'params.name': args.parameter,
        'params.value': { $in: args.values },
      })
        .sort({ createdAt: -1, _id: -1 })
        .limit(MAX_PARAMETER_VALUES)
        .lean<AssetDoc[]>();
      return docs.filter((a) =>
        (a.params ?? []).some((p) => p.name === args.parameter && p.value !== null && wanted.has(p.value)),
      );
    },
  },
  Product: {
    __resolveReference: (r: { id: string }) => r,
    assets: async (p: { id: string }, args: ListArgs, ctx: RequestContext) =>
      paginate(ctx.env.models.Asset, await assetQuery(ctx, args.filter, { productId: p.id }), args),
  },
  Marketplace: {
    __resolveReference: (r: { id: string }) => r,
    assets: async (m: { id: string }, args: ListArgs, ctx: RequestContext) =>
      paginate(ctx.env.models.Asset, await assetQuery(ctx, args.filter, { marketplaceId: m.id }), args),
  },
  Asset: {
    id: idOf,
    status: (a: AssetDoc) => apiEnum(a.status),
    product: (a: AssetDoc) => ref(a.productId),
    marketplace: (a: AssetDoc) => ref(a.marketplaceId),
    contract: (a: AssetDoc) => ref(a.contractId),
    vendor: (a: AssetDoc) => ({ id: a.vendor }),
    provider: (a: AssetDoc) => ({ id: a.provider }),
    tiers: (a: AssetDoc) => ({
      customer: tier(a.tiers?.customer),
      tier1: tier(a.tiers?.tier1),
      tier2: tier(a.tiers?.tier2),
    }),
    items: (a: AssetDoc) => a.items ?? [],
    params: (a: AssetDoc) => a.params ?? [],
    pendingRequest: (a: AssetDoc, _: unknown, ctx: RequestContext) =>
      a.pendingRequest ? ctx.loaders.assetRequest.load(a.pendingRequest.id) : null,
    lastRequest: (a: AssetDoc, _: unknown, ctx: RequestContext) =>
      a.lastRequestId ? ctx.loaders.assetRequest.load(a.lastRequestId) : null,
    requests: async (a: AssetDoc, args: PageArgs, ctx: RequestContext) =>
      connectionOf(await ctx.loaders.requestsOfAsset.load(a._id), args, (r) => r._id),
    activatedAt: (a: AssetDoc) => a.activatedAt ?? null,
    terminatedAt: (a: AssetDoc) => a.terminatedAt ?? null,
    history,
    __resolveReference: (r: { id: string }, ctx: RequestContext) => ctx.loaders.asset.load(r.id),
  },
  AssetTier: {
    account: (t: TierSnapshot, _: unknown, ctx: RequestContext) => ctx.loaders.tierAccount.load(t.id),
  },
  AssetItem: {
    item: (i: { itemId: string }) => ref(i.itemId),
  },
  RequestItem: {
    item: (i: { itemId: string }) => ref(i.itemId),
  },
};
