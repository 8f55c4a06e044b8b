import { DateTime, idOf, mustExist, type PageArgs, paginate, parseId, visibleTo } from '@daas/kit';
import type { UsageContext } from '../env.js';
import type { UsageFileDoc } from '../models/index.js';

export const resolvers = {
  DateTime,
  Query: {
    usageFile: (_: unknown, args: { id: string }, ctx: UsageContext) => {
      const id = parseId(args.id, 'id', 'usageFile');
      return mustExist('UsageFile', id, ctx.loaders.usageFile.load(id));
    },
    usageFiles: (_: unknown, args: PageArgs, ctx: UsageContext) =>
      paginate(ctx.env.models.UsageFile, visibleTo(ctx.identity), args),
  },
  Asset: {
    __resolveReference: (ref: { id: string }) => ref,
    usageFiles: (a: { id: string }, args: PageArgs, ctx: UsageContext) =>
      paginate(ctx.env.models.UsageFile, { ...visibleTo(ctx.identity), assetIds: a.id }, args),
  },
  UsageFile: {
    id: idOf,
    status: (f: UsageFileDoc) => f.status.toUpperCase(),
    product: (f: UsageFileDoc) => ({ id: f.productId }),
    vendor: (f: UsageFileDoc) => ({ id: f.vendor }),
    provider: (f: UsageFileDoc) => ({ id: f.provider }),
    __resolveReference: (ref: { id: string }, ctx: UsageContext) => ctx.loaders.usageFile.load(ref.id),
  },
};
