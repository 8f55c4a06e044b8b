// Price lists: queries, the three vendor verbs, and field-level tenancy (a reseller never sees cost).
import {
  apiEnum,
  idOf,
  mapFilter,
  mustExist,
  mustLoad,
  paginate,
  parseId,
  requiredText,
  visibleTo,
} from '@daas/kit';
import { billingPermissions } from '../domain/permissions.js';
import { type PriceListVersion, type PricePoint, seesCost, versionAt } from '../domain/price-lists.js';
import type { BillingContext } from '../env.js';
import { activatePriceListVersion, createPriceList, createPriceListVersion } from '../flows/price-lists.js';
import type { PriceListDoc } from '../models/index.js';
import { type Input, type ListArgs, ref } from './common.js';

interface PriceListFilter {
  product?: string | null;
  marketplace?: string | null;
  vendor?: string | null;
}

/** A version as the caller may see it: points carry whether the caller sees their cost. */
const shown = (list: PriceListDoc, v: PriceListVersion, ctx: BillingContext) => {
  const cost = seesCost(ctx.identity, list);
  return { ...v, points: v.points.map((p) => ({ ...p, cost: cost ? p.cost : null })) };
};

async function listFor(ctx: BillingContext, value: string): Promise<PriceListDoc> {
  return mustLoad(
    ctx.loaders.priceList,
    parseId(value, 'input.priceList', 'priceList'),
    'input.priceList',
    'price list',
  );
}

export const priceListResolvers = {
  Query: {
    priceList: (_: unknown, args: { id: string }, ctx: BillingContext) => {
      const id = parseId(args.id, 'id', 'priceList');
      return mustExist('PriceList', id, ctx.loaders.priceList.load(id));
    },
    priceLists: (_: unknown, args: ListArgs<PriceListFilter>, ctx: BillingContext) =>
      paginate(
        ctx.env.models.PriceList,
        {
          ...visibleTo(ctx.identity),
          ...mapFilter(args.filter, {
            product: (v) => ['product', parseId(v, 'filter.product', 'product')],
            marketplace: (v) => ['marketplace', parseId(v, 'filter.marketplace', 'marketplace')],
            vendor: (v) => ['vendor', parseId(v, 'filter.vendor', 'vendorAccount')],
          }),
        },
        args,
      ),
  },
  Mutation: {
    createPriceList: async (
      _: unknown,
      args: Input<{ product: string; marketplace: string; currency: string; name: string }>,
      ctx: BillingContext,
    ) => {
      billingPermissions.assert(ctx.identity.role, 'createPriceList');
      const i = args.input;
      const priceList = await createPriceList(ctx.env, ctx.identity, {
        product: parseId(i.product, 'input.product', 'product'),
        marketplace: parseId(i.marketplace, 'input.marketplace', 'marketplace'),
        currency: i.currency,
        name: requiredText(i.name, 'input.name'),
      });
      return { priceList };
    },
    createPriceListVersion: async (
      _: unknown,
      args: Input<{
        priceList: string;
        points: { item: string; cost: string; price: string; msrp?: string | null }[];
      }>,
      ctx: BillingContext,
    ) => {
      billingPermissions.assert(ctx.identity.role, 'createPriceListVersion');
      const list = await listFor(ctx, args.input.priceList);
      const points = args.input.points.map((p, i) => ({
        ...p,
        item: parseId(p.item, `input.points[${i}].item`, 'item'),
      }));
      return { priceList: await createPriceListVersion(ctx.env, ctx.identity, list, points) };
    },
    activatePriceListVersion: async (
      _: unknown,
      args: Input<{ priceList: string; version: number; effectiveDate?: Date | null }>,
      ctx: BillingContext,
    ) => {
      billingPermissions.assert(ctx.identity.role, 'activatePriceListVersion');
      const list = await listFor(ctx, args.input.priceList);
      const { version, effectiveDate } = args.input;
      return {
        priceList: await activatePriceListVersion(
          ctx.env,
          ctx.identity,
          list,
          version,
          effectiveDate ?? null,
        ),
      };
    },
  },
  PriceList: {
    __resolveReference: (r: { id: string }, ctx: BillingContext) => ctx.loaders.priceList.load(r.id),
    id: idOf,
    product: (l: PriceListDoc) => ref(l.product),
    marketplace: (l: PriceListDoc) => ref(l.marketplace),
    vendor: (l: PriceListDoc) => ref(l.vendor),
    distributor: (l: PriceListDoc) => ref(l.distributor),
    versions: (l: PriceListDoc, _: unknown, ctx: BillingContext) => l.versions.map((v) => shown(l, v, ctx)),
    activeVersion: (l: PriceListDoc, _: unknown, ctx: BillingContext) => {
      const v = l.versions.find((x) => x.status === 'active');
      return v ? shown(l, v, ctx) : null;
    },
  },
  PriceListVersion: {
    status: (v: PriceListVersion) => apiEnum(v.status),
  },
  PricePoint: {
    item: (p: PricePoint) => ref(p.item),
  },
  AssetRequest: {
    __resolveReference: (r: AssetRequestRef) => r,
    price: async (r: AssetRequestRef, _: unknown, ctx: BillingContext) => {
      if (!r.effectiveDate || !r.product || !r.marketplace) return null;
      const list = await ctx.loaders.priceListOf.load(`${r.product.id}|${r.marketplace.id}`);
      const version = list ? versionAt(list.versions, new Date(r.effectiveDate)) : null;
      if (!list || !version) return null;
      return {
        ...shown(list, version, ctx),
        version: version.number,
        currency: list.currency,
        listId: list._id,
      };
    },
  },
  AssetRequestPrice: {
    priceList: (p: { listId: string }, _: unknown, ctx: BillingContext) =>
      ctx.loaders.priceList.load(p.listId),
  },
};

/** What the gateway gives billing of an asset request (the fields `price` @requires). */
interface AssetRequestRef {
  id: string;
  effectiveDate?: string | null;
  product?: { id: string } | null;
  marketplace?: { id: string } | null;
}
