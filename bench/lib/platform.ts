// The platform for a benchmark: an embedded FerretDB in a temporary folder (or MONGODB_URI, or a server
// the bench brings), the four subgraphs and a gateway on free ports (scripts/lib/stack.ts), the demo
// data, and on request extra gateway processes with their own settings in front of the same subgraphs.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FerretDB, REPO_ROOT, startFerretDB } from '../../scripts/lib/ferretdb.js';
import { freePort } from '../../scripts/lib/ports.js';
import {
  entryPoint,
  type ServiceName,
  type Stack,
  SUBGRAPH_NAMES,
  startStack,
} from '../../scripts/lib/stack.js';
import { seedDemo } from '../../scripts/seed/index.js';

export interface BenchPlatform {
  stack: Stack;
  mongoUri: string;
  dbPrefix: string;
  identityKeys: string;
  /** how long seeding the demo data took */
  seedMs: number;
  /** another gateway process in front of the same subgraphs, with extra environment */
  extraGateway: (env: Record<string, string>) => Promise<string>;
  /** the metrics URL of the stack's gateway or of an extra one, by its GraphQL URL */
  gatewayMetricsUrl: (gatewayUrl: string) => string;
  stop: () => Promise<void>;
}

export async function startBenchPlatform(
  env: Record<string, string> = {},
  /** a database server of the bench's own (e.g. privateDatabase(), which it may restart) */
  database: { mongoUri?: string } = {},
  /** the services to start (the stack's default: all but the REST service) */
  services?: readonly ServiceName[],
): Promise<BenchPlatform> {
  let ferret: FerretDB | null = null;
  let dir: string | null = null;
  let mongoUri = database.mongoUri ?? process.env.MONGODB_URI;
  const dbPrefix = `bench${randomBytes(3).toString('hex')}_`;
  if (!mongoUri) {
    dir = mkdtempSync(join(tmpdir(), 'daas-bench-'));
    ferret = await startFerretDB({ dataDir: dir, logFile: join(dir, 'ferretdb.log') });
    mongoUri = ferret.uri;
  }
  const identityKeys = `bench:${randomBytes(32).toString('base64url')}`;
  const common = { LOG_LEVEL: 'warn', ...env };
  // BENCH_LOGS=<folder> keeps each service's log there (dropped otherwise)
  const logDir = process.env.BENCH_LOGS;
  const stack = await startStack({
    mongoUri,
    dbPrefix,
    identityKeys,
    ports: 'free',
    env: common,
    ...(services ? { services } : {}),
    readyTimeoutMs: 600_000, // a loaded machine starts seven processes slowly; figures come after
    ...(logDir ? { logDir } : {}),
  });
  const extras: ChildProcess[] = [];
  const stop = async () => {
    for (const child of extras) child.kill('SIGTERM');
    await stack.stop();
    await ferret?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  const seedStarted = performance.now();
  try {
    await seedDemo({ mongoUri, dbPrefix, gatewayUrl: stack.gatewayUrl });
  } catch (e) {
    await stop();
    throw e;
  }

  async function extraGateway(extraEnv: Record<string, string>): Promise<string> {
    const port = await freePort();
    const metricsPort = await freePort();
    const urls: Record<string, string> = {};
    for (const sg of SUBGRAPH_NAMES) urls[`SUBGRAPH_URL_${sg.toUpperCase()}`] = stack.urlOf(sg);
    const child = spawn(process.execPath, ['--import', 'tsx', entryPoint('gateway')], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...common,
        ...urls,
        IDENTITY_KEYS: identityKeys,
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    extras.push(child);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`extra gateway exited with code ${child.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) break;
      } catch {}
      if (Date.now() > deadline) throw new Error('extra gateway was not ready within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = `http://127.0.0.1:${port}/graphql`;
    extraMetrics.set(url, `http://127.0.0.1:${metricsPort}/metrics`);
    return url;
  }
  const extraMetrics = new Map<string, string>();
  const gatewayMetricsUrl = (url: string) => extraMetrics.get(url) ?? stack.metricsUrlOf('gateway');

  const seedMs = performance.now() - seedStarted;
  return { stack, mongoUri, dbPrefix, identityKeys, seedMs, extraGateway, gatewayMetricsUrl, stop };
}
