// Follows the requests subgraph's change feed (its graphql-ws subscriptions, as the gateway does) with a
// durable cursor: each event's tasks are made, then its cursor is stored. A restart resumes after the
// stored cursor, so an event whose tasks were made but whose cursor was not stored is seen again, and
// task creation is idempotent (one task per environment, object and status entry): nothing lost, nothing
// doubled. Progress frames move the cursor over events that concern nobody.
import { encodeCursor, type KitEnv, serviceIdentity } from '@daas/kit';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { ExtensionsEnv } from '../env.js';
import { deliveriesOfEvent } from '../flows/deliveries.js';
import { type ObjectChange, tasksOfChange } from '../flows/produce.js';
import {
  ASSET_REQUEST_SELECTION,
  type AssetRequestChange,
  assetRequestWebhookEvent,
} from '../webhooks/events.js';

interface FeedSpec {
  /** the stored cursor's key */
  key: string;
  field: 'assetRequestChanged' | 'tierConfigRequestChanged';
  entity: ObjectChange['entity'];
  selection: string;
}

const FEEDS: FeedSpec[] = [
  {
    key: 'requests:assetRequestChanged',
    field: 'assetRequestChanged',
    entity: 'AssetRequest',
    selection: ASSET_REQUEST_SELECTION,
  },
  {
    key: 'requests:tierConfigRequestChanged',
    field: 'tierConfigRequestChanged',
    entity: 'TierConfigRequest',
    selection: 'tierConfigRequest { id type configuration { product { owner { id } } } }',
  },
];

interface Change {
  cursor: string;
  status: string | null;
  previousStatus: string | null;
  at: string;
  [entity: string]: unknown;
}

export class FeedFollower {
  private client: Client | null = null;
  private stopped = false;
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly kit: KitEnv,
    private readonly env: ExtensionsEnv,
  ) {}

  start(): void {
    const url = this.env.config.requestsUrl.replace(/^http/, 'ws');
    this.client = createClient({
      url,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => !this.stopped,
      retryWait: async (n) => new Promise((r) => setTimeout(r, Math.min(200 * 2 ** n, 5000))),
      connectionParams: async () => ({
        identity: await this.kit.signer.sign(serviceIdentity('extensions'), 'extensions', 300),
      }),
    });
    // only asset requests for now: tier config requests' vendor is two hops away (see docs/extensions.md)
    for (const feed of FEEDS.slice(0, 1)) void this.follow(feed);
  }

  stop(): void {
    this.stopped = true;
    for (const d of this.disposers) d();
    void this.client?.dispose();
  }

  private async storedCursor(key: string): Promise<string> {
    const doc = await this.env.models.FeedCursor.findById(key).lean();
    // never followed: from the start of the retained feed (an expired start falls back to live)
    return doc?.cursor ?? encodeCursor(Array(this.kit.config.FEED_PARTITIONS).fill(0));
  }

  private async store(key: string, cursor: string): Promise<void> {
    await this.env.models.FeedCursor.collection.replaceOne(
      { _id: key as never },
      { cursor, updatedAt: new Date() },
      { upsert: true },
    );
  }

  /** One subscription at a time, from the stored cursor; after an end or error, again from there. */
  private async follow(feed: FeedSpec): Promise<void> {
    const log = this.kit.log.child({ feed: feed.key });
    let live = false;
    while (!this.stopped) {
      try {
        await this.kit.db.connected();
        const after = live ? null : await this.storedCursor(feed.key);
        log.info({ after }, 'following the feed');
        await this.run(feed, after);
      } catch (e) {
        type Gql = { message?: string; extensions?: { reason?: string } };
        const first: Gql | undefined = Array.isArray(e) ? (e[0] as Gql) : (e as Gql);
        if (Array.isArray(e) && first?.extensions?.reason === 'CURSOR_EXPIRED') {
          log.error('the stored feed cursor expired: following live changes from now on');
          live = true;
          continue;
        }
        if (!this.stopped) log.warn({ err: first?.message }, 'feed subscription ended; resuming');
      }
      live = false;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private run(feed: FeedSpec, after: string | null): Promise<void> {
    const query = `subscription($after: Cursor) { ${feed.field}(after: $after) {
      cursor status previousStatus at ${feed.selection} } }`;
    return new Promise<void>((resolve, reject) => {
      let chain = Promise.resolve();
      const dispose = this.client!.subscribe(
        { query, variables: { after }, extensions: { progress: true } },
        {
          next: (result) => {
            chain = chain.then(async () => {
              const progress = (result.extensions as { progress?: unknown } | undefined)?.progress;
              if (typeof progress === 'string' && !result.data) return this.store(feed.key, progress);
              if (result.errors?.length) throw result.errors;
              const change = (result.data as Record<string, Change> | undefined)?.[feed.field];
              if (!change) return;
              const made = await tasksOfChange(this.env, this.objectChange(feed, change));
              if (made) this.kit.log.info({ feed: feed.key, cursor: change.cursor, made }, 'tasks made');
              if (feed.entity === 'AssetRequest') {
                const event = await assetRequestWebhookEvent(
                  this.env,
                  change as unknown as AssetRequestChange,
                );
                await deliveriesOfEvent(this.env, event);
              }
              await this.store(feed.key, change.cursor);
            });
            chain.catch((e) => {
              dispose();
              reject(e);
            });
          },
          error: (e) => chain.then(() => reject(e), reject),
          complete: () => chain.then(() => resolve(), reject),
        },
      );
      this.disposers.push(dispose);
    });
  }

  private objectChange(feed: FeedSpec, c: Change): ObjectChange {
    const o = c[feed.field === 'assetRequestChanged' ? 'assetRequest' : 'tierConfigRequest'] as {
      id: string;
      type: string;
      vendor?: { id: string };
    };
    return {
      entity: feed.entity,
      objectId: o.id,
      type: o.type,
      status: c.status,
      previousStatus: c.previousStatus,
      vendor: o.vendor?.id ?? '',
      at: c.at,
    };
  }
}
