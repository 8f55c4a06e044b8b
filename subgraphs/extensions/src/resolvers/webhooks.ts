// Webhooks and deliveries in GraphQL: reads filtered by what the caller may see (_acl: the owner; the
// operator all), verbs that check the role, parse the input and hand over to flows/.
import {
  apiEnum,
  idOf,
  mapFilter,
  mustExist,
  mustLoad,
  type PageArgs,
  paginate,
  parseId,
  scopedKey,
  storedEnum,
  visibleTo,
} from '@daas/kit';
import { webhookPermissions } from '../domain/webhook-permissions.js';
import { validEventTypes, validWebhookUrl } from '../domain/webhooks.js';
import type { ExtensionsContext } from '../env.js';
import { replayDelivery } from '../flows/deliveries.js';
import {
  createWebhook,
  rotateWebhookSecret,
  updateWebhook,
  type WebhookSettings,
} from '../flows/webhooks.js';
import type { DeliveryDoc, WebhookDoc } from '../models/webhooks.js';

type Input<T> = { input: T };
const ACCOUNT = ['vendorAccount', 'providerAccount', 'operatorAccount'] as const;

interface DeliveryFilter {
  webhook?: string | null;
  status?: string | null;
  eventType?: string | null;
  object?: string | null;
}

const deliveryFilter = (f: DeliveryFilter | null | undefined) =>
  mapFilter(f, {
    webhook: (v) => ['webhook', parseId(v, 'filter.webhook', 'webhook')],
    status: (v) => ['status', storedEnum(v)],
    eventType: (v) => ['eventType', v],
    object: (v) => ['objectId', v],
  });

async function ownWebhook(ctx: ExtensionsContext, value: string): Promise<string> {
  webhookPermissions.assert(ctx.identity.role, 'manageWebhook');
  const id = parseId(value, 'input.webhook', 'webhook');
  await mustLoad(ctx.loaders.webhook, id, 'input.webhook', 'webhook');
  return id;
}

export const webhookResolvers = {
  Query: {
    webhook: (_: unknown, a: { id: string }, ctx: ExtensionsContext) => {
      const id = parseId(a.id, 'id', 'webhook');
      return mustExist('Webhook', id, ctx.loaders.webhook.load(id));
    },
    webhooks: (
      _: unknown,
      a: PageArgs & { filter?: { owner?: string | null; active?: boolean | null } | null },
      ctx: ExtensionsContext,
    ) =>
      paginate(
        ctx.env.models.Webhook,
        {
          ...visibleTo(ctx.identity),
          ...mapFilter(a.filter, {
            owner: (v) => ['owner', parseId(v, 'filter.owner', ...ACCOUNT)],
            active: (v) => ['active', v],
          }),
        },
        a,
      ),
    webhookDelivery: (_: unknown, a: { id: string }, ctx: ExtensionsContext) => {
      const id = parseId(a.id, 'id', 'webhookDelivery');
      return mustExist('WebhookDelivery', id, ctx.loaders.webhookDelivery.load(id));
    },
    webhookDeliveries: (
      _: unknown,
      a: PageArgs & { filter?: DeliveryFilter | null },
      ctx: ExtensionsContext,
    ) =>
      paginate(
        ctx.env.models.WebhookDelivery,
        { ...visibleTo(ctx.identity), ...deliveryFilter(a.filter) },
        a,
      ),
  },
  Mutation: {
    createWebhook: async (
      _: unknown,
      {
        input,
      }: Input<{
        url: string;
        eventTypes: string[];
        active?: boolean | null;
        idempotencyKey?: string | null;
      }>,
      ctx: ExtensionsContext,
    ) => {
      webhookPermissions.assert(ctx.identity.role, 'createWebhook');
      const key = scopedKey('createWebhook', ctx.identity.accountId, input.idempotencyKey);
      const settings: WebhookSettings = {
        url: validWebhookUrl(input.url),
        eventTypes: validEventTypes(input.eventTypes),
        active: input.active !== false,
      };
      const webhook = await createWebhook(ctx.env, ctx.identity, settings, key);
      return { webhook, secret: webhook.secret };
    },
    updateWebhook: async (
      _: unknown,
      {
        input,
      }: Input<{
        webhook: string;
        url?: string | null;
        eventTypes?: string[] | null;
        active?: boolean | null;
      }>,
      ctx: ExtensionsContext,
    ) => {
      const id = await ownWebhook(ctx, input.webhook);
      const changes: Partial<WebhookSettings> = {};
      if (input.url != null) changes.url = validWebhookUrl(input.url);
      if (input.eventTypes != null) changes.eventTypes = validEventTypes(input.eventTypes);
      if (input.active != null) changes.active = input.active;
      return { webhook: await updateWebhook(ctx.env, ctx.identity, id, changes) };
    },
    rotateWebhookSecret: async (
      _: unknown,
      { input }: Input<{ webhook: string }>,
      ctx: ExtensionsContext,
    ) => {
      const id = await ownWebhook(ctx, input.webhook);
      const webhook = await rotateWebhookSecret(ctx.env, ctx.identity, id);
      return { webhook, secret: webhook.secret };
    },
    replayWebhookDelivery: async (
      _: unknown,
      { input }: Input<{ webhookDelivery: string }>,
      ctx: ExtensionsContext,
    ) => {
      webhookPermissions.assert(ctx.identity.role, 'manageWebhook');
      const id = parseId(input.webhookDelivery, 'input.webhookDelivery', 'webhookDelivery');
      await mustLoad(ctx.loaders.webhookDelivery, id, 'input.webhookDelivery', 'webhook delivery');
      return { webhookDelivery: await replayDelivery(ctx.env, ctx.identity, id) };
    },
  },
  Webhook: {
    id: idOf,
    __resolveReference: (ref: { id: string }, ctx: ExtensionsContext) => ctx.loaders.webhook.load(ref.id),
    owner: (d: WebhookDoc) => ({ id: d.owner }),
    deliveries: (d: WebhookDoc, a: PageArgs & { filter?: DeliveryFilter | null }, ctx: ExtensionsContext) =>
      paginate(
        ctx.env.models.WebhookDelivery,
        { ...visibleTo(ctx.identity), ...deliveryFilter(a.filter), webhook: d._id },
        a,
      ),
  },
  WebhookDelivery: {
    id: idOf,
    __resolveReference: (ref: { id: string }, ctx: ExtensionsContext) =>
      ctx.loaders.webhookDelivery.load(ref.id),
    webhook: (d: DeliveryDoc, _: unknown, ctx: ExtensionsContext) => ctx.loaders.webhook.load(d.webhook),
    status: (d: DeliveryDoc) => apiEnum(d.status),
  },
};
