// The webhook deliveries as a consumer of the requests subgraph's `assetRequestChanged`, beside the
// tasks' consumer (feed/request-feeds.ts) with a cursor of its own, so a slow receiver side (the
// gateway asked for a contract's distributor) never holds tasks back. Each change makes its deliveries
// (flows/deliveries.ts, idempotent per webhook and status entry: a change seen again makes nothing).
// Webhooks announce changes, not states: a resync (no cursor yet, or the upstream pruned past it) makes
// no delivery; the follower then goes on from the upstream's present position, and the changes in the
// gap are not announced (logged as a warning).
import type { FeedChange, FeedConsumer, KitEnv } from '@daas/kit';
import type { ExtensionsEnv } from '../env.js';
import { deliveriesOfEvent } from '../flows/deliveries.js';
import { ASSET_REQUEST_SELECTION, type AssetRequestChange, assetRequestWebhookEvent } from './events.js';

type Change = FeedChange & AssetRequestChange & { assetRequest: { updatedAt: string } };

export function webhookFeed(kit: KitEnv, env: ExtensionsEnv): FeedConsumer<Change> {
  const log = kit.log.child({ part: 'webhooks' });
  let resyncs = 0;
  return {
    key: 'requests:assetRequestChanged:webhooks',
    url: env.config.requestsUrl,
    field: 'assetRequestChanged',
    selection: ASSET_REQUEST_SELECTION,
    async handle(c) {
      // the change's own time names the status entry, as for tasks (the feed's `at` is its append time)
      const event = await assetRequestWebhookEvent(env, { ...c, at: c.assetRequest.updatedAt });
      const made = await deliveriesOfEvent(env, event);
      if (made) log.debug({ cursor: c.cursor, object: event.objectId, made }, 'deliveries made');
    },
    async resync() {
      // the first start has nothing to catch up on; a later one has lost the changes in the gap
      if (resyncs++ > 0 || (await env.models.WebhookDelivery.estimatedDocumentCount()) > 0) {
        log.warn('webhook feed resynced: status changes before this point were not announced');
      }
    },
  };
}
