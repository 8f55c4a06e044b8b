import { Cursor, DateTime } from '@daas/kit';
import { accountResolvers } from './accounts.js';
import { agreementResolvers } from './agreements.js';
import { contractActionResolvers } from './contract-actions.js';
import { contractSubscriptionResolvers } from './contract-subscription.js';
import { contractResolvers } from './contracts.js';
import { hubResolvers } from './hubs.js';
import { marketplaceResolvers } from './marketplaces.js';
import { partnershipResolvers } from './partnerships.js';
import { tokenResolvers } from './tokens.js';

export const resolvers = {
  DateTime,
  Cursor,
  Query: {
    ...accountResolvers.Query,
    ...marketplaceResolvers.Query,
    ...tokenResolvers.Query,
    ...hubResolvers.Query,
    ...partnershipResolvers.Query,
    ...agreementResolvers.Query,
    ...contractResolvers.Query,
  },
  Mutation: {
    ...accountResolvers.Mutation,
    ...marketplaceResolvers.Mutation,
    ...tokenResolvers.Mutation,
    ...hubResolvers.Mutation,
    ...partnershipResolvers.Mutation,
    ...agreementResolvers.Mutation,
    ...contractActionResolvers.Mutation,
  },
  Subscription: contractSubscriptionResolvers.Subscription,
  Viewer: accountResolvers.Viewer,
  Account: accountResolvers.Account,
  Marketplace: marketplaceResolvers.Marketplace,
  MarketplaceHub: marketplaceResolvers.MarketplaceHub,
  ApiToken: tokenResolvers.ApiToken,
  Hub: hubResolvers.Hub,
  Partnership: partnershipResolvers.Partnership,
  Agreement: agreementResolvers.Agreement,
  Contract: contractResolvers.Contract,
  DistributionPath: contractResolvers.DistributionPath,
};
