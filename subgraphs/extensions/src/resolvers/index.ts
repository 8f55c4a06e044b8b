import { Cursor } from '@daas/kit';
import { mutationResolvers } from './mutations.js';
import { queryResolvers } from './queries.js';
import { subscriptionResolvers } from './subscriptions.js';
import { webhookResolvers } from './webhooks.js';

export const resolvers = {
  DateTime: queryResolvers.DateTime,
  Cursor,
  Query: { ...queryResolvers.Query, ...webhookResolvers.Query },
  Mutation: { ...mutationResolvers.Mutation, ...webhookResolvers.Mutation },
  Subscription: subscriptionResolvers.Subscription,
  Extension: queryResolvers.Extension,
  ExtensionEnvironment: queryResolvers.ExtensionEnvironment,
  ExtensionTask: queryResolvers.ExtensionTask,
  Webhook: webhookResolvers.Webhook,
  WebhookDelivery: webhookResolvers.WebhookDelivery,
};
