// Step 1 of startSubgraph: the parts every subgraph shares (configuration, logger, metrics, database,
// change store, identity signer, service client), then the subgraph's own env built on them.
import { Gauge } from 'prom-client';
import { ChangeStore } from '../changes/store.js';
import { loadConfig, subgraphConfigShape } from '../config.js';
import { databaseName, openDatabase } from '../db.js';
import { IdentitySigner } from '../identity.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { ServiceClient } from '../service-client.js';
import type { IndexedModel, KitEnv, SubgraphEnv, SubgraphSpec } from './spec.js';

export function assembleKit<Env extends SubgraphEnv, Loaders>(
  spec: SubgraphSpec<Env, Loaders>,
  processEnv: Record<string, string | undefined>,
): { kit: KitEnv; env: Env } {
  const config = loadConfig(subgraphConfigShape(spec.defaultPort), processEnv);
  const log = createLogger(spec.name, config.LOG_LEVEL);
  const metrics = createMetrics(spec.name);
  const signer = new IdentitySigner(config.IDENTITY_KEYS);

  // The database creates indexes once it is reachable, for models that exist only after it is opened:
  // the change store's and the subgraph's own. Hence the late-bound list.
  let changes: ChangeStore | null = null;
  let env: Env | null = null;
  const db = openDatabase({
    uri: config.MONGODB_URI,
    name: databaseName(config.DB_NAME_PREFIX, spec.name),
    log,
    models: () => [...(changes?.allModels() ?? []), ...Object.values<IndexedModel>(env?.models ?? {})],
    onCommand: (command, collection) => metrics.dbCommands.inc({ command, collection }),
    ...(config.DB_QUERY_LOG ? { queryLog: config.DB_QUERY_LOG } : {}),
  });
  const store = new ChangeStore(db.conn, {
    partitions: config.FEED_PARTITIONS,
    pollMs: config.FEED_POLL_MS,
    retentionHours: config.FEED_RETENTION_HOURS,
    progressMs: config.FEED_PROGRESS_MS,
    dialect: () => db.dialect(),
    log,
  });
  changes = store;
  countFeedSubscribers(store, metrics.registry);
  const services = new ServiceClient(config.GATEWAY_URL, signer, spec.name);
  const kit: KitEnv = { name: spec.name, config, log, db, changes: store, signer, services, metrics };
  const built = spec.createEnv(kit);
  env = built;
  return { kit, env: built };
}

function countFeedSubscribers(changes: ChangeStore, registry: KitEnv['metrics']['registry']): void {
  new Gauge({
    name: 'feed_subscribers',
    help: "Subscriptions served from this process's one feed reader (its database reads do not grow with them)",
    registers: [registry],
    collect() {
      this.set(changes.hub.subscriberCount);
    },
  });
}

/** Whether the change feed runs yet: /ready says so, and close() waits for the start to settle. */
export interface ChangeFeedStart {
  settled: Promise<void>;
  running: () => boolean;
}

/**
 * Step 2: starts the change feed once the database answers. The server listens meanwhile (/ready says
 * 503 until then); a failure is logged as fatal, not thrown, as nothing awaits it.
 */
export function startChangeFeed(kit: KitEnv): ChangeFeedStart {
  let running = false;
  const settled = kit.db
    .connected()
    .then(() => kit.changes.start())
    .then(() => {
      running = true;
    })
    .catch((e) => kit.log.fatal({ err: (e as Error).message }, 'change feed failed to start'));
  return { settled, running: () => running };
}
