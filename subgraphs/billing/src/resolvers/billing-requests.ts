// Billing requests: queries, the issuer's two verbs, and an asset's billing (federated onto Asset).
import {
  apiEnum,
  badInput,
  historyEvent,
  idOf,
  mapFilter,
  mustExist,
  mustLoad,
  paginate,
  parseId,
  storedEnum,
  visibleTo,
} from '@daas/kit';
import { billingPermissions } from '../domain/permissions.js';
import type { BillingContext } from '../env.js';
import { actOnBillingRequest } from '../flows/billing-requests.js';
import { setAssetRenewal } from '../flows/renewal.js';
import type { AssetBillingDoc, BillingRequestDoc } from '../models/index.js';
import { type Input, type ListArgs, ref } from './common.js';

interface BillingRequestFilter {
  asset?: string | null;
  status?: string | null;
  statuses?: string[] | null;
  side?: string | null;
  periodFrom?: Date | null;
  periodTo?: Date | null;
}

const BR_KINDS = ['vendorBillingRequest', 'providerBillingRequest'] as const;

function requestQuery(ctx: BillingContext, filter: BillingRequestFilter | null | undefined, extra = {}) {
  if (filter?.statuses && filter.statuses.length === 0)
    throw badInput('filter.statuses', 'give at least one value');
  return {
    ...visibleTo(ctx.identity),
    ...extra,
    ...mapFilter(filter, {
      asset: (v) => ['asset', parseId(v, 'filter.asset', 'asset')],
      status: (v) => ['status', storedEnum(v)],
      side: (v) => ['side', storedEnum(v)],
      periodFrom: (v) => ['period.from', { $gte: v }],
      periodTo: (v) => ['period.from', { $lt: v }],
    }),
    ...(filter?.statuses ? { $and: [{ status: { $in: filter.statuses.map((s) => storedEnum(s)) } }] } : {}),
  };
}

function verb(action: 'approve' | 'fail') {
  return async (
    _: unknown,
    args: Input<{ billingRequest: string; note?: string | null; reason?: string | null }>,
    ctx: BillingContext,
  ) => {
    billingPermissions.assert(
      ctx.identity.role,
      action === 'approve' ? 'approveBillingRequest' : 'failBillingRequest',
    );
    const id = parseId(args.input.billingRequest, 'input.billingRequest', ...BR_KINDS);
    const doc = await mustLoad(ctx.loaders.billingRequest, id, 'input.billingRequest', 'billing request');
    const text = action === 'fail' ? args.input.reason : args.input.note;
    return { billingRequest: await actOnBillingRequest(ctx.env, ctx.identity, doc._id, action, text) };
  };
}

export const billingRequestResolvers = {
  Query: {
    billingRequest: (_: unknown, args: { id: string }, ctx: BillingContext) => {
      const id = parseId(args.id, 'id', ...BR_KINDS);
      return mustExist('BillingRequest', id, ctx.loaders.billingRequest.load(id));
    },
    billingRequests: (_: unknown, args: ListArgs<BillingRequestFilter>, ctx: BillingContext) =>
      paginate(ctx.env.models.BillingRequest, requestQuery(ctx, args.filter), args),
  },
  Mutation: {
    setAssetRenewal: async (
      _: unknown,
      args: Input<{ asset: string; renew: boolean }>,
      ctx: BillingContext,
    ) => {
      billingPermissions.assert(ctx.identity.role, 'setAssetRenewal');
      const id = parseId(args.input.asset, 'input.asset', 'asset');
      await mustLoad(ctx.loaders.assetBilling, id, 'input.asset', 'asset billing');
      return { assetBilling: await setAssetRenewal(ctx.env, ctx.identity, id, args.input.renew) };
    },
    approveBillingRequest: verb('approve'),
    failBillingRequest: verb('fail'),
  },
  Asset: {
    __resolveReference: (r: { id: string }) => r,
    billing: (a: { id: string }, _: unknown, ctx: BillingContext) => ctx.loaders.assetBilling.load(a.id),
    billingRequests: (a: { id: string }, args: ListArgs<BillingRequestFilter>, ctx: BillingContext) =>
      paginate(ctx.env.models.BillingRequest, requestQuery(ctx, args.filter, { asset: a.id }), args),
  },
  AssetBilling: {
    status: (b: AssetBillingDoc) => apiEnum(b.status),
    period: (b: AssetBillingDoc) => apiEnum(b.period),
    anchorDate: (b: AssetBillingDoc) => b.anchorAt,
    nextBillingDate: (b: AssetBillingDoc) => b.nextBillingAt,
    provider: (b: AssetBillingDoc) => ref(b.provider),
    commitment: (b: AssetBillingDoc) => b.commitment ?? null,
  },
  BillingRequest: {
    __resolveReference: (r: { id: string }, ctx: BillingContext) => ctx.loaders.billingRequest.load(r.id),
    id: idOf,
    status: (b: BillingRequestDoc) => apiEnum(b.status),
    side: (b: BillingRequestDoc) => apiEnum(b.side),
    asset: (b: BillingRequestDoc) => ref(b.asset),
    product: (b: BillingRequestDoc) => ref(b.product),
    marketplace: (b: BillingRequestDoc) => ref(b.marketplace),
    vendor: (b: BillingRequestDoc) => ref(b.vendor),
    provider: (b: BillingRequestDoc) => ref(b.provider),
    distributor: (b: BillingRequestDoc) => ref(b.distributor),
    issuer: (b: BillingRequestDoc) => ref(b.issuer),
    period: (b: BillingRequestDoc) => ({ ...b.period, period: apiEnum(b.period.billingPeriod) }),
    priceList: (b: BillingRequestDoc, _: unknown, ctx: BillingContext) =>
      b.priceList ? ctx.loaders.priceList.load(b.priceList) : null,
    history: (b: BillingRequestDoc, _: unknown, ctx: BillingContext) =>
      ctx.loaders.history
        .load(b._id)
        .then((rows) =>
          rows.map((row) => historyEvent(row, { noteFields: ['note', 'reason'], present: apiEnum })),
        ),
  },
  BillingLine: {
    item: (l: { item: string }) => ref(l.item),
    usageFile: (l: { usageFile?: string }) => ref(l.usageFile),
    usageRecords: (l: { records?: number }) => l.records ?? null,
  },
};
