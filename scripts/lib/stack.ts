// Starts the platform's processes: the five subgraphs, the gateway and the REST service, each its own Node process,
// on given or free ports, against one MongoDB-compatible server. Used by `pnpm start` and the tests.
// With several replicas of a service (or `balancer`), haproxy fronts every service (balancer.ts): the
// service's port is then haproxy's, each replica listens on a port of its own, and every process
// reaches the others through haproxy, as in a deployment (docs/deployment.md).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Balancer, startBalancer } from './balancer.js';
import { REPO_ROOT } from './ferretdb.js';
import { freePort, listensOn, PortTakenError } from './ports.js';

export const SERVICES = [
  'partners',
  'products',
  'requests',
  'usage',
  'extensions',
  'billing',
  'gateway',
  'rest',
] as const;
export type ServiceName = (typeof SERVICES)[number];
/** What a stack starts unless told otherwise: the REST service only when asked (`npm start` asks). */
export const DEFAULT_SERVICES: readonly ServiceName[] = SERVICES.filter((n) => n !== 'rest');
export const SUBGRAPH_NAMES = ['partners', 'products', 'requests', 'usage', 'extensions', 'billing'] as const;
/** One process of a service: its first replica is named as the service, the others `<service>-<n>`. */
export type InstanceName = ServiceName | `${ServiceName}-${number}`;

export function instancesOf(service: ServiceName, replicas: number): InstanceName[] {
  return Array.from(
    { length: replicas },
    (_, i): InstanceName => (i === 0 ? service : `${service}-${i + 1}`),
  );
}

export function serviceOf(instance: InstanceName): ServiceName {
  return instance.replace(/-\d+$/, '') as ServiceName;
}

export const DEFAULT_PORTS: Record<ServiceName, number> = {
  gateway: 4000,
  partners: 4001,
  products: 4002,
  requests: 4003,
  usage: 4004,
  rest: 4005,
  extensions: 4006,
  billing: 4007,
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
  /** processes per service (default 1); more than one puts haproxy in front (`balancer`) */
  replicas?: number | Partial<Record<ServiceName, number>>;
  /** haproxy in front of every service even with one replica each */
  balancer?: boolean;
  /** how long each process may take to answer /ready (default 180 s) */
  readyTimeoutMs?: number;
  /**
   * https on the gateway beside http (not with a balancer): its certificate (scripts/lib/tls.ts) and
   * port (default: chosen with the others, else 4443)
   */
  https?: { certFile: string; keyFile: string; caFile: string | null; port?: number };
}

export interface RunningService {
  name: ServiceName;
  instance: InstanceName;
  /** the process's own port and URL (not haproxy's) */
  port: number;
  url: string;
  process: ChildProcess;
}

export interface Stack {
  /** the gateway's URL for clients (haproxy's, when balanced) */
  gatewayUrl: string;
  /** the same over https (`https://127.0.0.1:<port>/graphql`), when the stack serves it */
  gatewayHttpsUrl: string | null;
  /** the CA file clients trust for it (REQUESTS_CA_BUNDLE, SSL_CERT_FILE) */
  caFile: string | null;
  /** the running processes, by instance */
  services: Map<InstanceName, RunningService>;
  /** every instance of the stack, running or not */
  instances: readonly InstanceName[];
  /** a service's URL as the other processes use it (haproxy's, when balanced); an instance's own */
  urlOf: (name: InstanceName) => string;
  /** where an instance's Prometheus metrics are read (a gateway serves them on a port of their own) */
  metricsUrlOf: (name: InstanceName) => string;
  /** haproxy, when the stack is balanced */
  balancer: Balancer | null;
  /** start (again) one instance with the same ports and environment; resolves when it is ready (and routed to) */
  startService: (name: InstanceName) => Promise<RunningService>;
  stopService: (name: InstanceName, signal?: NodeJS.Signals) => Promise<void>;
  stop: () => Promise<void>;
}

/** How long a service may take to answer /ready by default: minutes, on a two-core machine under heavy load. */
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
  const replicasOf = (s: ServiceName) =>
    Math.max(1, typeof opts.replicas === 'number' ? opts.replicas : (opts.replicas?.[s] ?? 1));
  const instances = names.flatMap((s) => instancesOf(s, replicasOf(s)));
  const balanced = opts.balancer === true || names.some((s) => replicasOf(s) > 1);
  const choose: PortChooser | null =
    opts.ports === 'free' ? freePorts : typeof opts.ports === 'function' ? opts.ports : null;
  const fixed = typeof opts.ports === 'object' ? opts.ports : {};
  let ports = { ...DEFAULT_PORTS, ...fixed };
  let urls = urlsOf(ports);
  // Balanced, every instance has a port of its own (the service's is haproxy's); otherwise the service's.
  const ownPorts = new Map<InstanceName, number>();
  const portOf = (i: InstanceName) => ownPorts.get(i) ?? ports[serviceOf(i)];
  const ownUrl = (i: InstanceName) => `http://127.0.0.1:${portOf(i)}/graphql`;
  // Each gateway's metrics listener (METRICS_PORT): chosen with the others, or as configured (default
  // 4090) and the next ports for further gateways.
  const configuredMetricsPort = Number(
    opts.serviceEnv?.gateway?.METRICS_PORT ?? opts.env?.METRICS_PORT ?? process.env.METRICS_PORT ?? 4090,
  );
  const metricsPorts = new Map<InstanceName, number>(
    instancesOf('gateway', replicasOf('gateway')).map((g, i) => [g, configuredMetricsPort + i]),
  );
  if (opts.https && balanced) throw new Error('https is served by a single gateway, not behind the balancer');
  let httpsPort = opts.https?.port ?? 4443;
  let balancer: Balancer | null = null;
  const services = new Map<InstanceName, RunningService>();
  const stopping = new Set<InstanceName>();
  const logs = new Map<InstanceName, WriteStream>();
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

  async function startService(instance: InstanceName): Promise<RunningService> {
    const name = serviceOf(instance);
    const port = portOf(instance);
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...common,
      ...(opts.serviceEnv?.[name] ?? {}),
      PORT: String(port),
      ...(name === 'gateway' ? { METRICS_PORT: String(metricsPorts.get(instance)) } : {}),
      ...(name === 'gateway' && opts.https
        ? {
            HTTPS_PORT: String(httpsPort),
            TLS_CERT_FILE: opts.https.certFile,
            TLS_KEY_FILE: opts.https.keyFile,
          }
        : {}),
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
    stopping.delete(instance);
    let log = logs.get(instance);
    if (opts.logDir && !log) {
      log = createWriteStream(join(opts.logDir, `${instance}.log`), { flags: 'a' });
      logs.set(instance, log);
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
      if (ready && !stopping.has(instance)) opts.onUnexpectedExit?.(name, code, signal);
    });
    const running: RunningService = { name, instance, port, url: ownUrl(instance), process: child };
    services.set(instance, running);
    await waitReady(instance, port, child, () => tail, opts.readyTimeoutMs ?? READY_TIMEOUT_MS);
    // ready once haproxy routes to it too: a test that kills the other replica next needs this one in use
    await balancer?.waitUp([`${name}/${instance}`]);
    ready = true;
    return running;
  }

  async function stopService(instance: InstanceName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const svc = services.get(instance);
    if (!svc) return;
    stopping.add(instance);
    if (svc.process.exitCode === null && svc.process.signalCode === null) {
      await new Promise<void>((resolve) => {
        svc.process.once('exit', () => resolve());
        svc.process.kill(signal);
        setTimeout(() => svc.process.kill('SIGKILL'), 12_000).unref();
      });
    }
    services.delete(instance);
  }

  async function stopServices(): Promise<void> {
    // Gateways first so no new work reaches subgraphs that are going away.
    const gateways = [...services.keys()].filter((i) => serviceOf(i) === 'gateway');
    await Promise.all(gateways.map((i) => stopService(i)));
    await Promise.all([...services.keys()].map((i) => stopService(i)));
    await balancer?.stop();
    balancer = null;
  }

  const stack: Stack = {
    get gatewayUrl() {
      return urls.gateway;
    },
    get gatewayHttpsUrl() {
      return opts.https ? `https://127.0.0.1:${httpsPort}/graphql` : null;
    },
    caFile: opts.https?.caFile ?? null,
    services,
    instances,
    urlOf: (name) => (name in urls ? urls[name as ServiceName] : ownUrl(name)),
    metricsUrlOf: (name) =>
      serviceOf(name) === 'gateway'
        ? `http://127.0.0.1:${metricsPorts.get(name)}/metrics`
        : ownUrl(name).replace(/\/graphql$/, '/metrics'),
    get balancer() {
      return balancer;
    },
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
      for (const g of metricsPorts.keys()) metricsPorts.set(g, await freePort());
      if (opts.https && opts.https.port === undefined) httpsPort = await freePort();
      common = environment();
    }
    try {
      if (balanced) {
        for (const i of instances) ownPorts.set(i, await freePort());
        balancer = await startBalancer(
          opts.logDir ? join(opts.logDir, 'haproxy') : mkdtempSync(join(tmpdir(), 'daas-haproxy-')),
          names.map((s) => ({
            name: s,
            port: ports[s],
            servers: instancesOf(s, replicasOf(s)).map((i) => ({ name: i, port: portOf(i) })),
          })),
        );
      }
      // Subgraphs and the REST service in parallel, then the gateway (it only needs them at query time,
      // but readiness keeps output tidy). Balanced, all at once: ten processes starting one group after
      // the other took minutes.
      const subgraphs = instances.filter((i) => serviceOf(i) !== 'gateway');
      const gateways = instances.filter((i) => serviceOf(i) === 'gateway');
      if (balanced) await Promise.all([...subgraphs, ...gateways].map(startService));
      else {
        await Promise.all(subgraphs.map(startService));
        await Promise.all(gateways.map(startService));
      }
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
  name: InstanceName,
  port: number,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // A service that cannot bind its port says so (EADDRINUSE) and exits (kit/src/listen.ts); its output
    // tells which of the two failures it was, so that another port can be chosen.
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
  throw new Error(`${name} was not ready on port ${port} within ${timeoutMs / 1000} s`);
}
