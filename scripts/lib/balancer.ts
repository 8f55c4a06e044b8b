// haproxy (Debian's package) in front of a stack's replicas: one frontend per service, so clients reach
// the gateways and the gateways and subgraphs reach each other's replicas only through it, as in a
// deployment. The config it writes is the one docs/deployment.md explains.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { PortTakenError } from './ports.js';

export const HAPROXY_BIN =
  process.env.HAPROXY_BIN ?? ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find(existsSync) ?? 'haproxy';

export interface BalancedService {
  /** the frontend's (and backend's) name */
  name: string;
  /** where the frontend listens on 127.0.0.1 */
  port: number;
  /** the replicas: server name and port on 127.0.0.1 */
  servers: { name: string; port: number }[];
}

export interface Balancer {
  process: ChildProcess;
  /**
   * every server (`<backend>/<server>`): its state as haproxy's health checks see it ('UP', 'DOWN',
   * 'UP 1/3', …) and how many connections haproxy has sent it so far
   */
  states: () => Promise<Map<string, { status: string; sessions: number }>>;
  /** resolves once haproxy routes to each named server (`<backend>/<server>`) */
  waitUp: (servers: string[], timeoutMs?: number) => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * The configuration, in haproxy's syntax. Why each setting:
 * - `leastconn`: subscriptions are long websocket connections; round robin would count them as one
 *   request each and pile them on one replica.
 * - `option http-server-close`: a new connection to the replica for every request, so haproxy never
 *   reuses a server connection the replica is closing (Node closes idle ones after 5 s).
 * - `retries` + `option redispatch 1`: a request that cannot connect (a replica just killed, before the
 *   health check notices) is sent to another replica. Only connection failures are retried: a mutation
 *   that reached a replica is never sent twice.
 * - health checks on `/ready` (the database is reachable and the feed started): a replica that is
 *   starting, or has lost its database, gets no traffic. Down after 5 failed checks, not fewer: a busy
 *   replica may miss one, and a dead one is avoided at once anyway (its connections are refused).
 * - client-side timeouts longer than any client's idle keep-alive (the gateway keeps its own 65 s), so
 *   a client never sends a request on a connection haproxy is closing; `timeout tunnel` for websockets,
 *   whose peers ping each other well within it.
 */
export function haproxyConfig(services: BalancedService[], statsSocket: string): string {
  const lines = [
    'global',
    '  maxconn 4000',
    `  stats socket ${statsSocket} mode 600 level admin`,
    '',
    'defaults',
    '  mode http',
    '  balance leastconn',
    '  option http-server-close',
    '  option redispatch 1',
    '  retries 3',
    '  timeout connect 5s',
    '  timeout client 10m',
    '  timeout http-keep-alive 10m',
    '  timeout http-request 60s',
    '  timeout server 5m',
    '  timeout tunnel 1h',
    '  timeout check 10s',
    '  option httpchk GET /ready',
    '  http-check expect status 200',
    '  default-server check inter 1s fall 5 rise 2',
  ];
  for (const s of services) {
    lines.push('', `frontend ${s.name}`, `  bind 127.0.0.1:${s.port}`, `  default_backend ${s.name}`);
    lines.push('', `backend ${s.name}`);
    for (const server of s.servers) lines.push(`  server ${server.name} 127.0.0.1:${server.port}`);
  }
  return `${lines.join('\n')}\n`;
}

const START_TIMEOUT_MS = 60_000;

/** Starts haproxy in the foreground with a config written to `dir`; resolves once it listens. */
export async function startBalancer(dir: string, services: BalancedService[]): Promise<Balancer> {
  if (!existsSync(HAPROXY_BIN) && HAPROXY_BIN !== 'haproxy') throw new Error('haproxy is not installed');
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'haproxy.sock');
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(config, haproxyConfig(services, socket));
  let output = '';
  const child = spawn(HAPROXY_BIN, ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (b: Buffer) => {
    output = (output + b.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('error', (e) => collect(Buffer.from(String(e))));

  const command = (cmd: string) =>
    new Promise<string>((resolve, reject) => {
      const conn = createConnection(socket);
      let text = '';
      conn.on('data', (b) => {
        text += b.toString('utf8');
      });
      conn.on('end', () => resolve(text));
      conn.on('error', reject);
      conn.end(`${cmd}\n`);
    });
  const states = async () => {
    const [header, ...rows] = (await command('show stat')).trim().split('\n');
    const cols = (header ?? '').replace(/^# /, '').split(',');
    const [px, sv, status, stot] = ['pxname', 'svname', 'status', 'stot'].map((c) => cols.indexOf(c)) as [
      number,
      number,
      number,
      number,
    ];
    const out = new Map<string, { status: string; sessions: number }>();
    for (const row of rows) {
      const f = row.split(',');
      if (f[sv] === 'FRONTEND' || f[sv] === 'BACKEND') continue;
      out.set(`${f[px]}/${f[sv]}`, { status: f[status] ?? '', sessions: Number(f[stot] ?? 0) });
    }
    return out;
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const port = /cannot bind socket.*?:(\d+)\]/.exec(output)?.[1];
      if (port) throw new PortTakenError('haproxy', Number(port));
      throw new Error(`haproxy exited before it was ready: ${output.trim().slice(-500)}`);
    }
    if (
      await states().then(
        () => true,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not start within ${START_TIMEOUT_MS / 1000} s: ${output.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    process: child,
    states,
    waitUp: async (servers, timeoutMs = 120_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const now = await states();
        const down = servers.filter((s) => now.get(s)?.status !== 'UP');
        if (down.length === 0) return;
        if (Date.now() > until) {
          const why = down.map((s) => `${s} (${now.get(s)?.status ?? 'unknown'})`);
          throw new Error(`haproxy does not route to ${why.join(', ')}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
