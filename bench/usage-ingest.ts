// Usage ingestion through the gateway into the embedded database (or MONGODB_URI): a generated usage file
// of QT records, uploaded as CSV and as XLSX (streamed from disk, never held whole), processed to READY.
// Prints records/s, upload and processing times and the peak memory of each process while ingesting.
// Settings: BENCH_USAGE_RECORDS (default 100,000; the figure is 1,000,000), BENCH_USAGE_FORMATS
// (default "csv,xlsx"), BENCH_USAGE_ASSETS (default 20).
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql, graphqlOk } from '../scripts/lib/graphql-client.js';
import { type UsageFormat, uploadUsage } from '../scripts/lib/usage-client.js';
import { csvStream, QT_COLUMNS, qtRows, writeXlsx } from '../scripts/lib/usage-files.js';
import { DEMO } from '../scripts/seed/demo-data.js';
import type { TestStack } from '../tests/support/stack.js';
import { buildUsageWorld } from '../tests/support/usage-world.js';
import { type Benchmark, say } from './lib/benchmark.js';
import { startBenchPlatform } from './lib/platform.js';

const RECORDS =
  Number(process.env.BENCH_USAGE_RECORDS) > 0 ? Number(process.env.BENCH_USAGE_RECORDS) : 100_000;
const FORMATS = (process.env.BENCH_USAGE_FORMATS ?? 'csv,xlsx')
  .split(',')
  .map((s) => s.trim()) as UsageFormat[];
const ASSETS = Number(process.env.BENCH_USAGE_ASSETS) > 0 ? Number(process.env.BENCH_USAGE_ASSETS) : 20;

const now = new Date();
const day = (d: Date) => d.toISOString().slice(0, 10);
const PERIOD = {
  from: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))),
  to: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0))),
};

function rssMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  if (!pid) return 0;
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function run() {
  const platform = await startBenchPlatform({ LOG_LEVEL: 'warn' });
  const url = platform.stack.gatewayUrl;
  const dir = mkdtempSync(join(tmpdir(), 'daas-bench-usage-'));
  // the usage world helpers speak to a TestStack; the bench platform answers the same two calls
  const t = {
    query: (token: string | undefined, q: string, v: Record<string, unknown> = {}) =>
      graphql(url, q, v, token ? { token } : {}),
    queryOk: (token: string, q: string, v: Record<string, unknown> = {}) => graphqlOk(url, q, v, { token }),
  } as unknown as TestStack;
  try {
    say(
      `  demo seed ${(platform.seedMs / 1000).toFixed(1)} s; building a listed PPU product with ${ASSETS} active assets…`,
    );
    const w = await buildUsageWorld(t, DEMO.operator, 'Bench', ASSETS);
    const pids = {
      usage: platform.stack.services.get('usage')?.process.pid,
      gateway: platform.stack.services.get('gateway')?.process.pid,
    };
    say(
      `  ${RECORDS.toLocaleString('en')} QT records per file, ${ASSETS} assets, block ${process.env.USAGE_BLOCK_ROWS ?? 1000} rows`,
    );
    say(
      `  idle RSS before the first upload: usage ${rssMb(pids.usage, 'VmRSS').toFixed(0)} MB, gateway ${rssMb(pids.gateway, 'VmRSS').toFixed(0)} MB`,
    );
    say('  format   file MB   upload s   ready s   records/s   peak RSS usage MB   gateway MB');
    for (const format of FORMATS) {
      const path = join(dir, `usage.${format}`);
      const rows = qtRows(RECORDS, w.mpn, w.assets, PERIOD);
      if (format === 'xlsx') await writeXlsx(createWriteStream(path), QT_COLUMNS, rows);
      else
        await new Promise<void>((resolve, reject) =>
          csvStream(QT_COLUMNS, rows)
            .pipe(createWriteStream(path))
            .on('finish', () => resolve())
            .on('error', reject),
        );
      const mb = statSync(path).size / 1048576;
      const created = await graphqlOk<{ createUsageFile: { usageFile: { id: string } } }>(
        url,
        'mutation($i: CreateUsageFileInput!) { createUsageFile(input: $i) { usageFile { id } } }',
        {
          i: {
            name: `bench ${format}`,
            period: PERIOD,
            currency: 'USD',
            product: w.product,
            contract: w.contract,
          },
        },
        { token: w.vendor.token },
      );
      const file = created.createUsageFile.usageFile.id;
      const peak = { usage: 0, gateway: 0, usageUploading: 0 };
      let uploading = true;
      const sampler = setInterval(() => {
        const usage = rssMb(pids.usage, 'VmRSS');
        peak.usage = Math.max(peak.usage, usage);
        if (uploading) peak.usageUploading = Math.max(peak.usageUploading, usage);
        peak.gateway = Math.max(peak.gateway, rssMb(pids.gateway, 'VmRSS'));
      }, 100);
      const started = performance.now();
      const answer = await uploadUsage(url, w.vendor.token, file, createReadStream(path), { format });
      const uploaded = performance.now();
      uploading = false;
      if (answer.status !== 202) throw new Error(`upload refused: ${JSON.stringify(answer.body)}`);
      let status = 'PROCESSING';
      while (status === 'PROCESSING') {
        await new Promise((r) => setTimeout(r, 250));
        const d = await graphqlOk<{
          usageFile: { status: string; counts: { processed: number; invalid: number } };
        }>(
          url,
          'query($id: ID!) { usageFile(id: $id) { status counts { processed invalid } } }',
          { id: file },
          { token: w.vendor.token },
        );
        status = d.usageFile.status;
        if (status !== 'PROCESSING' && status !== 'READY')
          throw new Error(`file ended ${status}: ${JSON.stringify(d.usageFile)}`);
      }
      const ready = performance.now();
      clearInterval(sampler);
      const seconds = (ready - started) / 1000;
      say(
        `  ${format.padEnd(6)} ${mb.toFixed(1).padStart(8)} ${((uploaded - started) / 1000).toFixed(1).padStart(10)} ${seconds.toFixed(1).padStart(9)} ${Math.round(
          RECORDS / seconds,
        )
          .toLocaleString('en')
          .padStart(
            11,
          )} ${peak.usage.toFixed(0).padStart(19)} ${peak.gateway.toFixed(0).padStart(12)}   (usage while uploading ${peak.usageUploading.toFixed(0)} MB)`,
      );
      rmSync(path, { force: true });
    }
    say(
      `  (peak since start, VmHWM: usage ${rssMb(pids.usage, 'VmHWM').toFixed(0)} MB, gateway ${rssMb(pids.gateway, 'VmHWM').toFixed(0)} MB)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await platform.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'usage-ingest',
  description: 'usage files of QT records (CSV, XLSX) uploaded through the gateway and processed to READY',
  run,
};
