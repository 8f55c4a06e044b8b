import { Cursor } from '@daas/kit';
import { mutationResolvers } from './mutations.js';
import { queryResolvers } from './queries.js';
import { subscriptionResolvers } from './subscriptions.js';

export const resolvers = {
  DateTime: queryResolvers.DateTime,
  Cursor,
  Query: queryResolvers.Query,
  Mutation: mutationResolvers.Mutation,
  Subscription: subscriptionResolvers.Subscription,
  Extension: queryResolvers.Extension,
  ExtensionEnvironment: queryResolvers.ExtensionEnvironment,
  ExtensionTask: queryResolvers.ExtensionTask,
};
