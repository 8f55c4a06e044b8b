// Writes of extensions and environments: creation (the extension and its three environments), the
// vendor's settings, and what a runner declares when it connects.
import { type Actor, conflict, forbidden, type Identity, newId, seesEverything } from '@daas/kit';
import { environmentIds, mergeDeclared, type Variable } from '../domain/environments.js';
import { acceptedSubscriptions, datedSubscriptions } from '../domain/events.js';
import type { ExtensionsEnv } from '../env.js';
import type { EnvironmentDoc, ExtensionDoc } from '../models/index.js';

export const SYSTEM: Actor = { accountId: 'service:extensions', role: 'SERVICE' };

const actorOf = (identity: Identity): Actor => ({ accountId: identity.accountId, role: identity.role });

/**
 * A new extension of the caller's (vendor) account and its environments. The environments are created
 * with keys derived from the extension, so a retry with the same idempotency key completes a creation a
 * crash interrupted instead of doubling it.
 */
export async function createExtension(
  env: ExtensionsEnv,
  identity: Identity,
  name: string,
  idempotencyKey?: string,
): Promise<ExtensionDoc> {
  const vendor = identity.accountId;
  const { doc } = await env.write.Extension.create({
    doc: { _id: newId('extension'), name, vendor, status: 'active', _acl: [vendor] },
    newId: () => newId('extension'),
    actor: actorOf(identity),
    idempotencyKey,
  });
  for (const e of environmentIds(doc._id)) {
    await env.write.Environment.create({
      doc: {
        _id: e.id,
        extension: doc._id,
        vendor,
        type: e.type,
        apiToken: null,
        variables: [],
        eventSubscriptions: [],
        _acl: [vendor],
      },
      actor: actorOf(identity),
      idempotencyKey: `environment:${e.id}`,
    });
  }
  return doc;
}

/** Whether `identity` may manage the environment (its vendor, or the operator). */
export function assertOwner(identity: Identity, doc: { vendor: string }): void {
  if (seesEverything(identity) || identity.accountId === doc.vendor) return;
  throw forbidden('only the extension’s vendor may change it');
}

export async function updateEnvironment(
  env: ExtensionsEnv,
  identity: Identity,
  id: string,
  changes: { apiToken?: string | null; variables?: Variable[] },
): Promise<EnvironmentDoc> {
  const doc = await env.write.Environment.change({
    id,
    actor: actorOf(identity),
    decide: (e) => {
      assertOwner(identity, e);
      const set: Record<string, unknown> = {};
      if (changes.apiToken !== undefined) set.apiToken = changes.apiToken;
      if (changes.variables !== undefined) set.variables = changes.variables;
      if (Object.keys(set).length === 0) throw conflict(`environment ${e._id}: nothing to change`);
      return { kind: 'updated', set };
    },
  });
  env.signals.configurationChanged(doc);
  return doc;
}

/** What a runner declared in its setup_request: its subscriptions, its variables' initial values. */
export function recordSetup(
  env: ExtensionsEnv,
  id: string,
  setup: { event_subscriptions?: unknown; variables?: unknown; runner_version?: unknown },
): Promise<EnvironmentDoc> {
  return env.write.Environment.change({
    id,
    actor: SYSTEM,
    decide: (e) => ({
      kind: 'runner_connected',
      set: {
        eventSubscriptions: datedSubscriptions(
          acceptedSubscriptions(setup.event_subscriptions),
          e.eventSubscriptions ?? [],
          new Date(),
        ),
        variables: mergeDeclared(e.variables ?? [], setup.variables),
        runnerVersion: typeof setup.runner_version === 'string' ? setup.runner_version.slice(0, 50) : null,
        connectedAt: new Date(),
      },
    }),
  });
}
