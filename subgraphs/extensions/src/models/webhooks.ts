// Webhooks and their deliveries are entities (written through the change store): a delivery's status
// changes are events like any other, and every claim by a dispatcher is a compare-and-set.
import { type EntityDoc, entityKind, entityModel } from '@daas/kit';
import { type Connection, Schema } from 'mongoose';
import type { DeliveryStatus } from '../domain/delivery-machine.js';

export interface WebhookDoc extends EntityDoc {
  /** the account that registered it: it hears only of objects it may see */
  owner: string;
  url: string;
  eventTypes: string[];
  /** `whsec_<base64>`: the Standard Webhooks signing key, shown to the owner once per creation or rotation */
  secret: string;
  /** the secret before the last rotation, still signing beside the new one until `previousSecretUntil` */
  previousSecret?: string | null;
  previousSecretUntil?: Date | null;
  active: boolean;
}

export interface DeliveryAttempt {
  at: Date;
  /** the receiver's HTTP status; null when it gave none (timeout, connection error, refused address) */
  responseCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface DeliveryDoc extends EntityDoc {
  webhook: string;
  owner: string;
  eventType: string;
  objectId: string;
  objectStatus: string | null;
  /** the JSON body, fixed at creation: every attempt (and a replay) sends the same bytes */
  payload: string;
  status: DeliveryStatus;
  /** attempts since creation or the last replay; the retry schedule counts these */
  attemptCount: number;
  /** every attempt, oldest first (the last 50) */
  attempts: DeliveryAttempt[];
  nextAttemptAt: Date | null;
  /** the claim of the dispatcher sending it, and until when it holds (then another may send it) */
  claim: string | null;
  leaseUntil: Date | null;
  idempotencyKey?: string;
}

export function webhookModels(conn: Connection) {
  const Webhook = entityModel<WebhookDoc>(
    conn,
    'Webhook',
    'webhooks',
    {
      owner: String,
      url: String,
      eventTypes: [String],
      secret: String,
      previousSecret: String,
      previousSecretUntil: Date,
      active: Boolean,
    },
    // production: the active webhooks of an event type; the API's list of an owner's
    [[{ eventTypes: 1, active: 1 }], [{ owner: 1, createdAt: -1 }]],
  );
  const WebhookDelivery = entityModel<DeliveryDoc>(
    conn,
    'WebhookDelivery',
    'webhook_deliveries',
    {
      webhook: String,
      owner: String,
      eventType: String,
      objectId: String,
      objectStatus: String,
      payload: String,
      status: String,
      attemptCount: Number,
      attempts: { type: [Schema.Types.Mixed], default: [] },
      nextAttemptAt: Date,
      claim: String,
      leaseUntil: Date,
      idempotencyKey: String,
    },
    [
      // the dispatcher's questions: what is due, whose lease ran out
      [{ status: 1, nextAttemptAt: 1 }],
      [{ status: 1, leaseUntil: 1 }],
      // the API's lists: a webhook's deliveries, newest first
      [{ webhook: 1, createdAt: -1, _id: -1 }],
      [{ webhook: 1, status: 1, createdAt: -1, _id: -1 }],
    ],
  );
  return { Webhook, WebhookDelivery };
}

export type WebhookModels = ReturnType<typeof webhookModels>;

/** Partitioned by owner: one account's deliveries stay in order in the feed. */
export const webhookEntities = (m: WebhookModels) => ({
  Webhook: entityKind(m.Webhook, 'Webhook', (d) => d.owner),
  WebhookDelivery: entityKind(m.WebhookDelivery, 'WebhookDelivery', (d) => d.owner),
});
