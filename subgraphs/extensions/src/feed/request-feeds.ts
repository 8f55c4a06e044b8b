// The extensions service as a consumer of the requests subgraph's `assetRequestChanged` and
// `tierConfigRequestChanged` (the kit's FeedFollower does the following, the cursor and the resync
// order): each change makes the tasks of an object entering a status; a resync makes the tasks of every
// request now in a status some environment subscribes to. Both go through `tasksOfChange`, whose
// idempotency key is the status entry (environment, object, status, time of the change: the request's
// `updatedAt` in the change, the `at` of that change in its history), so a change seen again, or seen by
// the feed and by a resync, makes its task once.
import { apiEnum, type FeedChange, type FeedConsumer, type KitEnv, storedEnum } from '@daas/kit';
import type { ExtensionsEnv } from '../env.js';
import { type ObjectChange, tasksOfChange } from '../flows/produce.js';
import type { EnvironmentDoc } from '../models/index.js';

/** What differs between the two request feeds. */
interface RequestFeed {
  entity: ObjectChange['entity'];
  /** the field of the change and of a list's node: `assetRequest`, `tierConfigRequest` */
  node: 'assetRequest' | 'tierConfigRequest';
  /** the subscription and list query names */
  changed: string;
  list: string;
  filterType: string;
  /** event types of this feed, with the request type they name (stored form) */
  eventType: RegExp;
  /** whether the list filter takes the request type (tier config requests filter by status only) */
  filtersByType: boolean;
}

const ASSET_REQUESTS: RequestFeed = {
  entity: 'AssetRequest',
  node: 'assetRequest',
  changed: 'assetRequestChanged',
  list: 'assetRequests',
  filterType: 'AssetRequestFilter',
  eventType: /^asset_(\w+)_request_processing$/,
  filtersByType: true,
};

const TIER_CONFIG_REQUESTS: RequestFeed = {
  entity: 'TierConfigRequest',
  node: 'tierConfigRequest',
  changed: 'tierConfigRequestChanged',
  list: 'tierConfigRequests',
  filterType: 'TierConfigRequestFilter',
  eventType: /^tier_config_(\w+)_request_processing$/,
  filtersByType: false,
};

interface RequestRef {
  id: string;
  type: string;
  vendor: { id: string };
  updatedAt: string;
}

type RequestChange = FeedChange & Partial<Record<RequestFeed['node'], RequestRef>>;

interface RequestNow {
  id: string;
  type: string;
  status: string;
  vendor: { id: string };
  history: { at: string; from: string | null; to: string | null }[];
}

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

const PAGE = 200;

export const assetRequestFeed = (kit: KitEnv, env: ExtensionsEnv) => requestFeed(kit, env, ASSET_REQUESTS);
export const tierConfigRequestFeed = (kit: KitEnv, env: ExtensionsEnv) =>
  requestFeed(kit, env, TIER_CONFIG_REQUESTS);

function requestFeed(kit: KitEnv, env: ExtensionsEnv, feed: RequestFeed): FeedConsumer<RequestChange> {
  const log = kit.log.child({ part: 'feed', feed: feed.changed });
  const query = `query ExtensionsResync($first: Int, $after: String, $filter: ${feed.filterType}) {
    ${feed.list}(first: $first, after: $after, filter: $filter) {
      edges { node { id type status vendor { id } history { at from to } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;
  return {
    key: `requests:${feed.changed}`,
    url: env.config.requestsUrl,
    field: feed.changed,
    selection: `${feed.node} { id type vendor { id } updatedAt }`,

    async handle(c) {
      const r = c[feed.node];
      if (!r) return;
      const made = await tasksOfChange(env, {
        entity: feed.entity,
        objectId: r.id,
        type: r.type,
        status: c.status,
        previousStatus: c.previousStatus,
        vendor: r.vendor.id,
        // the change's own time (the request as it was right after it), which its history shows too; the
        // event's `at` is when it was appended to the feed, which a resync cannot know
        at: r.updatedAt,
      });
      if (made) log.info({ cursor: c.cursor, object: r.id, made }, 'tasks made');
    },

    async resync() {
      let made = 0;
      for (const { type, status } of await subscribedPairs(env, feed)) {
        let after: string | null = null;
        do {
          const filter = feed.filtersByType ? { type, status } : { status };
          type Page = { edges: { node: RequestNow }[]; pageInfo: PageInfo };
          const data: Record<string, Page> = await kit.services.query(query, { first: PAGE, after, filter });
          const list = data[feed.list] as Page;
          for (const { node } of list.edges) {
            if (!feed.filtersByType && !sameType(feed, node.type, type)) continue;
            // the change that made it enter its present status: the key a feed event of it would give
            const entry = node.history.findLast((h) => h.to === node.status && h.from !== h.to);
            if (!entry) continue;
            made += await tasksOfChange(env, {
              entity: feed.entity,
              objectId: node.id,
              type: node.type,
              status: node.status,
              previousStatus: entry.from,
              vendor: node.vendor.id,
              at: entry.at,
            });
          }
          after = list.pageInfo.hasNextPage ? list.pageInfo.endCursor : null;
        } while (after);
      }
      log.info({ made }, 'resync done');
    },
  };
}

/** Connect names a tier config update request's events `change`: both spellings mean the same type. */
function sameType(feed: RequestFeed, nodeType: string, eventTypeName: string): boolean {
  const t = storedEnum(nodeType);
  const e = storedEnum(eventTypeName);
  return feed.entity === 'TierConfigRequest' ? (t === 'setup') === (e === 'setup') : t === e;
}

/** The (request type, status) pairs, in API form, that some environment subscribes to on this feed. */
async function subscribedPairs(
  env: ExtensionsEnv,
  feed: RequestFeed,
): Promise<{ type: string; status: string }[]> {
  // a few environments per vendor: read them all rather than lean on a regex over an array's field
  const environments = await env.models.Environment.find({}, { eventSubscriptions: 1 }).lean<
    Pick<EnvironmentDoc, 'eventSubscriptions'>[]
  >();
  const pairs = new Map<string, { type: string; status: string }>();
  for (const e of environments) {
    for (const s of e.eventSubscriptions) {
      const type = feed.eventType.exec(s.eventType)?.[1];
      if (!type) continue;
      for (const status of s.statuses) {
        pairs.set(`${type}:${status}`, { type: apiEnum(type), status: apiEnum(status) });
      }
    }
  }
  return [...pairs.values()];
}
