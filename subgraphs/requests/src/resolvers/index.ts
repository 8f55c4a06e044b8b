import { Cursor, DateTime } from '@daas/kit';
import { actionResolvers } from './actions.js';
import { assetResolvers } from './assets.js';
import { requestResolvers } from './requests.js';
import { subscriptionResolvers } from './subscriptions.js';
import { tierResolvers } from './tiers.js';

export const resolvers = {
  DateTime,
  Cursor,
  Subscription: subscriptionResolvers.Subscription,
  Query: { ...assetResolvers.Query, ...requestResolvers.Query, ...tierResolvers.Query },
  Mutation: { ...actionResolvers.Mutation, ...tierResolvers.Mutation },
  Product: assetResolvers.Product,
  Marketplace: assetResolvers.Marketplace,
  Asset: assetResolvers.Asset,
  AssetTier: assetResolvers.AssetTier,
  AssetItem: assetResolvers.AssetItem,
  RequestItem: assetResolvers.RequestItem,
  AssetRequest: requestResolvers.AssetRequest,
  TierAccount: tierResolvers.TierAccount,
  TierConfig: tierResolvers.TierConfig,
  TierConfigRequest: tierResolvers.TierConfigRequest,
};
