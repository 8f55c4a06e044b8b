// From a change of the requests feed to the webhook event it announces: the event type (the tasks'
// names), the object as the feed's selection returned it, and who may see it. An asset request is seen
// by its vendor, its provider (distributor or reseller) and the distributor of its contract (docs/tenancy.md:
// the asset's `_acl`); the contract's distributor is asked once per contract through the gateway.
import { storedEnum } from '@daas/kit';
import { assetRequestEvent } from '../domain/events.js';
import type { ExtensionsEnv } from '../env.js';
import type { WebhookEvent } from '../flows/deliveries.js';

/** What the follower selects of an asset request for webhooks (and tasks). */
export const ASSET_REQUEST_SELECTION = `assetRequest {
  id type status vendor { id } provider { id } asset { id contract { id } } product { id }
  marketplace { id } customer { id } items { item { id } quantity oldQuantity }
  params { name value } note reason template { id } effectiveDate createdAt updatedAt }`;

export interface AssetRequestChange {
  status: string | null;
  previousStatus: string | null;
  at: string;
  assetRequest: {
    id: string;
    type: string;
    vendor?: { id: string } | null;
    provider?: { id: string } | null;
    asset?: { id: string; contract?: { id: string } | null } | null;
  };
}

const distributors = new Map<string, string | null>();

/** The distributor of a contract (it never changes): asked once per process and contract. */
async function distributorOf(env: ExtensionsEnv, contract: string): Promise<string | null> {
  if (distributors.has(contract)) return distributors.get(contract)!;
  const data = await env.kit.services.query<{ contract: { distributor: { id: string } | null } | null }>(
    'query($id: ID!) { contract(id: $id) { distributor { id } } }',
    { id: contract },
  );
  const d = data.contract?.distributor?.id ?? null;
  if (distributors.size > 10_000) distributors.clear();
  distributors.set(contract, d);
  return d;
}

export async function assetRequestWebhookEvent(
  env: ExtensionsEnv,
  c: AssetRequestChange,
): Promise<WebhookEvent> {
  const r = c.assetRequest;
  const audience = [r.vendor?.id, r.provider?.id].filter((a): a is string => !!a);
  const contract = r.asset?.contract?.id;
  if (contract) {
    const d = await distributorOf(env, contract);
    if (d) audience.push(d);
  }
  return {
    eventType: assetRequestEvent(storedEnum(r.type)),
    objectId: r.id,
    status: c.status,
    previousStatus: c.previousStatus,
    at: c.at,
    audience,
    data: { assetRequest: r },
  };
}
