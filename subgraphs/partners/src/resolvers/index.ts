import { DateTime } from '@daas/kit';
import { accountResolvers } from './accounts.js';
import { marketplaceResolvers } from './marketplaces.js';
import { tokenResolvers } from './tokens.js';

export const resolvers = {
  DateTime,
  Query: { ...accountResolvers.Query, ...marketplaceResolvers.Query, ...tokenResolvers.Query },
  Mutation: { ...accountResolvers.Mutation, ...marketplaceResolvers.Mutation, ...tokenResolvers.Mutation },
  Viewer: accountResolvers.Viewer,
  Account: accountResolvers.Account,
  Marketplace: marketplaceResolvers.Marketplace,
  ApiToken: tokenResolvers.ApiToken,
};
