// Fault injection for tests and benchmarks, one way for all: kill -9, stop/continue and restart a service
// of a running stack; a private database server that can itself be killed, paused and restarted on the
// same port and files; "prune now", retention run on a subgraph's feed as its hourly timer would (also
// in a child process, to kill mid-prune); a switchable TCP proxy in front of a service (a load balancer
// failing over; a connection that stalls); and which process listens on a port, to kill one that another program (`pnpm start`) runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeStore,
  createLogger,
  databaseName,
  decodeCursor,
  IDENTITY_HEADER,
  openDatabase,
} from '@daas/kit';
import { type FerretDB, REPO_ROOT, startFerretDB } from '../../scripts/lib/ferretdb.js';
import { listeningSockets, socketsOf } from '../../scripts/lib/ports.js';
import type { InstanceName, ServiceName, Stack } from '../../scripts/lib/stack.js';

export interface ServiceFaults {
  /** SIGKILL: the process dies at once, nothing is flushed or closed; resolves when it has exited */
  kill: (service: InstanceName) => Promise<void>;
  /** SIGSTOP: the process stays, its sockets stay open, it answers nothing (a half-open peer) */
  pause: (service: InstanceName) => void;
  /** SIGCONT after `pause` */
  resume: (service: InstanceName) => void;
  /** starts a killed (or stopped) service again on the same port and environment; resolves when ready */
  restart: (service: InstanceName) => Promise<void>;
  /** kill -9 then restart */
  crash: (service: InstanceName) => Promise<void>;
}

export function serviceFaults(stack: Stack): ServiceFaults {
  const processOf = (service: InstanceName) => {
    const svc = stack.services.get(service);
    if (!svc) throw new Error(`${service} is not running`);
    return svc.process;
  };
  const faults: ServiceFaults = {
    kill: (service) => stack.stopService(service, 'SIGKILL'),
    pause: (service) => {
      processOf(service).kill('SIGSTOP');
    },
    resume: (service) => {
      processOf(service).kill('SIGCONT');
    },
    restart: async (service) => {
      await stack.startService(service);
    },
    crash: async (service) => {
      await faults.kill(service);
      await faults.restart(service);
    },
  };
  return faults;
}

export interface PrivateDatabase {
  uri: string;
  /**
   * kill -9 of the whole database, as a crash of its machine would: FerretDB and (v2) PostgreSQL with all
   * its backends; `start` brings it back on the same port and files (PostgreSQL replays its WAL)
   */
  kill: () => Promise<void>;
  start: () => Promise<void>;
  /** kill, wait `downMs`, start again */
  restart: (downMs?: number) => Promise<void>;
  /**
   * SIGSTOP of FerretDB, the process clients talk to: their connections stay open and nothing answers
   * (a half-open peer); PostgreSQL behind it keeps running
   */
  pause: () => void;
  resume: () => void;
  /** stops it for good and removes its files */
  stop: () => Promise<void>;
}

/**
 * A database server of the test's own (the run's shared one must never be restarted under other test
 * files): an embedded database on a fixed free port and a temporary folder, so a restart keeps the data
 * and clients reconnect to the same address.
 */
export async function privateDatabase(): Promise<PrivateDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'daas-fault-db-'));
  // a free port on the first start (startFerretDB picks again if another process takes it first); the
  // same one on every restart
  let server: FerretDB | null = await startFerretDB({ dataDir: dir, logLevel: 'error', durable: false });
  const port = server.port;
  const db: PrivateDatabase = {
    uri: server.uri,
    kill: async () => {
      const s = server;
      server = null;
      await s?.kill();
    },
    start: async () => {
      if (server) return;
      server = await startFerretDB({ dataDir: dir, port, logLevel: 'error', durable: false });
    },
    restart: async (downMs = 0) => {
      await db.kill();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await db.start();
    },
    pause: () => {
      server?.process.kill('SIGSTOP');
    },
    resume: () => {
      server?.process.kill('SIGCONT');
    },
    stop: async () => {
      await server?.stop();
      server = null;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return db;
}

/**
 * Runs retention on a subgraph's feed now, as the subgraph's own timer does: drops every event older
 * than `olderThan` (default: all of them but those of the last `keepMs`). Returns how many were removed.
 */
export async function pruneFeed(
  mongoUri: string,
  dbPrefix: string,
  service: Exclude<ServiceName, 'gateway'>,
  olderThan: Date = new Date(),
  partitions = 1,
): Promise<number> {
  return pruneDatabase(mongoUri, databaseName(dbPrefix, service), olderThan, partitions);
}

/**
 * `pruneFeed` as retention meets a running service: only once the service's own feed reader
 * (`GET /feed/position` at `serviceUrl`, asked with `identity`) has read up to the feed's head, as it has
 * long before events are a retention period old. (A reader still below slots a prune removes waits on them.)
 */
export async function pruneFeedOnceRead(
  mongoUri: string,
  dbPrefix: string,
  service: Exclude<ServiceName, 'gateway'>,
  reader: { serviceUrl: string; identity: string },
  olderThan: Date = new Date(),
  partitions = 1,
): Promise<number> {
  const pruner = await prunerOn(mongoUri, databaseName(dbPrefix, service), partitions);
  try {
    const head = pruner.head();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await fetch(reader.serviceUrl.replace(/\/graphql$/, '/feed/position'), {
        headers: { [IDENTITY_HEADER]: reader.identity },
      });
      const { cursor } = (await res.json()) as { cursor?: string };
      if (cursor && decodeCursor(cursor, partitions).every((s, p) => s >= head[p]!)) break;
      if (Date.now() > deadline) throw new Error(`${service}'s feed reader is not at the head (${cursor})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return await pruner.prune(olderThan);
  } finally {
    await pruner.close();
  }
}

/** `pruneFeed` on a database named in full. */
export async function pruneDatabase(
  mongoUri: string,
  name: string,
  olderThan: Date = new Date(),
  partitions = 1,
): Promise<number> {
  const pruner = await prunerOn(mongoUri, name, partitions);
  try {
    return await pruner.prune(olderThan);
  } finally {
    await pruner.close();
  }
}

export interface FeedPruner {
  /** `pruneFeed` on a connection kept open (a benchmark pruning every few seconds) */
  prune: (olderThan?: Date) => Promise<number>;
  /** the feed's head position when the pruner opened */
  head: () => number[];
  close: () => Promise<void>;
}

export function feedPruner(
  mongoUri: string,
  dbPrefix: string,
  service: Exclude<ServiceName, 'gateway'>,
  partitions = 1,
): Promise<FeedPruner> {
  return prunerOn(mongoUri, databaseName(dbPrefix, service), partitions);
}

async function prunerOn(mongoUri: string, name: string, partitions: number): Promise<FeedPruner> {
  const db = openDatabase({ uri: mongoUri, name, log: silent() });
  try {
    await db.connected();
    const store = new ChangeStore(db.conn, {
      partitions,
      pollMs: 1000,
      retentionHours: 1,
      log: silent(),
      dialect: () => db.dialect(),
    });
    await store.init();
    return {
      prune: (olderThan = new Date()) => store.feed.prune(olderThan),
      head: () => store.feed.headPositions(),
      close: () => db.close(),
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}

/**
 * `pruneDatabase` in a process of its own (tests/support/prune-child.ts), for a test to kill -9 in the
 * middle of a prune. The child exits 0 once the prune is done.
 */
export function pruneInChild(mongoUri: string, name: string, olderThan: Date, partitions = 1): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'tests/support/prune-child.ts',
      mongoUri,
      name,
      olderThan.toISOString(),
      `${partitions}`,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/**
 * One billing run (subgraphs/billing/src/run-billing.ts) in a process of its own, at the business time
 * `at` (a frozen clock), without learning assets: for a test to kill -9 mid-run or to run two at once.
 * Its stdout is one JSON line of counts once the run is done; it exits 0.
 */
export function billingRunInChild(mongoUri: string, dbPrefix: string, at: Date): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'subgraphs/billing/src/run-billing.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      MONGODB_URI: mongoUri,
      DB_NAME_PREFIX: dbPrefix,
      CLOCK_START: at.toISOString(),
      CLOCK_RATE: '0',
      BILLING_SYNC: 'false',
      BILLING_SCHEDULER: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const silent = () => createLogger('faults', 'silent');

export interface SwitchableProxy {
  /** the proxied service's URL, through the proxy (same path) */
  url: string;
  /**
   * Where new connections go from now on. Open ones stay with their old target, as with a load balancer
   * that fails over: a connection to a stopped (SIGSTOP) target stays open and silent.
   */
  retarget: (url: string) => void;
  /**
   * Open connections stop forwarding both ways and neither side is read any more: a peer that stalled
   * (a frozen process, a dead network path) with its TCP connection still open. New connections still flow.
   */
  stall: () => void;
  close: () => Promise<void>;
}

/** A TCP proxy on a free port in front of `url` (http://host:port/path). */
export async function switchableProxy(url: string): Promise<SwitchableProxy> {
  let target = new URL(url);
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    track(client);
    track(upstream);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('close', () => pairs.delete(pair));
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    retarget: (next) => {
      target = new URL(next);
    },
    stall: () => {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      pairs.clear();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The process listening on TCP `port` (Linux /proc), or null when none is. */
export function pidListeningOn(port: number): number | null {
  const inodes = listeningSockets(port);
  if (!inodes) throw new Error('pidListeningOn needs /proc (Linux)');
  if (inodes.size === 0) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (socketsOf(Number(entry)).some((inode) => inodes.has(inode))) return Number(entry);
  }
  return null;
}
