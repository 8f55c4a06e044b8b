// The extensions service as a consumer of the requests subgraph's `assetRequestChanged` (the kit's
// FeedFollower does the following, the cursor and the resync order): each change makes the tasks of an
// object entering a status; a resync makes the tasks of every request now in a status some environment
// subscribes to. Both go through `tasksOfChange`, whose idempotency key is the status entry (environment,
// object, status, time of the change: the request's `updatedAt` in the change, the `at` of that change in
// its history), so a change seen again, or seen by the feed and by a resync, makes its task once.
import { apiEnum, type FeedChange, type FeedConsumer, type KitEnv } from '@daas/kit';
import type { ExtensionsEnv } from '../env.js';
import { tasksOfChange } from '../flows/produce.js';
import type { EnvironmentDoc } from '../models/index.js';

interface AssetRequestChange extends FeedChange {
  assetRequest: { id: string; type: string; vendor: { id: string }; updatedAt: string };
}

interface RequestNow {
  id: string;
  type: string;
  status: string;
  vendor: { id: string };
  history: { at: string; from: string | null; to: string | null }[];
}

const PAGE = 200;
const NOW_IN = `query ExtensionsResync($first: Int, $after: String, $filter: AssetRequestFilter) {
  assetRequests(first: $first, after: $after, filter: $filter) {
    edges { node { id type status vendor { id } history { at from to } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const ASSET_EVENT = /^asset_(\w+)_request_processing$/;

export function assetRequestFeed(kit: KitEnv, env: ExtensionsEnv): FeedConsumer<AssetRequestChange> {
  const log = kit.log.child({ part: 'resync' });
  return {
    key: 'requests:assetRequestChanged',
    url: env.config.requestsUrl,
    field: 'assetRequestChanged',
    selection: 'assetRequest { id type vendor { id } updatedAt }',

    async handle(c) {
      const made = await tasksOfChange(env, {
        entity: 'AssetRequest',
        objectId: c.assetRequest.id,
        type: c.assetRequest.type,
        status: c.status,
        previousStatus: c.previousStatus,
        vendor: c.assetRequest.vendor.id,
        // the change's own time (the request as it was right after it), which its history shows too; the
        // event's `at` is when it was appended to the feed, which a resync cannot know
        at: c.assetRequest.updatedAt,
      });
      if (made) log.info({ cursor: c.cursor, object: c.assetRequest.id, made }, 'tasks made');
    },

    async resync() {
      let made = 0;
      for (const { type, status } of await subscribedPairs(env)) {
        let after: string | null = null;
        do {
          const data: { assetRequests: { edges: { node: RequestNow }[]; pageInfo: PageInfo } } =
            await kit.services.query(NOW_IN, { first: PAGE, after, filter: { type, status } });
          for (const { node } of data.assetRequests.edges) {
            // the change that made it enter its present status: the key a feed event of it would give
            const entry = node.history.findLast((h) => h.to === node.status && h.from !== h.to);
            if (!entry) continue;
            made += await tasksOfChange(env, {
              entity: 'AssetRequest',
              objectId: node.id,
              type: node.type,
              status: node.status,
              previousStatus: entry.from,
              vendor: node.vendor.id,
              at: entry.at,
            });
          }
          const page: PageInfo = data.assetRequests.pageInfo;
          after = page.hasNextPage ? page.endCursor : null;
        } while (after);
      }
      log.info({ made }, 'resync of asset requests done');
    },
  };
}

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** The (request type, status) pairs, in API form, that some environment subscribes to. */
async function subscribedPairs(env: ExtensionsEnv): Promise<{ type: string; status: string }[]> {
  // a few environments per vendor: read them all rather than lean on a regex over an array's field
  const environments = await env.models.Environment.find({}, { eventSubscriptions: 1 }).lean<
    Pick<EnvironmentDoc, 'eventSubscriptions'>[]
  >();
  const pairs = new Map<string, { type: string; status: string }>();
  for (const e of environments) {
    for (const s of e.eventSubscriptions) {
      const type = ASSET_EVENT.exec(s.eventType)?.[1];
      if (!type) continue;
      for (const status of s.statuses) {
        pairs.set(`${type}:${status}`, { type: apiEnum(type), status: apiEnum(status) });
      }
    }
  }
  return [...pairs.values()];
}
