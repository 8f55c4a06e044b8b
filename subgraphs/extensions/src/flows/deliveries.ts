// Writes of webhook deliveries: one per event per webhook (made once, whoever asks again), the
// dispatcher's claim and the outcome of each attempt, and the owner's replay. Every one is a
// compare-and-set through the change store, so two replicas never hold one delivery at once.
import { conflict, type Identity, newId } from '@daas/kit';
import { deliveryTransition } from '../domain/delivery-machine.js';
import { type AttemptKind, afterFailure } from '../domain/webhooks.js';
import type { ExtensionsEnv } from '../env.js';
import type { DeliveryAttempt, DeliveryDoc, WebhookDoc } from '../models/webhooks.js';
import { SYSTEM } from './extensions.js';
import { assertWebhookOwner } from './webhooks.js';

/** One status change of an object, as webhooks announce it. */
export interface WebhookEvent {
  /** the tasks' event type, e.g. asset_purchase_request_processing */
  eventType: string;
  objectId: string;
  /** as the API shows them (upper case) */
  status: string | null;
  previousStatus: string | null;
  /** the change's time: with the object and status, it names this change */
  at: string;
  /** the accounts that may see the object (its tenancy list at the time of the change) */
  audience: readonly string[];
  /** the payload's `data` besides the common fields: the object under its GraphQL name */
  data: Record<string, unknown>;
}

const ATTEMPTS_KEPT = 50;

/** The JSON body of an event: Standard Webhooks' `{ type, timestamp, data }`. */
export const deliveryPayload = (e: WebhookEvent) =>
  JSON.stringify({
    type: e.eventType,
    timestamp: e.at,
    data: { status: e.status, previousStatus: e.previousStatus, ...e.data },
  });

/**
 * The deliveries of an event: one for every active webhook of the event type whose owner may see the
 * object. Idempotent per (webhook, object, status, change time): a replayed feed makes nothing new.
 * Returns how many were new.
 */
export async function deliveriesOfEvent(env: ExtensionsEnv, e: WebhookEvent): Promise<number> {
  if (!e.status || e.status === e.previousStatus || e.audience.length === 0) return 0;
  const webhooks = await env.models.Webhook.find({
    eventTypes: e.eventType,
    active: true,
    owner: { $in: [...new Set(e.audience)] },
  }).lean<WebhookDoc[]>();
  if (webhooks.length === 0) return 0;
  const payload = deliveryPayload(e);
  let made = 0;
  for (const w of webhooks) {
    deliveryTransition(null, 'create', 'system');
    const { created } = await env.write.WebhookDelivery.create({
      doc: {
        _id: newId('webhookDelivery'),
        webhook: w._id,
        owner: w.owner,
        eventType: e.eventType,
        objectId: e.objectId,
        objectStatus: e.status,
        payload,
        status: 'pending',
        attemptCount: 0,
        attempts: [],
        nextAttemptAt: new Date(),
        claim: null,
        leaseUntil: null,
        _acl: [w.owner],
      },
      newId: () => newId('webhookDelivery'),
      actor: SYSTEM,
      idempotencyKey: `delivery:${w._id}:${e.objectId}:${e.status}:${e.at}`,
    });
    if (created) made++;
  }
  if (made) env.deliverySignals.wake();
  return made;
}

const isConflict = (e: unknown) => (e as { code?: string }).code === 'CONFLICT';

/**
 * Takes a due delivery (or one whose sender's lease ran out) for this sender, named by `claim`, until
 * the lease ends; null when another sender has it or it is no longer due.
 */
export async function claimDelivery(
  env: ExtensionsEnv,
  id: string,
  claim: string,
): Promise<DeliveryDoc | null> {
  const now = new Date();
  try {
    return await env.write.WebhookDelivery.change({
      id,
      actor: SYSTEM,
      decide: (d) => {
        const due = !d.nextAttemptAt || d.nextAttemptAt <= now;
        const leaseExpired = !!d.leaseUntil && d.leaseUntil <= now;
        const to = deliveryTransition(d, 'claim', 'system', { due, leaseExpired }).to;
        // a sender that died mid-attempt: that attempt counts, with what is known of it
        const attempts =
          d.status === 'sending'
            ? [...d.attempts, interrupted(d.leaseUntil!, env.webhooks.leaseMs)].slice(-ATTEMPTS_KEPT)
            : d.attempts;
        return {
          kind: d.status === 'sending' ? 'reclaimed' : 'claimed',
          to,
          set: {
            status: to,
            claim,
            leaseUntil: new Date(now.getTime() + env.webhooks.leaseMs),
            attemptCount: d.attemptCount + 1,
            attempts,
          },
        };
      },
    });
  } catch (e) {
    if (isConflict(e)) return null;
    throw e;
  }
}

const interrupted = (leaseUntil: Date, leaseMs: number): DeliveryAttempt => ({
  at: new Date(leaseUntil.getTime() - leaseMs),
  responseCode: null,
  latencyMs: 0,
  error: 'interrupted: the sending process stopped before recording an answer',
});

/**
 * The outcome of the attempt made under `claim`: delivered, due again after the schedule's wait, or
 * dead-lettered. Null when the claim is no longer the delivery's (its lease ran out and another took it).
 */
export async function recordAttempt(
  env: ExtensionsEnv,
  id: string,
  claim: string,
  attempt: DeliveryAttempt,
  kind: AttemptKind,
): Promise<DeliveryDoc | null> {
  try {
    return await env.write.WebhookDelivery.change({
      id,
      actor: SYSTEM,
      decide: (d) => {
        if (d.status !== 'sending' || d.claim !== claim) {
          throw conflict(`delivery ${d._id} is no longer this sender's`, d.status);
        }
        const attempts = [...d.attempts, attempt].slice(-ATTEMPTS_KEPT);
        const next =
          kind === 'ok'
            ? ({ action: 'succeed' } as const)
            : afterFailure(d.attemptCount, kind, env.webhooks.schedule);
        const to = deliveryTransition(d, next.action, 'system').to;
        return {
          kind: to,
          to,
          set: {
            status: to,
            attempts,
            claim: null,
            leaseUntil: null,
            nextAttemptAt: next.action === 'retry' ? new Date(Date.now() + next.delayMs) : null,
          },
        };
      },
    });
  } catch (e) {
    if (isConflict(e)) return null;
    throw e;
  }
}

/** The owner's replay: a dead-lettered (or delivered) delivery is sent again, with a fresh schedule. */
export async function replayDelivery(
  env: ExtensionsEnv,
  identity: Identity,
  id: string,
): Promise<DeliveryDoc> {
  const doc = await env.write.WebhookDelivery.change({
    id,
    actor: { accountId: identity.accountId, role: identity.role },
    decide: (d) => {
      assertWebhookOwner(identity, d);
      const to = deliveryTransition(d, 'replay', 'owner').to;
      return {
        kind: 'replayed',
        to,
        set: { status: to, attemptCount: 0, nextAttemptAt: new Date(), claim: null, leaseUntil: null },
      };
    },
  });
  env.deliverySignals.wake();
  return doc;
}
