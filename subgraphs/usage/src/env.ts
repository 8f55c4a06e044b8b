import { entityWriters, type KitEnv, type SubgraphContext } from '@daas/kit';
import { loadUsageConfig, type UsageConfig } from './config.js';
import { UsageProcessor } from './ingest/processor.js';
import { UploadStore } from './ingest/upload-store.js';
import type { UsageLoaders } from './loaders.js';
import { type UsageModels, type UsageWriters, usageEntities, usageModels } from './models/index.js';
import { GatewayPeers, type UsagePeers } from './peers.js';
import { RecordStore } from './records/store.js';

export interface UsageEnv {
  kit: KitEnv;
  models: UsageModels;
  /** the only way this subgraph writes its entities (kit/src/changes/entities.ts) */
  write: UsageWriters;
  config: UsageConfig;
  peers: UsagePeers;
  uploads: UploadStore;
  records: RecordStore;
  processor: UsageProcessor;
}

export function createUsageEnv(kit: KitEnv, peers: UsagePeers = new GatewayPeers(kit.services)): UsageEnv {
  const models = usageModels(kit.db.conn);
  const write = entityWriters(kit.changes, usageEntities(models));
  kit.changes.register(models.UsageFile);
  const config = loadUsageConfig();
  const uploads = new UploadStore(models);
  const records = new RecordStore(models);
  const processor = new UsageProcessor(kit, models, peers, uploads, records, {
    staleMs: config.staleMs,
    progressMs: 1000,
    maxAttempts: config.maxAttempts,
    // a live upload changes its file every quarter stale interval and fails itself after the idle time
    uploadStaleMs: config.uploadIdleMs + config.staleMs,
    limits: config.limits,
  });
  // Resume files a previous process left half-processed (see ingest/processor.ts).
  void kit.db.connected().then(() => processor.startSweeps());
  return { kit, models, write, config, peers, uploads, records, processor };
}

export type UsageContext = SubgraphContext<UsageEnv, UsageLoaders>;
