// `pnpm bench webhooks`: webhook deliveries per second to a local receiver (a real HTTP server answering
// 200 at once), with the extensions service's dispatcher in-process: N deliveries made first
// (BENCH_WEBHOOK_DELIVERIES, default 500), then sent by one dispatcher, then another N by two dispatchers
// sharing the work (two replicas). Prints figures; asserts only that each delivery arrived exactly once.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type RunningSubgraph, startSubgraph } from '@daas/kit';
import { type FerretDB, startFerretDB } from '../scripts/lib/ferretdb.js';
import type { ExtensionsEnv } from '../subgraphs/extensions/src/env.js';
import { deliveriesOfEvent } from '../subgraphs/extensions/src/flows/deliveries.js';
import { createWebhook } from '../subgraphs/extensions/src/flows/webhooks.js';
import { extensionsSubgraph } from '../subgraphs/extensions/src/server.js';
import { Dispatcher } from '../subgraphs/extensions/src/webhooks/dispatcher.js';
import { startWebhookReceiver } from '../tests/support/webhook-receiver.js';
import type { Benchmark } from './lib/benchmark.js';

const N = Number(process.env.BENCH_WEBHOOK_DELIVERIES ?? 500);
const EVENT = 'asset_purchase_request_processing';

async function round(env: ExtensionsEnv, base: string, path: string, dispatchers: number) {
  const w = await createWebhook(
    env,
    { accountId: 'VA-100-001', role: 'VENDOR' },
    { url: `${base}${path}`, eventTypes: [EVENT], active: true },
  );
  const made0 = performance.now();
  for (let i = 0; i < N; i++) {
    await deliveriesOfEvent(env, {
      eventType: EVENT,
      objectId: `PR-9000-0000-${String(i).padStart(4, '0')}-001`,
      status: 'PENDING',
      previousStatus: 'DRAFT',
      at: new Date().toISOString(),
      audience: ['VA-100-001'],
      data: { assetRequest: { id: `PR-9000-0000-${String(i).padStart(4, '0')}-001` } },
    });
  }
  const madeS = (performance.now() - made0) / 1000;
  const ds = Array.from(
    { length: dispatchers },
    (_, i) => new Dispatcher(env, createLogger(`d${i}`, 'silent')),
  );
  const t0 = performance.now();
  for (const d of ds) d.start();
  for (;;) {
    const left = await env.models.WebhookDelivery.countDocuments({
      webhook: w._id,
      status: { $ne: 'delivered' },
    });
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const sentS = (performance.now() - t0) / 1000;
  await Promise.all(ds.map((d) => d.stop()));
  return { w, madeS, sentS };
}

export const benchmark: Benchmark = {
  name: 'webhooks',
  description: `${N} webhook deliveries to a local receiver: made, then sent by one dispatcher and by two`,
  async run() {
    let ferret: FerretDB | null = null;
    let uri = process.env.MONGODB_URI;
    if (!uri) {
      const dir = mkdtempSync(join(tmpdir(), 'daas-bench-webhooks-'));
      ferret = await startFerretDB({ dataDir: dir, logFile: join(dir, 'ferretdb.log') });
      uri = ferret.uri;
    }
    const rx = await startWebhookReceiver();
    let sub: RunningSubgraph | null = null;
    try {
      let env!: ExtensionsEnv;
      Object.assign(process.env, {
        WEBHOOKS_ALLOW_PRIVATE: '1',
        // the service's own dispatcher looks rarely: the bench runs its own
        WEBHOOKS_DISPATCH_MS: '3600000',
        SUBGRAPH_URL_REQUESTS: 'http://127.0.0.1:9/graphql',
      });
      sub = await startSubgraph(
        {
          ...extensionsSubgraph,
          createEnv: (kit) => {
            env = extensionsSubgraph.createEnv(kit);
            return env;
          },
        },
        {
          MONGODB_URI: uri,
          DB_NAME_PREFIX: `bw${randomBytes(3).toString('hex')}_`,
          PORT: '0',
          IDENTITY_KEYS: `bench:${randomBytes(24).toString('base64url')}`,
          LOG_LEVEL: 'silent',
        },
      );
      await (env.deliverySignals as Dispatcher).stop();
      for (const [path, n] of [
        ['/one', 1],
        ['/two', 2],
      ] as const) {
        const { madeS, sentS } = await round(env, rx.base, path, n);
        const ids = rx.on(path).map((r) => r.headers['webhook-id']);
        process.stdout.write(
          `${n} dispatcher(s): ${N} deliveries made in ${madeS.toFixed(1)} s (${(N / madeS).toFixed(0)}/s), ` +
            `sent in ${sentS.toFixed(1)} s (${(N / sentS).toFixed(0)}/s); received ${ids.length}, distinct ${new Set(ids).size}\n`,
        );
        if (ids.length !== N || new Set(ids).size !== N) throw new Error('a delivery was lost or sent twice');
      }
    } finally {
      await sub?.close();
      await rx.close();
      await ferret?.stop();
    }
  },
};
