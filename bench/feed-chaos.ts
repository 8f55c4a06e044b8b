// Feed chaos: N graphql-ws subscribers through the gateway, each following one entity of one of three
// subgraphs' feeds (contracts in partners, asset requests in requests, listing requests in products) and
// resubscribing with its last cursor whenever its subscription ends or its socket drops, while changes are
// committed at a fixed rate, a random one of those subgraphs is killed with -9 (and restarted) every few
// seconds, the database server itself is killed and restarted once, and every feed is pruned every few
// seconds to a short retention. Prints the events every subscriber should have heard and how many were
// lost, duplicated or out of per-entity order (each must be 0), the longest stall a subscriber saw, and
// the recovery after each kill. Runs its own platform on a private database; loopback only.
//
// The changes are note edits committed through the kit's change store from this process, on each
// subgraph's own database: the write path a replica of that subgraph takes (change row, entity, feed
// event). Through the gateway's API FerretDB commits only a few changes per second (docs/subscriptions.md).
// One writer per entity at a time, so an entity's changes have a known order.
//
// Settings (env): BENCH_SUBSCRIBERS 1000; BENCH_CHANGES 10000; BENCH_RATE 100 (changes/s asked);
// BENCH_TOPICS 90 (entities, a third per subgraph; subscriber i follows entity i mod TOPICS);
// BENCH_KILL_EVERY 10 (s between kills); BENCH_DB_DOWN_MS 2000 (how long the database stays down);
// BENCH_RETENTION 30 (s of feed kept); BENCH_PRUNE_EVERY 5 (s); BENCH_DRAIN 60 (s to wait for
// stragglers after the last change); BENCH_MAX_SECONDS (hard bound; by default ten times the planned
// writing time plus eleven minutes for start-up, seeding and draining); BENCH_LOGS (keep service logs).
import { ChangeStore, childId, type EntityDoc, newId, openDatabase } from '@daas/kit';
import type { Model } from 'mongoose';
import WebSocket from 'ws';
import { DEMO } from '../scripts/seed/demo-data.js';
import { CONTRACT_ID_KIND } from '../subgraphs/partners/src/domain/contracts.js';
import { partnerModels } from '../subgraphs/partners/src/models/index.js';
import { productModels } from '../subgraphs/products/src/models/index.js';
import { requestModels } from '../subgraphs/requests/src/models/index.js';
import { feedPruner, privateDatabase, serviceFaults } from '../tests/support/faults.js';
import { silentLogger } from '../tests/support/log.js';
import { type Benchmark, say, summarize } from './lib/benchmark.js';
import { startBenchPlatform } from './lib/platform.js';

const numberOf = (name: string, fallback: number) =>
  Number(process.env[name]) > 0 ? Number(process.env[name]) : fallback;
const SUBSCRIBERS = numberOf('BENCH_SUBSCRIBERS', 1000);
const CHANGES = numberOf('BENCH_CHANGES', 10_000);
const RATE = numberOf('BENCH_RATE', 100);
const TOPICS = Math.max(3, Math.round(numberOf('BENCH_TOPICS', 90) / 3) * 3);
const KILL_EVERY_MS = numberOf('BENCH_KILL_EVERY', 10) * 1000;
const DB_DOWN_MS = numberOf('BENCH_DB_DOWN_MS', 2000);
const RETENTION_MS = numberOf('BENCH_RETENTION', 30) * 1000;
const PRUNE_EVERY_MS = numberOf('BENCH_PRUNE_EVERY', 5) * 1000;
const DRAIN_MS = numberOf('BENCH_DRAIN', 60) * 1000;
const PLANNED_WRITE_MS = (CHANGES / RATE) * 1000;
/** writing stops here even if not every change is committed (the machine commits fewer than asked) */
const WRITE_BOUND_MS = 10 * PLANNED_WRITE_MS + 60_000;
const MAX_MS = numberOf('BENCH_MAX_SECONDS', (WRITE_BOUND_MS + DRAIN_MS) / 1000 + 600) * 1000;

type Service = 'partners' | 'requests' | 'products';

/** One subscription field: its subgraph, the root field, the entity field and the filter naming a topic. */
interface Feed {
  service: Service;
  field: string;
  entity: string;
  query: string;
}

const FEEDS: Feed[] = [
  {
    service: 'partners',
    field: 'contractChanged',
    entity: 'contract',
    query:
      'subscription($key: ID, $after: Cursor) { contractChanged(filter: { id: $key }, after: $after) { cursor at contract { id note } } }',
  },
  {
    service: 'requests',
    field: 'assetRequestChanged',
    entity: 'assetRequest',
    query:
      'subscription($key: ID, $after: Cursor) { assetRequestChanged(filter: { asset: $key }, after: $after) { cursor at assetRequest { id note } } }',
  },
  {
    service: 'products',
    field: 'listingRequestChanged',
    entity: 'listingRequest',
    query:
      'subscription($key: ID, $after: Cursor) { listingRequestChanged(filter: { product: $key }, after: $after) { cursor at listingRequest { id note } } }',
  },
];

type NotedDoc = EntityDoc & { note?: string | null; vendor?: string; distributor?: string };

/** An entity the bench changes, and the writer's side of it. */
interface Topic {
  index: number;
  feed: Feed;
  /** the filter value that selects this entity alone */
  key: string;
  id: string;
  store: ChangeStore;
  model: Model<NotedDoc>;
  entityType: string;
  partitionKey: (d: NotedDoc) => string;
  /** change numbers committed, in commit (= version) order */
  committed: number[];
}

class AlreadyDone extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Commits note "b <j>" on the topic's entity; idempotent, so a retry after a lost answer changes nothing. */
async function commit(topic: Topic, note: string): Promise<void> {
  try {
    await topic.store.change<NotedDoc>({
      model: topic.model,
      entityType: topic.entityType,
      id: topic.id,
      actor: { accountId: 'OA-000-001', role: 'OPERATOR' },
      partitionKey: topic.partitionKey,
      decide: (doc) => {
        if (doc.note === note) throw new AlreadyDone();
        return { kind: 'noted', set: { note } };
      },
    });
  } catch (e) {
    if (!(e instanceof AlreadyDone)) throw e;
  }
}

/** Bench entities in one subgraph's database, copied from a demo entity of that kind. */
async function topicsOf(
  mongoUri: string,
  dbPrefix: string,
  feed: Feed,
  indexes: number[],
): Promise<{ topics: Topic[]; close: () => Promise<void> }> {
  const db = openDatabase({ uri: mongoUri, name: `${dbPrefix}${feed.service}`, log: silentLogger() });
  await db.connected();
  const store = new ChangeStore(db.conn, {
    partitions: Number(process.env.FEED_PARTITIONS ?? 1),
    pollMs: 1000,
    retentionHours: 168,
    dialect: () => db.dialect(),
    log: silentLogger(),
  });
  await store.init();
  let model: Model<NotedDoc>;
  let entityType: string;
  let partitionKey: (d: NotedDoc) => string;
  let fresh: () => { _id: string; key: string; fields: Record<string, unknown> };
  if (feed.service === 'partners') {
    model = partnerModels(db.conn).Contract as unknown as Model<NotedDoc>;
    entityType = 'Contract';
    partitionKey = (d) => d.distributor!;
    fresh = () => {
      const id = newId(CONTRACT_ID_KIND.distribution);
      return { _id: id, key: id, fields: {} };
    };
  } else if (feed.service === 'requests') {
    model = requestModels(db.conn).AssetRequest as unknown as Model<NotedDoc>;
    entityType = 'AssetRequest';
    partitionKey = (d) => d.vendor!;
    fresh = () => {
      const assetId = newId('asset');
      return { _id: childId('assetRequest', assetId, 1), key: assetId, fields: { assetId } };
    };
  } else {
    model = productModels(db.conn).ListingRequest as unknown as Model<NotedDoc>;
    entityType = 'ListingRequest';
    partitionKey = (d) => d.vendor!;
    fresh = () => {
      const product = newId('product');
      const listing = newId('listing');
      return { _id: childId('listingRequest', listing, 1), key: product, fields: { product, listing } };
    };
  }
  const sample = await model.findOne(feed.service === 'partners' ? { type: 'distribution' } : {}).lean();
  if (!sample) throw new Error(`the demo data has no ${entityType} to copy`);
  const { _id, version: _v, createdAt: _c, updatedAt: _u, ...rest } = sample as NotedDoc;
  const topics: Topic[] = [];
  for (const index of indexes) {
    const f = fresh();
    await store.create<NotedDoc>({
      model,
      entityType,
      doc: { ...rest, ...f.fields, _id: f._id, note: 'created' } as NotedDoc,
      actor: { accountId: 'OA-000-001', role: 'OPERATOR' },
      partitionKey: partitionKey(rest as NotedDoc),
    });
    topics.push({
      index,
      feed,
      key: f.key,
      id: f._id,
      store,
      model,
      entityType,
      partitionKey,
      committed: [],
    });
  }
  return {
    topics,
    close: async () => {
      await store.stop();
      await db.close();
    },
  };
}

/**
 * One subscriber speaking graphql-ws directly (lighter than a full client at 1,000): follows one topic,
 * and when its subscription ends (complete, error) or its socket drops, subscribes again after its last
 * cursor on a new socket.
 */
class Follower {
  cursor: string | null = null;
  baseline = false;
  /** how often each change number was received */
  readonly seen = new Map<number, number>();
  maxChange = -1;
  outOfOrder = 0;
  duplicates = 0;
  lastEventAt = 0;
  longestGap = 0;
  measuring = false;
  reconnects = 0;
  expired = 0;
  errors: string[] = [];
  private socket: WebSocket | null = null;
  private stopped = false;
  private backoff = 100;
  private generation = 0;

  constructor(
    private readonly url: string,
    readonly topic: Topic,
    private readonly onEvent: (feed: Feed, at: number) => void,
  ) {}

  open(): void {
    if (this.stopped) return;
    const gen = ++this.generation;
    const socket = new WebSocket(this.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    this.socket = socket;
    const again = () => {
      if (this.stopped || gen !== this.generation) return;
      this.generation++; // this socket is done with
      socket.removeAllListeners('message');
      socket.terminate();
      this.reconnects++;
      setTimeout(() => this.open(), this.backoff);
      this.backoff = Math.min(5000, this.backoff * 2);
    };
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { token: DEMO.operator } })),
    );
    socket.on('error', () => again());
    socket.on('close', () => again());
    socket.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as {
        type: string;
        payload?: {
          data?: Record<string, unknown> | null;
          errors?: { message: string; extensions?: { reason?: string } }[];
        };
      };
      if (msg.type === 'connection_ack') {
        socket.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: { query: this.topic.feed.query, variables: { key: this.topic.key, after: this.cursor } },
          }),
        );
      } else if (msg.type === 'next') {
        if (msg.payload?.errors?.length) {
          for (const e of msg.payload.errors) {
            if (e.extensions?.reason === 'CURSOR_EXPIRED') this.expired++;
            if (this.errors.length < 5) this.errors.push(e.message);
          }
        }
        const event = msg.payload?.data?.[this.topic.feed.field] as
          | { cursor: string; at: string; [k: string]: unknown }
          | null
          | undefined;
        if (event) this.receive(event);
      } else if (msg.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (msg.type === 'complete' || msg.type === 'error') {
        if (msg.type === 'error' && this.errors.length < 5) this.errors.push(String(raw).slice(0, 200));
        again();
      }
    });
  }

  private receive(event: { cursor: string; at: string; [k: string]: unknown }): void {
    this.backoff = 100;
    this.cursor = event.cursor;
    const now = performance.now();
    if (this.measuring) this.longestGap = Math.max(this.longestGap, now - this.lastEventAt);
    this.lastEventAt = now;
    const note = (event[this.topic.feed.entity] as { note?: string } | undefined)?.note ?? '';
    if (note === 'base') this.baseline = true;
    const m = /^b (\d+)$/.exec(note);
    if (!m) return;
    const j = Number(m[1]);
    const times = (this.seen.get(j) ?? 0) + 1;
    this.seen.set(j, times);
    if (times > 1) this.duplicates++;
    else if (j < this.maxChange) this.outOfOrder++;
    this.maxChange = Math.max(this.maxChange, j);
    this.onEvent(this.topic.feed, Date.parse(event.at));
  }

  missing(): number {
    return this.topic.committed.filter((j) => !this.seen.has(j)).length;
  }

  close(): void {
    this.stopped = true;
    this.socket?.terminate();
  }
}

/** A kill (subgraph or database) and how the platform came back from it. */
interface Outage {
  what: string;
  service: Service | 'database';
  /** wall clock */
  killedAt: number;
  upMs: number | null;
  /** the first delivery of an event committed after the kill */
  flowingMs: number | null;
}

async function run() {
  const started = Date.now();
  const deadline = started + MAX_MS;
  const late = () => Date.now() > deadline;
  say(
    `  ${SUBSCRIBERS} subscribers on ${TOPICS} entities (${TOPICS / 3} each of partners contracts, requests asset requests, products listing requests); ${CHANGES} changes at ${RATE}/s asked; a subgraph killed ${KILL_EVERY_MS / 1000} s after the last one is back, the database restarted once (down ${DB_DOWN_MS / 1000} s); feeds pruned to the last ${RETENTION_MS / 1000} s every ${PRUNE_EVERY_MS / 1000} s; bound ${Math.round(MAX_MS / 1000)} s`,
  );
  const db = await privateDatabase();
  const platform = await startBenchPlatform({ LOG_LEVEL: 'warn' }, { mongoUri: db.uri }).catch(async (e) => {
    await db.stop();
    throw e;
  });
  const { stack, dbPrefix } = platform;
  const faults = serviceFaults(stack);
  say(`  platform up and seeded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const opened: { close: () => Promise<void> }[] = [];
  const followers: Follower[] = [];
  try {
    // entities: topic i belongs to feed i mod 3
    const topics: Topic[] = [];
    for (const [f, feed] of FEEDS.entries()) {
      const indexes = Array.from({ length: TOPICS }, (_, i) => i).filter((i) => i % 3 === f);
      const made = await topicsOf(db.uri, dbPrefix, feed, indexes);
      opened.push(made);
      topics.push(...made.topics);
    }
    topics.sort((a, b) => a.index - b.index);

    // subscribers, then one baseline change per entity: every subscriber holds a cursor before it counts
    const outages: Outage[] = [];
    const onEvent = (feed: Feed, at: number) => {
      const now = Date.now();
      for (const o of outages) {
        if (
          o.flowingMs === null &&
          at > o.killedAt &&
          (o.service === 'database' || o.service === feed.service)
        ) {
          o.flowingMs = now - o.killedAt;
        }
      }
    };
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const f = new Follower(stack.gatewayUrl, topics[i % TOPICS]!, onEvent);
      followers.push(f);
      f.open();
      if (i % 100 === 99) await sleep(200);
    }
    await sleep(3000);
    for (const t of topics) await commit(t, 'base');
    const baselineBy = Date.now() + 120_000;
    while (followers.some((f) => !f.baseline) && Date.now() < baselineBy) await sleep(250);
    const active = followers.filter((f) => f.baseline);
    say(`  ${active.length} of ${SUBSCRIBERS} subscribers heard their entity's baseline change`);
    for (const f of active) {
      f.measuring = true;
      f.lastEventAt = performance.now();
    }

    // writers: change j goes to entity j mod TOPICS; writer w takes the entities with index mod W = w
    const W = [16, 15, 12, 10, 9, 8, 6, 5, 4, 3].find((w) => TOPICS % w === 0) ?? 3;
    const writeStart = performance.now();
    const writeBy = Date.now() + WRITE_BOUND_MS;
    let writing = true;
    let committed = 0;
    let retries = 0;
    const writer = async (w: number) => {
      for (let j = w; j < CHANGES; j += W) {
        const due = writeStart + (j * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const topic = topics[j % TOPICS]!;
        for (;;) {
          if (Date.now() > writeBy || late()) return;
          try {
            await commit(topic, `b ${j}`);
            break;
          } catch {
            retries++;
            await sleep(200);
          }
        }
        topic.committed.push(j);
        committed++;
      }
    };

    // chaos: a random subgraph killed and restarted KILL_EVERY after the previous one is back (a restart
    // takes seconds: killing on a fixed clock would keep one service down), the database once, half way
    const chaos = async () => {
      let dbDone = false;
      let next = Date.now() + KILL_EVERY_MS;
      while (writing && !late()) {
        if (Date.now() < next) {
          await sleep(Math.min(250, next - Date.now()));
          continue;
        }
        const elapsed = performance.now() - writeStart;
        if (!dbDone && elapsed > PLANNED_WRITE_MS / 2) {
          dbDone = true;
          const o: Outage = {
            what: 'database kill -9',
            service: 'database',
            killedAt: Date.now(),
            upMs: null,
            flowingMs: null,
          };
          outages.push(o);
          await db.restart(DB_DOWN_MS);
          o.upMs = Date.now() - o.killedAt;
          next = Date.now() + KILL_EVERY_MS;
          continue;
        }
        const service = FEEDS[Math.floor(Math.random() * FEEDS.length)]!.service;
        const o: Outage = {
          what: `${service} kill -9`,
          service,
          killedAt: Date.now(),
          upMs: null,
          flowingMs: null,
        };
        outages.push(o);
        await faults.kill(service);
        try {
          await faults.restart(service);
          o.upMs = Date.now() - o.killedAt;
        } catch (e) {
          say(`  ${service} did not come back: ${(e as Error).message}`);
        }
        next = Date.now() + KILL_EVERY_MS;
      }
    };

    // retention: every feed pruned to the last RETENTION_MS (pruneFeed on connections kept open: opening
    // one and creating the change store's indexes each time took longer than the interval under load)
    const pruners = await Promise.all(FEEDS.map((feed) => feedPruner(db.uri, dbPrefix, feed.service)));
    opened.push(...pruners);
    let pruned = 0;
    let pruneRuns = 0;
    let pruning = true;
    const prune = async () => {
      while (pruning && !late()) {
        await sleep(PRUNE_EVERY_MS);
        const olderThan = new Date(Date.now() - RETENTION_MS);
        await Promise.all(
          pruners.map(async (pruner) => {
            try {
              pruned += await pruner.prune(olderThan);
              pruneRuns++;
            } catch {} // the database is down: next time
          }),
        );
      }
    };

    const pruner = prune();
    const chaotic = chaos();
    await Promise.all(Array.from({ length: W }, (_, w) => writer(w)));
    const writeSeconds = (performance.now() - writeStart) / 1000;
    writing = false;
    await chaotic;

    // drain: until every subscriber has every committed change of its entity, or DRAIN_MS
    const drainBy = Math.min(deadline, Date.now() + DRAIN_MS);
    while (active.some((f) => f.missing() > 0) && Date.now() < drainBy) await sleep(500);
    pruning = false;
    await pruner;
    const endedAt = performance.now();

    // figures
    let expected = 0;
    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    const byService = new Map<Service, { expected: number; lost: number; dup: number; ooo: number }>();
    for (const f of active) {
      const missing = f.missing();
      const row = byService.get(f.topic.feed.service) ?? { expected: 0, lost: 0, dup: 0, ooo: 0 };
      row.expected += f.topic.committed.length;
      row.lost += missing;
      row.dup += f.duplicates;
      row.ooo += f.outOfOrder;
      byService.set(f.topic.feed.service, row);
      expected += f.topic.committed.length;
      lost += missing;
      duplicated += f.duplicates;
      outOfOrder += f.outOfOrder;
      // a subscriber still missing events at the end has been stalled since its last one
      if (missing > 0) f.longestGap = Math.max(f.longestGap, endedAt - f.lastEventAt);
    }
    const gaps = summarize(active.map((f) => f.longestGap));
    const worst = active.reduce((a, b) => (b.longestGap > a.longestGap ? b : a), active[0]!);
    const reconnects = followers.reduce((s, f) => s + f.reconnects, 0);
    const expired = followers.reduce((s, f) => s + f.expired, 0);
    say('');
    say(
      `  changes committed ${committed} of ${CHANGES} in ${writeSeconds.toFixed(1)} s (${(committed / writeSeconds).toFixed(1)}/s, asked ${RATE}/s); writer retries ${retries}`,
    );
    say(`  events expected ${expected}`);
    say(`  lost ${lost}`);
    say(`  duplicated ${duplicated}`);
    say(`  out of per-entity order ${outOfOrder}`);
    for (const [service, r] of byService) {
      say(
        `    ${service.padEnd(9)} expected ${r.expected}, lost ${r.lost}, duplicated ${r.dup}, out of order ${r.ooo}`,
      );
    }
    say(
      `  longest stall ${(gaps.count ? worst.longestGap / 1000 : 0).toFixed(1)} s (a ${worst?.topic.feed.service} subscriber); per subscriber longest stall p50 ${(gaps.p50 / 1000).toFixed(1)} s, p99 ${(gaps.p99 / 1000).toFixed(1)} s`,
    );
    say(
      `  resubscriptions ${reconnects}; CURSOR_EXPIRED ${expired}; feed events pruned ${pruned} in ${pruneRuns} runs`,
    );
    const sampleErrors = [...new Set(followers.flatMap((f) => f.errors))].slice(0, 3);
    if (sampleErrors.length) say(`  errors heard: ${sampleErrors.join(' | ').slice(0, 600)}`);
    say(
      '  kills (time after the writing started; back = ready again; flowing = first event committed after the kill delivered):',
    );
    const writeStartWall = Date.now() - (performance.now() - writeStart);
    for (const o of outages) {
      const t = (o.killedAt - writeStartWall) / 1000;
      const fmt = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
      say(
        `    t+${t.toFixed(0).padStart(4)} s  ${o.what.padEnd(20)} back ${fmt(o.upMs).padStart(7)}, flowing ${fmt(o.flowingMs).padStart(7)}`,
      );
    }
    if (late()) say(`  (stopped at the time bound, ${Math.round(MAX_MS / 1000)} s)`);
  } finally {
    for (const f of followers) f.close();
    for (const o of opened) await o.close().catch(() => {});
    await platform.stop();
    await db.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'feed-chaos',
  description:
    'subscribers resuming with cursors while subgraphs and the database are killed and feeds pruned: lost, duplicated, out of order, stalls',
  run,
};
