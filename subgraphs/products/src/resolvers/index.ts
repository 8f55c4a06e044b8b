import { Cursor, DateTime } from '@daas/kit';
import { connectionResolvers } from './connections.js';
import { itemResolvers } from './items.js';
import { listingResolvers } from './listings.js';
import { parameterResolvers } from './parameters.js';
import { productResolvers } from './products.js';
import { subscriptionResolvers } from './subscriptions.js';
import { templateResolvers } from './templates.js';

export const resolvers = {
  DateTime,
  Cursor,
  Subscription: subscriptionResolvers.Subscription,
  Query: {
    ...productResolvers.Query,
    ...parameterResolvers.Query,
    ...templateResolvers.Query,
    ...listingResolvers.Query,
    ...connectionResolvers.Query,
  },
  Mutation: {
    ...productResolvers.Mutation,
    ...itemResolvers.Mutation,
    ...parameterResolvers.Mutation,
    ...templateResolvers.Mutation,
    ...listingResolvers.Mutation,
  },
  Product: productResolvers.Product,
  ProductVersion: productResolvers.ProductVersion,
  ProductMaster: productResolvers.ProductMaster,
  Item: itemResolvers.Item,
  Parameter: parameterResolvers.Parameter,
  Template: templateResolvers.Template,
  Marketplace: listingResolvers.Marketplace,
  Listing: listingResolvers.Listing,
  ListingRequest: listingResolvers.ListingRequest,
  Connection: connectionResolvers.Connection,
};
