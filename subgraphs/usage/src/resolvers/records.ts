// Usage records and aggregates: reads only (records are written by processing, closed by the file verbs).
import { badInput, idOf, mustExist, type PageArgs, paginate, parentOf, parseId, visibleTo } from '@daas/kit';
import { combine, type FileSum } from '../domain/aggregates.js';
import { parsePeriod } from '../domain/period.js';
import type { UsageFileStatus } from '../domain/usage-file-machine.js';
import { isClosable } from '../domain/usage-file-machine.js';
import type { UsageContext } from '../env.js';
import type { UsageAggregateDoc, UsageFileDoc, UsageRecordDoc } from '../models/index.js';
import { recordSetOf } from '../records/layout.js';
import { recordStatus } from './views.js';

async function aggregatesOf(ctx: UsageContext, sums: UsageAggregateDoc[]) {
  const files = await ctx.loaders.usageFile.loadMany([...new Set(sums.map((s) => s.usageFile))]);
  const status = new Map<string, UsageFileStatus>();
  for (const f of files) if (f && !(f instanceof Error)) status.set(f._id, f.status);
  return combine(
    sums
      .filter((s) => status.has(s.usageFile))
      .map((s) => ({ sum: s as FileSum, fileStatus: status.get(s.usageFile)! })),
  );
}

function periodBounds(
  filter: { from?: string | null; to?: string | null } | null | undefined,
  field: string,
) {
  const out: Record<string, unknown> = {};
  if (filter?.from) out.periodFrom = { $gte: parsePeriod(filter.from, filter.from, field).from };
  if (filter?.to) out.periodTo = { $lte: parsePeriod(filter.to, filter.to, field).to };
  return out;
}

const aggregateView = (a: ReturnType<typeof combine>[number]) => ({
  ...a,
  asset: { id: a.assetId },
  item: a.itemId ? { id: a.itemId } : null,
});

export const recordResolvers = {
  Query: {
    usageRecord: (_: unknown, args: { id: string }, ctx: UsageContext) => {
      const id = parseId(args.id, 'id', 'usageRecord');
      return mustExist('UsageRecord', id, ctx.loaders.usageRecord.load(id));
    },
    usageAggregates: async (
      _: unknown,
      args: {
        filter: { asset?: string | null; product?: string | null; from?: string | null; to?: string | null };
      },
      ctx: UsageContext,
    ) => {
      const f = args.filter;
      if (!f.asset && !f.product) throw badInput('filter', 'name an asset or a product');
      const query: Record<string, unknown> = { ...visibleTo(ctx.identity), ...periodBounds(f, 'filter') };
      if (f.asset) query.assetId = parseId(f.asset, 'filter.asset', 'asset');
      if (f.product) query.productId = parseId(f.product, 'filter.product', 'product');
      const sums = await ctx.env.models.UsageAggregate.find(query).limit(10_000).lean<UsageAggregateDoc[]>();
      return (await aggregatesOf(ctx, sums)).map(aggregateView);
    },
  },
  Asset: {
    __resolveReference: (ref: { id: string }) => ref,
    usageFiles: (a: { id: string }, args: PageArgs, ctx: UsageContext) =>
      paginate(ctx.env.models.UsageFile, { ...visibleTo(ctx.identity), assetIds: a.id }, args),
    usage: async (
      a: { id: string },
      args: { filter?: { from?: string | null; to?: string | null } | null },
      ctx: UsageContext,
    ) => {
      const bounds = periodBounds(args.filter, 'filter');
      const sums = (await ctx.loaders.aggregatesOfAsset.load(a.id)).filter(
        (s) =>
          (!bounds.periodFrom || s.periodFrom >= (bounds.periodFrom as { $gte: string }).$gte) &&
          (!bounds.periodTo || s.periodTo <= (bounds.periodTo as { $lte: string }).$lte),
      );
      return (await aggregatesOf(ctx, sums)).map(aggregateView);
    },
  },
  UsageFile: {
    records: (
      f: UsageFileDoc,
      args: PageArgs & { filter?: { status?: string | null } | null },
      ctx: UsageContext,
    ) => {
      const status = args.filter?.status ?? null;
      if (status !== null && status !== 'VALID' && status !== 'INVALID')
        throw badInput('filter.status', 'filter records by VALID or INVALID');
      const counts = f.counts ?? { processed: 0, valid: 0, invalid: 0 };
      const total =
        status === 'VALID'
          ? counts.valid
          : status === 'INVALID'
            ? counts.invalid
            : counts.valid + counts.invalid;
      // the file's visibility was checked when it was loaded; records share its _acl
      return ctx.env.records.page(
        recordSetOf(f),
        args,
        { status, last: counts.processed, total, closable: isClosable(f.status) },
        ctx.loaders.recordBlock,
      );
    },
    aggregates: async (f: UsageFileDoc, _: unknown, ctx: UsageContext) => {
      const sums = await ctx.env.models.UsageAggregate.find({ usageFile: f._id }).lean<UsageAggregateDoc[]>();
      return combine(sums.map((s) => ({ sum: s as FileSum, fileStatus: f.status }))).map(aggregateView);
    },
  },
  UsageRecord: {
    id: idOf,
    usageFile: (r: UsageRecordDoc, _: unknown, ctx: UsageContext) => ctx.loaders.usageFile.load(r.usageFile),
    status: async (r: UsageRecordDoc, _: unknown, ctx: UsageContext) =>
      recordStatus(r, (await ctx.loaders.usageFile.load(r.usageFile))?.status),
    item: (r: UsageRecordDoc) => (r.itemId ? { id: r.itemId } : null),
    asset: (r: UsageRecordDoc) => (r.assetId ? { id: r.assetId } : null),
    itemPrecision: (r: UsageRecordDoc) => r.itemPrecision ?? null,
    params: (r: UsageRecordDoc) => r.params ?? [],
    errors: (r: UsageRecordDoc) => r.errors ?? [],
    __resolveReference: (ref: { id: string }, ctx: UsageContext) => {
      parentOf('usageRecord', ref.id);
      return ctx.loaders.usageRecord.load(ref.id);
    },
  },
};
