import { Cursor, DateTime } from '@daas/kit';
import { billingRequestResolvers } from './billing-requests.js';
import { priceListResolvers } from './price-lists.js';
import { subscriptionResolvers } from './subscriptions.js';
import { usageResolvers } from './usage.js';

export const resolvers = {
  DateTime,
  Cursor,
  Subscription: subscriptionResolvers.Subscription,
  Query: { ...priceListResolvers.Query, ...billingRequestResolvers.Query, ...usageResolvers.Query },
  Mutation: { ...priceListResolvers.Mutation, ...billingRequestResolvers.Mutation },
  PriceList: priceListResolvers.PriceList,
  PriceListVersion: priceListResolvers.PriceListVersion,
  PricePoint: priceListResolvers.PricePoint,
  Asset: billingRequestResolvers.Asset,
  AssetRequest: priceListResolvers.AssetRequest,
  AssetRequestPrice: priceListResolvers.AssetRequestPrice,
  AssetBilling: billingRequestResolvers.AssetBilling,
  BillingRequest: billingRequestResolvers.BillingRequest,
  BillingLine: billingRequestResolvers.BillingLine,
  UsageFile: usageResolvers.UsageFile,
  UsageReconciliation: usageResolvers.UsageReconciliation,
};
