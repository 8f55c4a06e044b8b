// Usage reconciliation reports: by usage file (a root query and a field of the usage domain's UsageFile).
import { mustExist, parseId } from '@daas/kit';
import type { BillingContext } from '../env.js';
import type { BillingRequestDoc, UsageReconciliationDoc } from '../models/index.js';
import { ref } from './common.js';

export const usageResolvers = {
  Query: {
    usageReconciliation: (_: unknown, args: { usageFile: string }, ctx: BillingContext) => {
      const id = parseId(args.usageFile, 'usageFile', 'usageFile');
      return mustExist('UsageReconciliation', id, ctx.loaders.usageReconciliation.load(id));
    },
  },
  UsageFile: {
    __resolveReference: (r: { id: string }) => r,
    reconciliation: (f: { id: string }, _: unknown, ctx: BillingContext) =>
      ctx.loaders.usageReconciliation.load(f.id),
  },
  UsageReconciliation: {
    usageFile: (r: UsageReconciliationDoc) => ({ id: r._id }),
    product: (r: UsageReconciliationDoc) => ref(r.product),
    marketplace: (r: UsageReconciliationDoc) => ref(r.marketplace),
    outside: (r: UsageReconciliationDoc) =>
      r.outside.map((o) => ({ usageRecord: ref(o.record), reason: o.reason })),
    items: (r: UsageReconciliationDoc) =>
      r.items.map((i) => ({ ...i, item: ref(i.item), usageRecords: i.records })),
    billingRequests: async (r: UsageReconciliationDoc, _: unknown, ctx: BillingContext) =>
      (await ctx.loaders.billingRequest.loadMany(r.billingRequests)).filter(
        (d): d is BillingRequestDoc => !!d && !(d instanceof Error),
      ),
    reconciledAt: (r: UsageReconciliationDoc) => r.createdAt,
  },
};
