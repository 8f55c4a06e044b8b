import { Cursor } from '@daas/kit';
import { fileResolvers } from './files.js';
import { recordResolvers } from './records.js';
import { subscriptionResolvers } from './subscriptions.js';

export const resolvers = {
  DateTime: fileResolvers.DateTime,
  Cursor,
  Subscription: subscriptionResolvers.Subscription,
  Query: { ...fileResolvers.Query, ...recordResolvers.Query },
  Mutation: fileResolvers.Mutation,
  Asset: recordResolvers.Asset,
  UsageFile: { ...fileResolvers.UsageFile, ...recordResolvers.UsageFile },
  UsageRecord: recordResolvers.UsageRecord,
};
