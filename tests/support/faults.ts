// Fault injection for tests and benchmarks, one way for all: kill -9, stop/continue and restart a service
// of a running stack; a private database server that can itself be killed, paused and restarted on the
// same port and files; "prune now", retention run on a subgraph's feed as its hourly timer would; and
// which process listens on a port, to kill one that another program (`pnpm start`) runs.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeStore, createLogger, databaseName, openDatabase } from '@daas/kit';
import { type FerretDB, startFerretDB } from '../../scripts/lib/ferretdb.js';
import { listeningSockets, socketsOf } from '../../scripts/lib/ports.js';
import type { ServiceName, Stack } from '../../scripts/lib/stack.js';

export interface ServiceFaults {
  /** SIGKILL: the process dies at once, nothing is flushed or closed; resolves when it has exited */
  kill: (service: ServiceName) => Promise<void>;
  /** SIGSTOP: the process stays, its sockets stay open, it answers nothing (a half-open peer) */
  pause: (service: ServiceName) => void;
  /** SIGCONT after `pause` */
  resume: (service: ServiceName) => void;
  /** starts a killed (or stopped) service again on the same port and environment; resolves when ready */
  restart: (service: ServiceName) => Promise<void>;
  /** kill -9 then restart */
  crash: (service: ServiceName) => Promise<void>;
}

export function serviceFaults(stack: Stack): ServiceFaults {
  const processOf = (service: ServiceName) => {
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
  /** SIGKILL the server (no clean shutdown); `start` brings it back on the same port and files */
  kill: () => Promise<void>;
  start: () => Promise<void>;
  /** kill, wait `downMs`, start again */
  restart: (downMs?: number) => Promise<void>;
  pause: () => void;
  resume: () => void;
  /** stops it for good and removes its files */
  stop: () => Promise<void>;
}

/**
 * A database server of the test's own (the run's shared one must never be restarted under other test
 * files): an embedded FerretDB on a fixed free port and a temporary folder, so a restart keeps the data and
 * clients reconnect to the same address.
 */
export async function privateDatabase(): Promise<PrivateDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'daas-fault-db-'));
  // a free port on the first start; the same one on every restart
  let server: FerretDB | null = await startFerretDB({ dataDir: dir, logLevel: 'error' });
  const port = server.port;
  const db: PrivateDatabase = {
    uri: server.uri,
    kill: async () => {
      const s = server;
      server = null;
      if (!s || s.process.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        s.process.once('exit', () => resolve());
        s.process.kill('SIGKILL');
      });
    },
    start: async () => {
      if (server) return;
      server = await startFerretDB({ dataDir: dir, port, logLevel: 'error' });
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
      server?.process.kill('SIGCONT');
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
  const pruner = await feedPruner(mongoUri, dbPrefix, service, partitions);
  try {
    return await pruner.prune(olderThan);
  } finally {
    await pruner.close();
  }
}

export interface FeedPruner {
  /** `pruneFeed` on a connection kept open (a benchmark pruning every few seconds) */
  prune: (olderThan?: Date) => Promise<number>;
  close: () => Promise<void>;
}

export async function feedPruner(
  mongoUri: string,
  dbPrefix: string,
  service: Exclude<ServiceName, 'gateway'>,
  partitions = 1,
): Promise<FeedPruner> {
  const db = openDatabase({ uri: mongoUri, name: databaseName(dbPrefix, service), log: silent() });
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
    return { prune: (olderThan = new Date()) => store.feed.prune(olderThan), close: () => db.close() };
  } catch (e) {
    await db.close();
    throw e;
  }
}

const silent = () => createLogger('faults', 'silent');

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
