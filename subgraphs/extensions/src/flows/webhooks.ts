// Writes of webhooks: registration, changes, and the rotation of the signing secret. The secret is
// returned by creation and rotation only; the API never shows it otherwise.
import { randomBytes } from 'node:crypto';
import { type Actor, conflict, forbidden, type Identity, newId, seesEverything } from '@daas/kit';
import type { ExtensionsEnv } from '../env.js';
import type { WebhookDoc } from '../models/webhooks.js';

const actorOf = (identity: Identity): Actor => ({ accountId: identity.accountId, role: identity.role });

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Whether `identity` may manage the webhook: its owner, or the operator. */
export function assertWebhookOwner(identity: Identity, doc: { owner: string }): void {
  if (seesEverything(identity) || identity.accountId === doc.owner) return;
  throw forbidden('only the webhook’s owner may change it');
}

export interface WebhookSettings {
  url: string;
  eventTypes: string[];
  active: boolean;
}

export async function createWebhook(
  env: ExtensionsEnv,
  identity: Identity,
  settings: WebhookSettings,
  idempotencyKey?: string,
): Promise<WebhookDoc> {
  const owner = identity.accountId;
  const { doc } = await env.write.Webhook.create({
    doc: { _id: newId('webhook'), owner, ...settings, secret: newSecret(), _acl: [owner] },
    newId: () => newId('webhook'),
    actor: actorOf(identity),
    idempotencyKey,
  });
  return doc;
}

export function updateWebhook(
  env: ExtensionsEnv,
  identity: Identity,
  id: string,
  changes: Partial<WebhookSettings>,
): Promise<WebhookDoc> {
  return env.write.Webhook.change({
    id,
    actor: actorOf(identity),
    decide: (w) => {
      assertWebhookOwner(identity, w);
      const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      if (Object.keys(set).length === 0) throw conflict(`webhook ${w._id}: nothing to change`);
      return { kind: 'updated', set };
    },
  });
}

/**
 * A new secret. The previous one keeps signing beside it (a second signature in `webhook-signature`) for
 * WEBHOOKS_ROTATION_GRACE_MS, so a receiver can switch keys without missing a delivery.
 */
export function rotateWebhookSecret(env: ExtensionsEnv, identity: Identity, id: string): Promise<WebhookDoc> {
  return env.write.Webhook.change({
    id,
    actor: actorOf(identity),
    decide: (w) => {
      assertWebhookOwner(identity, w);
      return {
        kind: 'secret_rotated',
        set: {
          secret: newSecret(),
          previousSecret: w.secret,
          previousSecretUntil: new Date(Date.now() + env.webhooks.rotationGraceMs),
        },
      };
    },
  });
}
