// Queries on asset requests and their fields.
import { apiEnum, idOf, mapFilter, mustExist, type PageArgs, paginate, parseId, visibleTo } from '@daas/kit';
import type { RequestContext } from '../env.js';
import type { AssetRequestDoc } from '../models/index.js';
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

interface AssetRequestFilter {
  id?: string;
  status?: string;
  statuses?: string[];
  type?: string;
  types?: string[];
  customerName?: string;
  product?: string;
  marketplace?: string;
  customer?: string;
  asset?: string;
  createdFrom?: Date;
  createdTo?: Date;
}

export const requestResolvers = {
  Query: {
    assetRequest: (_: unknown, args: { id: string }, ctx: RequestContext) => {
      const id = parseId(args.id, 'id', 'assetRequest');
      return mustExist('AssetRequest', id, ctx.loaders.assetRequest.load(id));
    },
    assetRequests: async (
      _: unknown,
      args: PageArgs & { filter?: AssetRequestFilter },
      ctx: RequestContext,
    ) =>
      paginate(
        ctx.env.models.AssetRequest,
        await withCustomerName(
          ctx,
          {
            ...visibleTo(ctx.identity),
            ...mapFilter(args.filter, {
              id: idParser('_id', 'filter.id', 'assetRequest'),
              status: statusParser(),
              statuses: enumsParser('statuses'),
              type: statusParser('type'),
              types: enumsParser('types', 'type'),
              product: idParser('productId', 'filter.product', 'product'),
              marketplace: idParser('marketplaceId', 'filter.marketplace', 'marketplace'),
              customer: idParser('customerId', 'filter.customer', 'tierAccount'),
              asset: idParser('assetId', 'filter.asset', 'asset'),
              createdFrom,
              createdTo,
            }),
          },
          args.filter?.customerName,
        ),
        args,
      ),
  },
  AssetRequest: {
    id: idOf,
    type: (r: AssetRequestDoc) => apiEnum(r.type),
    status: (r: AssetRequestDoc) => apiEnum(r.status),
    asset: (r: AssetRequestDoc, _: unknown, ctx: RequestContext) => ctx.loaders.asset.load(r.assetId),
    product: (r: AssetRequestDoc) => ref(r.productId),
    marketplace: (r: AssetRequestDoc) => ref(r.marketplaceId),
    template: (r: AssetRequestDoc) => ref(r.templateId),
    vendor: (r: AssetRequestDoc) => ({ id: r.vendor }),
    provider: (r: AssetRequestDoc) => ({ id: r.provider }),
    customer: (r: AssetRequestDoc, _: unknown, ctx: RequestContext) =>
      r.customerId ? ctx.loaders.tierAccount.load(r.customerId) : null,
    answered: (r: AssetRequestDoc) => r.answered ?? false,
    tierConfigRequest: (r: AssetRequestDoc, _: unknown, ctx: RequestContext) =>
      r.waitingFor ? ctx.loaders.tierConfigRequest.load(r.waitingFor) : null,
    history,
    __resolveReference: (r: { id: string }, ctx: RequestContext) => ctx.loaders.assetRequest.load(r.id),
  },
};
