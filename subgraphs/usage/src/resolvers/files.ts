// Usage files: queries and the verbs. Each mutation checks the role, parses its input and hands over to
// flows/usage-files.ts, where the machine decides.
import {
  badInput,
  DateTime,
  idOf,
  mustExist,
  mustLoad,
  type PageArgs,
  paginate,
  parseId,
  scopedKey,
  visibleTo,
} from '@daas/kit';
import { parsePeriod } from '../domain/period.js';
import { type UsageAction, usagePermissions } from '../domain/permissions.js';
import type { RecordInput } from '../domain/record-batch.js';
import type { UsageContext } from '../env.js';
import { act, closeAllRecords, closeRecords, createUsageFile, uploadRecords } from '../flows/usage-files.js';
import type { UsageFileDoc } from '../models/index.js';
import { requiredText, text } from './common.js';

type Input<T> = { input: T };

interface CreateInput {
  name: string;
  description?: string | null;
  note?: string | null;
  externalId?: string | null;
  period: { from: string; to: string };
  currency: string;
  product: string;
  contract: string;
  idempotencyKey?: string | null;
}

async function fileFor(ctx: UsageContext, value: string, field = 'input.usageFile'): Promise<UsageFileDoc> {
  return mustLoad(ctx.loaders.usageFile, parseId(value, field, 'usageFile'), field, 'usage file');
}

function verb(permission: UsageAction, action: 'submit' | 'accept' | 'reject' | 'delete' | 'reprocess') {
  return async (_: unknown, args: Input<{ usageFile: string; note?: string | null }>, ctx: UsageContext) => {
    usagePermissions.assert(ctx.identity.role, permission);
    const file = await fileFor(ctx, args.input.usageFile);
    const note = text(args.input.note, 'input.note');
    return { usageFile: await act(ctx.env, ctx.identity, file._id, action, note) };
  };
}

export const fileResolvers = {
  DateTime,
  Query: {
    usageFile: (_: unknown, args: { id: string }, ctx: UsageContext) => {
      const id = parseId(args.id, 'id', 'usageFile');
      return mustExist('UsageFile', id, ctx.loaders.usageFile.load(id));
    },
    usageFiles: (
      _: unknown,
      args: PageArgs & { filter?: { status?: string | null; product?: string | null } | null },
      ctx: UsageContext,
    ) => {
      const filter: Record<string, unknown> = { ...visibleTo(ctx.identity) };
      if (args.filter?.status) filter.status = args.filter.status;
      if (args.filter?.product) filter.productId = parseId(args.filter.product, 'filter.product', 'product');
      return paginate(ctx.env.models.UsageFile, filter, args);
    },
  },
  Mutation: {
    createUsageFile: async (_: unknown, args: Input<CreateInput>, ctx: UsageContext) => {
      usagePermissions.assert(ctx.identity.role, 'createUsageFile');
      const i = args.input;
      const key = scopedKey('createUsageFile', ctx.identity.accountId, i.idempotencyKey);
      const doc = await createUsageFile(ctx.env, ctx.identity, {
        name: requiredText(i.name, 'input.name'),
        description: text(i.description, 'input.description'),
        note: text(i.note, 'input.note'),
        externalId: text(i.externalId, 'input.externalId', 200),
        period: parsePeriod(i.period.from, i.period.to),
        currency: i.currency,
        product: parseId(i.product, 'input.product', 'product'),
        contract: parseId(i.contract, 'input.contract', 'distributionContract'),
        ...(key ? { idempotencyKey: key } : {}),
      });
      return { usageFile: doc };
    },
    uploadUsageRecords: async (
      _: unknown,
      args: Input<{ usageFile: string; records: RecordInput[] }>,
      ctx: UsageContext,
    ) => {
      usagePermissions.assert(ctx.identity.role, 'uploadUsage');
      const file = await fileFor(ctx, args.input.usageFile);
      return { usageFile: await uploadRecords(ctx.env, ctx.identity, file._id, args.input.records) };
    },
    submitUsageFile: verb('submitUsageFile', 'submit'),
    acceptUsageFile: verb('acceptUsageFile', 'accept'),
    rejectUsageFile: verb('rejectUsageFile', 'reject'),
    deleteUsageFile: verb('deleteUsageFile', 'delete'),
    reprocessUsageFile: verb('reprocessUsageFile', 'reprocess'),
    closeUsageRecords: async (
      _: unknown,
      args: Input<{
        usageFile: string;
        records: { id: string; externalBillingId: string; externalBillingNote?: string | null }[];
      }>,
      ctx: UsageContext,
    ) => {
      usagePermissions.assert(ctx.identity.role, 'closeUsageRecords');
      const file = await fileFor(ctx, args.input.usageFile);
      if (args.input.records.length === 0 || args.input.records.length > 1000) {
        throw badInput('input.records', '1 to 1000 records per call');
      }
      const closes = args.input.records.map((r, i) => ({
        id: parseId(r.id, `input.records.${i}.id`, 'usageRecord'),
        externalBillingId: requiredText(r.externalBillingId, `input.records.${i}.externalBillingId`),
        externalBillingNote: text(r.externalBillingNote, `input.records.${i}.externalBillingNote`),
      }));
      return { usageFile: await closeRecords(ctx.env, ctx.identity, file, closes) };
    },
    closeUsageFile: async (
      _: unknown,
      args: Input<{ usageFile: string; externalBillingId: string; externalBillingNote?: string | null }>,
      ctx: UsageContext,
    ) => {
      usagePermissions.assert(ctx.identity.role, 'closeUsageRecords');
      const file = await fileFor(ctx, args.input.usageFile);
      const id = requiredText(args.input.externalBillingId, 'input.externalBillingId');
      const note = text(args.input.externalBillingNote, 'input.externalBillingNote');
      return { usageFile: await closeAllRecords(ctx.env, ctx.identity, file, id, note) };
    },
  },
  UsageFile: {
    id: idOf,
    schema: (f: UsageFileDoc) => f.schema ?? 'qt',
    currency: (f: UsageFileDoc) => f.currency ?? 'USD',
    period: (f: UsageFileDoc) =>
      f.period ?? {
        from: f.createdAt.toISOString().slice(0, 10),
        to: f.createdAt.toISOString().slice(0, 10),
      },
    environment: () => 'production',
    product: (f: UsageFileDoc) => ({ id: f.productId }),
    contract: (f: UsageFileDoc) => (f.contractId ? { id: f.contractId } : null),
    marketplace: (f: UsageFileDoc) => (f.marketplaceId ? { id: f.marketplaceId } : null),
    vendor: (f: UsageFileDoc) => ({ id: f.vendor }),
    provider: (f: UsageFileDoc) => ({ id: f.provider }),
    upload: (f: UsageFileDoc) => f.upload ?? null,
    counts: async (f: UsageFileDoc, _: unknown, ctx: UsageContext) => ({
      processed: f.counts?.processed ?? 0,
      valid: f.counts?.valid ?? 0,
      invalid: f.counts?.invalid ?? 0,
      closed: await ctx.loaders.closedCount.load(f),
    }),
    stats: async (f: UsageFileDoc, _: unknown, ctx: UsageContext) => {
      const valid = f.counts?.valid ?? 0;
      const closed = await ctx.loaders.closedCount.load(f);
      return {
        uploaded: f.counts?.processed ?? 0,
        validated: valid,
        pending: f.status === 'pending' ? valid : 0,
        accepted: f.status === 'accepted' || f.status === 'closed' ? valid : 0,
        closed: f.status === 'closed' ? valid : closed,
      };
    },
    __resolveReference: (ref: { id: string }, ctx: UsageContext) => ctx.loaders.usageFile.load(ref.id),
  },
};
