// `pnpm bench billing`: one billing run over N recurring assets that each have one period due
// (BENCH_BILLING_ASSETS, default 100,000; loaded in bulk, as bench/lib/scale-data.ts loads its data):
// time, memory and database commands per asset in-process with one runner, then the same on a fresh
// database with two runner processes at once (two replicas' schedulers). Prints figures, asserts nothing
// but that every period was billed once.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { billingEntities, billingModels } from '@daas/billing';
import { ChangeStore, createLogger, entityWriters, type KitEnv, ManualClock, openDatabase } from '@daas/kit';
import { type FerretDB, startFerretDB } from '../scripts/lib/ferretdb.js';
import type { BillingEnv } from '../subgraphs/billing/src/env.js';
import { runBilling } from '../subgraphs/billing/src/flows/scheduler.js';
import { billingRunInChild } from '../tests/support/faults.js';
import type { Benchmark } from './lib/benchmark.js';

const N = Number(process.env.BENCH_BILLING_ASSETS ?? 100_000);
const AT = new Date('2026-02-20T00:00:00Z');
const ANCHOR = new Date('2026-01-15T00:00:00Z');
const log = createLogger('bench', 'warn');

async function seed(uri: string, prefix: string, onCommand?: () => void) {
  const db = openDatabase({ uri, name: `${prefix}billing`, log, ...(onCommand ? { onCommand } : {}) });
  await db.connected();
  const models = billingModels(db.conn);
  const changes = new ChangeStore(db.conn, {
    partitions: 1,
    pollMs: 100,
    retentionHours: 24,
    log,
    dialect: () => db.dialect(),
  });
  changes.register(...Object.values(models));
  for (const m of [...changes.allModels(), ...Object.values(models)]) await m.createIndexes();
  await changes.init();
  const now = new Date();
  for (let from = 0; from < N; from += 5000) {
    const docs = [];
    for (let i = from; i < Math.min(N, from + 5000); i++) {
      docs.push({
        _id: `AS-9${String(Math.floor(i / 1e8)).padStart(3, '0')}-${String(Math.floor(i / 1e4) % 1e4).padStart(4, '0')}-${String(i % 1e4).padStart(4, '0')}`,
        version: 1,
        status: 'active',
        product: 'PRD-100-000-001',
        marketplace: 'MP-10001',
        vendor: 'VA-100-001',
        provider: 'PA-200-001',
        distributor: 'PA-200-001',
        period: 'monthly',
        anchorAt: ANCHOR,
        billedPeriods: 0,
        nextBillingAt: new Date('2026-02-15T00:00:00Z'),
        segments: [
          {
            from: ANCHOR,
            state: 'active',
            items: [{ item: 'PRD-100-000-001-0001', mpn: 'SEAT', quantity: '3' }],
          },
        ],
        _acl: ['VA-100-001', 'PA-200-001'],
        createdAt: now,
        updatedAt: now,
      });
    }
    await models.AssetBilling.collection.insertMany(docs as never);
  }
  await models.PriceList.collection.insertOne({
    _id: 'PL-100-100-100',
    version: 2,
    product: 'PRD-100-000-001',
    marketplace: 'MP-10001',
    vendor: 'VA-100-001',
    distributor: 'PA-200-001',
    currency: 'USD',
    name: 'Seats',
    versions: [
      {
        number: 1,
        status: 'active',
        effectiveAt: new Date('2026-01-01T00:00:00Z'),
        expiredAt: null,
        createdAt: now,
        points: [{ item: 'PRD-100-000-001-0001', cost: '8.00', price: '10.00', msrp: null }],
      },
    ],
    _acl: ['VA-100-001', 'PA-200-001'],
    createdAt: now,
    updatedAt: now,
  } as never);
  return { db, models, changes };
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

export const benchmark: Benchmark = {
  name: 'billing',
  description: `one billing run over ${N.toLocaleString('en')} recurring assets: one runner, then two at once`,
  async run() {
    let ferret: FerretDB | null = null;
    let uri = process.env.MONGODB_URI;
    if (!uri) {
      const dir = mkdtempSync(join(tmpdir(), 'daas-bench-billing-'));
      ferret = await startFerretDB({ dataDir: dir, logFile: join(dir, 'ferretdb.log') });
      uri = ferret.uri;
    }
    try {
      // one runner, in this process: its database commands counted
      let commands = 0;
      const one = await seed(uri, `bb${randomBytes(3).toString('hex')}_`, () => {
        commands++;
      });
      const env: BillingEnv = {
        kit: { name: 'billing', db: one.db, changes: one.changes, log } as unknown as KitEnv,
        models: one.models,
        write: entityWriters(one.changes, billingEntities(one.models)),
        peers: null as never,
        clock: new ManualClock(AT),
        config: { scheduler: false, tickMs: 1000, batch: 200 },
      };
      commands = 0;
      const rss0 = process.memoryUsage().rss;
      let peak = rss0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 200);
      const t0 = performance.now();
      const stats = await runBilling(env, AT);
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      const made = await one.models.BillingRequest.estimatedDocumentCount();
      process.stdout.write(
        `one runner:  ${N} assets, ${stats.created} requests (${made} stored) in ${seconds.toFixed(1)} s` +
          ` = ${(N / seconds).toFixed(0)} assets/s; ${(commands / N).toFixed(1)} db commands per asset;` +
          ` rss ${mb(rss0)} -> peak ${mb(peak)}\n`,
      );
      await one.db.close();

      // two runner processes at once on a fresh database
      const prefix = `bb${randomBytes(3).toString('hex')}_`;
      const two = await seed(uri, prefix);
      const t1 = performance.now();
      const results = await Promise.all(
        [0, 1].map(
          () =>
            new Promise<{ created: number; existing: number }>((resolve, reject) => {
              const child = billingRunInChild(uri!, prefix, AT);
              let out = '';
              child.stdout!.on('data', (c) => {
                out += c;
              });
              child.on('exit', (code) =>
                code === 0
                  ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
                  : reject(new Error(`exit ${code}`)),
              );
            }),
        ),
      );
      const seconds2 = (performance.now() - t1) / 1000;
      const stored = await two.models.BillingRequest.estimatedDocumentCount();
      process.stdout.write(
        `two runners: ${N} assets, ${results.map((r) => r.created).join(' + ')} created, ` +
          `${results.map((r) => r.existing).join(' + ')} found existing, ${stored} stored (expected ${2 * N})` +
          ` in ${seconds2.toFixed(1)} s (includes two process start-ups)\n`,
      );
      if (stored !== 2 * N || made !== 2 * N) throw new Error('a period was billed twice or not at all');
      await two.db.close();
    } finally {
      await ferret?.stop();
    }
  },
};
