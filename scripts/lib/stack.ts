// Starts the platform's processes: the four subgraphs and the gateway, each its own Node process,
// on given or free ports, against one MongoDB-compatible server. Used by `pnpm start` and the tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './ferretdb.js';
import { freePort } from './ports.js';

export const SERVICES = ['partners', 'products', 'requests', 'usage', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];
export const SUBGRAPH_NAMES = ['partners', 'products', 'requests', 'usage'] as const;

export const DEFAULT_PORTS: Record<ServiceName, number> = {
  gateway: 4000,
  partners: 4001,
  products: 4002,
  requests: 4003,
  usage: 4004,
};

export function entryPoint(name: ServiceName): string {
  return name === 'gateway'
    ? join(REPO_ROOT, 'gateway', 'src', 'main.ts')
    : join(REPO_ROOT, 'subgraphs', name, 'src', 'main.ts');
}

export interface StackOptions {
  mongoUri: string;
  dbPrefix?: string;
  identityKeys: string;
  /** fixed ports, or free ones chosen by the OS */
  ports?: Partial<Record<ServiceName, number>> | 'free';
  /** extra environment for every service (or per service) */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** a folder for one log file per service; otherwise logs are dropped */
  logDir?: string;
  /** called with every log line of level >= warn (JSON already parsed) */
  onLogLine?: (service: ServiceName, line: Record<string, unknown>) => void;
  /** called when a service exits without being asked to */
  onUnexpectedExit?: (service: ServiceName, code: number | null, signal: string | null) => void;
  services?: readonly ServiceName[];
}

export interface RunningService {
  name: ServiceName;
  port: number;
  url: string;
  process: ChildProcess;
}

export interface Stack {
  gatewayUrl: string;
  services: Map<ServiceName, RunningService>;
  urlOf: (name: ServiceName) => string;
  /** where a service's Prometheus metrics are read (the gateway serves them on a port of their own) */
  metricsUrlOf: (name: ServiceName) => string;
  /** start (again) one service with the same ports and environment */
  startService: (name: ServiceName) => Promise<RunningService>;
  stopService: (name: ServiceName, signal?: NodeJS.Signals) => Promise<void>;
  stop: () => Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const names = opts.services ?? SERVICES;
  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICES) {
    ports[name] = opts.ports === 'free' ? await freePort() : (opts.ports?.[name] ?? DEFAULT_PORTS[name]);
  }
  // The gateway's metrics listener (METRICS_PORT): free like the others, or as configured (default 4090).
  const gatewayMetricsPort =
    opts.ports === 'free'
      ? await freePort()
      : Number(
          opts.serviceEnv?.gateway?.METRICS_PORT ??
            opts.env?.METRICS_PORT ??
            process.env.METRICS_PORT ??
            4090,
        );
  const urls = Object.fromEntries(SERVICES.map((n) => [n, `http://127.0.0.1:${ports[n]}/graphql`])) as Record<
    ServiceName,
    string
  >;
  const services = new Map<ServiceName, RunningService>();
  const stopping = new Set<ServiceName>();
  const logs = new Map<ServiceName, WriteStream>();
  if (opts.logDir) mkdirSync(opts.logDir, { recursive: true });

  const common: Record<string, string> = {
    MONGODB_URI: opts.mongoUri,
    DB_NAME_PREFIX: opts.dbPrefix ?? '',
    IDENTITY_KEYS: opts.identityKeys,
    GATEWAY_URL: urls.gateway,
    HOST: '127.0.0.1',
    ...(opts.env ?? {}),
  };
  for (const sg of SUBGRAPH_NAMES) common[`SUBGRAPH_URL_${sg.toUpperCase()}`] = urls[sg];

  async function startService(name: ServiceName): Promise<RunningService> {
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...common,
      ...(opts.serviceEnv?.[name] ?? {}),
      PORT: String(ports[name]),
      ...(name === 'gateway' ? { METRICS_PORT: String(gatewayMetricsPort) } : {}),
    };
    // STACK_NODE_ARGS: extra node flags for every service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
    // to profile a benchmark (node refuses --cpu-prof in NODE_OPTIONS)
    const nodeArgs = (process.env.STACK_NODE_ARGS ?? '').split(' ').filter(Boolean);
    // Usage processing allocates fast; left alone, V8 lets garbage pile up to hundreds of MB before it
    // collects. A bounded heap keeps the process's memory flat at no cost in throughput (docs/usage.md).
    if (name === 'usage') nodeArgs.unshift(`--max-old-space-size=${env.USAGE_HEAP_MB ?? '256'}`);
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entryPoint(name)], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stopping.delete(name);
    let log = logs.get(name);
    if (opts.logDir && !log) {
      log = createWriteStream(join(opts.logDir, `${name}.log`), { flags: 'a' });
      logs.set(name, log);
    }
    const onData = (chunk: Buffer) => {
      log?.write(chunk);
      if (!opts.onLogLine) return;
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (['warn', 'error', 'fatal'].includes(String(parsed.level))) opts.onLogLine(name, parsed);
        } catch {
          opts.onLogLine(name, { level: 'info', msg: line });
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code, signal) => {
      if (!stopping.has(name)) opts.onUnexpectedExit?.(name, code, signal);
    });
    const running: RunningService = { name, port: ports[name], url: urls[name], process: child };
    services.set(name, running);
    await waitReady(name, ports[name], child);
    return running;
  }

  async function stopService(name: ServiceName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const svc = services.get(name);
    if (!svc) return;
    stopping.add(name);
    if (svc.process.exitCode === null && svc.process.signalCode === null) {
      await new Promise<void>((resolve) => {
        svc.process.once('exit', () => resolve());
        svc.process.kill(signal);
        setTimeout(() => svc.process.kill('SIGKILL'), 12_000).unref();
      });
    }
    services.delete(name);
  }

  const stack: Stack = {
    gatewayUrl: urls.gateway,
    services,
    urlOf: (name) => urls[name],
    metricsUrlOf: (name) =>
      name === 'gateway'
        ? `http://127.0.0.1:${gatewayMetricsPort}/metrics`
        : urls[name].replace(/\/graphql$/, '/metrics'),
    startService,
    stopService,
    stop: async () => {
      // Gateway first so no new work reaches subgraphs that are going away.
      if (services.has('gateway')) await stopService('gateway');
      await Promise.all([...services.keys()].map((n) => stopService(n)));
      for (const log of logs.values()) log.end();
    },
  };

  try {
    // Subgraphs in parallel (the gateway only needs them at query time, but readiness keeps output tidy).
    await Promise.all(names.filter((n) => n !== 'gateway').map(startService));
    if (names.includes('gateway')) await startService('gateway');
  } catch (e) {
    await stack.stop();
    throw e;
  }
  return stack;
}

async function waitReady(
  name: ServiceName,
  port: number,
  child: ChildProcess,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} was not ready on port ${port} within ${timeoutMs / 1000} s`);
}
