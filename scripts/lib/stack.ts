// Starts the platform's processes: the four subgraphs, the gateway and the REST service, each its own Node process,
// on given or free ports, against one MongoDB-compatible server. Used by `pnpm start` and the tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './ferretdb.js';
import { freePort, listensOn, PortTakenError } from './ports.js';

export const SERVICES = ['partners', 'products', 'requests', 'usage', 'gateway', 'rest'] as const;
export type ServiceName = (typeof SERVICES)[number];
/** What a stack starts unless told otherwise: the REST service only when asked (`npm start` asks). */
export const DEFAULT_SERVICES: readonly ServiceName[] = SERVICES.filter((n) => n !== 'rest');
export const SUBGRAPH_NAMES = ['partners', 'products', 'requests', 'usage'] as const;

export const DEFAULT_PORTS: Record<ServiceName, number> = {
  gateway: 4000,
  partners: 4001,
  products: 4002,
  requests: 4003,
  usage: 4004,
  rest: 4005,
};

/** Chooses a port for every service; called again when another process takes one of them first. */
export type PortChooser = () => Promise<Record<ServiceName, number>>;

export function entryPoint(name: ServiceName): string {
  if (name === 'gateway' || name === 'rest') return join(REPO_ROOT, name, 'src', 'main.ts');
  return join(REPO_ROOT, 'subgraphs', name, 'src', 'main.ts');
}

export interface StackOptions {
  mongoUri: string;
  dbPrefix?: string;
  identityKeys: string;
  /** fixed ports, or chosen ones: 'free' (by the OS) or by a chooser */
  ports?: Partial<Record<ServiceName, number>> | 'free' | PortChooser;
  /** extra environment for every service (or per service) */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** a folder for one log file per service; otherwise logs are dropped */
  logDir?: string;
  /** called with every log line of level >= warn (JSON already parsed) */
  onLogLine?: (service: ServiceName, line: Record<string, unknown>) => void;
  /** called when a service that was ready exits without being asked to */
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
  /** start (again) one service with the same ports and environment; resolves when it is ready */
  startService: (name: ServiceName) => Promise<RunningService>;
  stopService: (name: ServiceName, signal?: NodeJS.Signals) => Promise<void>;
  stop: () => Promise<void>;
}

/** How long a service may take to answer /ready: minutes, on a two-core machine under heavy load. */
const READY_TIMEOUT_MS = 180_000;
/** Chosen ports are chosen again at most this many times when another process takes one first. */
const PORT_ATTEMPTS = 3;

const freePorts: PortChooser = async () => {
  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICES) ports[name] = await freePort();
  return ports;
};

export async function startStack(opts: StackOptions): Promise<Stack> {
  const names = opts.services ?? DEFAULT_SERVICES;
  const choose: PortChooser | null =
    opts.ports === 'free' ? freePorts : typeof opts.ports === 'function' ? opts.ports : null;
  const fixed = typeof opts.ports === 'object' ? opts.ports : {};
  let ports = { ...DEFAULT_PORTS, ...fixed };
  let urls = urlsOf(ports);
  // The gateway's metrics listener (METRICS_PORT): chosen with the others, or as configured (default 4090).
  const configuredMetricsPort = Number(
    opts.serviceEnv?.gateway?.METRICS_PORT ?? opts.env?.METRICS_PORT ?? process.env.METRICS_PORT ?? 4090,
  );
  let gatewayMetricsPort = configuredMetricsPort;
  const services = new Map<ServiceName, RunningService>();
  const stopping = new Set<ServiceName>();
  const logs = new Map<ServiceName, WriteStream>();
  if (opts.logDir) mkdirSync(opts.logDir, { recursive: true });

  const environment = (): Record<string, string> => {
    const common: Record<string, string> = {
      MONGODB_URI: opts.mongoUri,
      DB_NAME_PREFIX: opts.dbPrefix ?? '',
      IDENTITY_KEYS: opts.identityKeys,
      GATEWAY_URL: urls.gateway,
      // where the gateway forwards /public/v1 (Connect's REST API), when this stack runs it
      ...(names.includes('rest') ? { REST_URL: `http://127.0.0.1:${ports.rest}` } : {}),
      HOST: '127.0.0.1',
      ...(opts.env ?? {}),
    };
    for (const sg of SUBGRAPH_NAMES) common[`SUBGRAPH_URL_${sg.toUpperCase()}`] = urls[sg];
    return common;
  };
  let common = environment();

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
    let tail = ''; // the last output, to say why a service died before it was ready
    const onData = (chunk: Buffer) => {
      log?.write(chunk);
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-4000);
      if (!opts.onLogLine) return;
      for (const line of text.split('\n')) {
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
    let ready = false;
    child.on('exit', (code, signal) => {
      if (ready && !stopping.has(name)) opts.onUnexpectedExit?.(name, code, signal);
    });
    const running: RunningService = { name, port: ports[name], url: urls[name], process: child };
    services.set(name, running);
    await waitReady(name, ports[name], child, () => tail);
    ready = true;
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

  async function stopServices(): Promise<void> {
    // Gateway first so no new work reaches subgraphs that are going away.
    if (services.has('gateway')) await stopService('gateway');
    await Promise.all([...services.keys()].map((n) => stopService(n)));
  }

  const stack: Stack = {
    get gatewayUrl() {
      return urls.gateway;
    },
    services,
    urlOf: (name) => urls[name],
    metricsUrlOf: (name) =>
      name === 'gateway'
        ? `http://127.0.0.1:${gatewayMetricsPort}/metrics`
        : urls[name].replace(/\/graphql$/, '/metrics'),
    startService,
    stopService,
    stop: async () => {
      await stopServices();
      for (const log of logs.values()) log.end();
    },
  };

  for (let attempt = 1; ; attempt++) {
    if (choose) {
      ports = await choose();
      urls = urlsOf(ports);
      gatewayMetricsPort = await freePort();
      common = environment();
    }
    try {
      // Subgraphs (and the REST service) in parallel (the gateway only needs them at query time, but
      // readiness keeps output tidy).
      await Promise.all(names.filter((n) => n !== 'gateway').map(startService));
      if (names.includes('gateway')) await startService('gateway');
      return stack;
    } catch (e) {
      await stopServices();
      // A chosen port is unbound until its service binds it: another process starting at the same time
      // may take it first. Choosing again is the fix; nothing can reserve a port for a child process.
      if (choose && e instanceof PortTakenError && attempt < PORT_ATTEMPTS) continue;
      for (const log of logs.values()) log.end();
      throw e;
    }
  }
}

function urlsOf(ports: Record<ServiceName, number>): Record<ServiceName, string> {
  const path = (n: ServiceName) => (n === 'rest' ? '/public/v1' : '/graphql');
  return Object.fromEntries(SERVICES.map((n) => [n, `http://127.0.0.1:${ports[n]}${path(n)}`])) as Record<
    ServiceName,
    string
  >;
}

/**
 * Resolves once `child` answers /ready on its port. The answer must come from the child itself: until
 * it has bound the port, another process may be listening there (see `listensOn`).
 */
async function waitReady(
  name: ServiceName,
  port: number,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    // A service that cannot bind its port may stay up without listening (graphql-ws reports the error and
    // swallows it), so its output is what tells.
    if (output().includes('EADDRINUSE')) {
      child.kill('SIGKILL');
      throw new PortTakenError(name, port);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      const last = output().trim().split('\n').slice(-3).join(' | ').slice(-500);
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready: ${last}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(5000) });
      if (res.ok && listensOn(child.pid ?? -1, port) !== false) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} was not ready on port ${port} within ${READY_TIMEOUT_MS / 1000} s`);
}
