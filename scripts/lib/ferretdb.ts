// Starts the embedded database on 127.0.0.1 and stops it with us (docs/embedded-database.md). By default
// FerretDB v2 in front of a PostgreSQL 15 cluster with DocumentDB, both with their files under `dataDir`;
// with EMBEDDED_DB=ferretdb-v1, FerretDB v1 on SQLite files (kept to compare the two).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, listensOn, PortTakenError } from './ports.js';
import { type Postgres, startPostgres } from './postgres.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FERRETDB_BIN = process.env.FERRETDB_BIN ?? join(REPO_ROOT, 'tools', 'bin', 'ferretdb');
export const FERRETDB_V1_BIN = process.env.FERRETDB_V1_BIN ?? join(REPO_ROOT, 'tools', 'bin', 'ferretdb-v1');

export type EmbeddedKind = 'ferretdb-v2' | 'ferretdb-v1';

/** EMBEDDED_DB: which embedded database `pnpm start`, the tests and the benchmarks run. */
export function embeddedKind(): EmbeddedKind {
  const kind = process.env.EMBEDDED_DB || 'ferretdb-v2';
  if (kind !== 'ferretdb-v2' && kind !== 'ferretdb-v1') {
    throw new Error(`EMBEDDED_DB must be ferretdb-v2 (the default) or ferretdb-v1, not ${kind}`);
  }
  return kind;
}

export interface FerretDB {
  uri: string;
  port: number;
  dataDir: string;
  kind: EmbeddedKind;
  /** FerretDB, the process clients talk to; it also exits (killed) when PostgreSQL dies under it */
  process: ChildProcess;
  /** v2: PostgreSQL's postmaster */
  postgres: Postgres | null;
  /** kill -9 of everything (FerretDB and PostgreSQL with all its backends); resolves once all is gone */
  kill: () => Promise<void>;
  /** clean shutdown */
  stop: () => Promise<void>;
}

export interface FerretDBOptions {
  dataDir: string;
  /** a fixed port; without it a free one is chosen (and chosen again if another process takes it first) */
  port?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** a file for FerretDB's own log lines (PostgreSQL's go to postgres.log beside it); default: errors to our stderr */
  logFile?: string;
  /** aborting kills a server that is still starting (a supervisor giving up on a restart) */
  signal?: AbortSignal;
  /** default: EMBEDDED_DB */
  kind?: EmbeddedKind;
  /**
   * false for a throwaway database (tests, benchmarks): PostgreSQL skips fsync, which survives a kill -9
   * of the database but not a crash of the machine; default true (`pnpm start`)
   */
  durable?: boolean;
}

const READY_TIMEOUT_MS = 120_000;

export async function startFerretDB(opts: FerretDBOptions): Promise<FerretDB> {
  const kind = opts.kind ?? embeddedKind();
  const bin = kind === 'ferretdb-v2' ? FERRETDB_BIN : FERRETDB_V1_BIN;
  if (!existsSync(bin)) {
    throw new Error(
      `FerretDB (${kind}) is not installed at ${bin}; run \`npm run setup\` (needs Go) or set MONGODB_URI`,
    );
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const postgres =
    kind === 'ferretdb-v2'
      ? await startPostgres({
          dataDir: opts.dataDir,
          durable: opts.durable ?? true,
          // beside FerretDB's log when it has one (`.data/logs/postgres.log`), else in its data folder
          ...(opts.logFile ? { logFile: join(dirname(opts.logFile), 'postgres.log') } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
        })
      : null;
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await startOn(bin, kind, opts.port ?? (await freePort()), opts, postgres);
      } catch (e) {
        if (opts.port !== undefined || !(e instanceof PortTakenError) || attempt >= 3) throw e;
      }
    }
  } catch (e) {
    await postgres?.stop();
    throw e;
  }
}

function ferretArgs(kind: EmbeddedKind, port: number, opts: FerretDBOptions, postgres: Postgres | null) {
  const common = [
    `--listen-addr=127.0.0.1:${port}`,
    // its debug listener (metrics, probes) dies on a second instance unless off
    '--debug-addr=-',
    `--telemetry=disable`,
    `--log-level=${opts.logLevel ?? (opts.logFile ? 'warn' : 'error')}`,
  ];
  if (kind === 'ferretdb-v1') {
    return [
      ...common,
      '--handler=sqlite',
      `--sqlite-url=file:${opts.dataDir}/`,
      `--state-dir=${opts.dataDir}`,
      '--log-format=json',
    ];
  }
  const state = join(opts.dataDir, 'ferretdb');
  mkdirSync(state, { recursive: true });
  return [
    ...common,
    `--postgresql-url=${postgres!.url}`,
    // only 127.0.0.1 can reach it, as with v1 (which had no authentication)
    '--no-auth',
    `--state-dir=${state}`,
    '--log-format=json',
  ];
}

async function startOn(
  bin: string,
  kind: EmbeddedKind,
  port: number,
  opts: FerretDBOptions,
  postgres: Postgres | null,
): Promise<FerretDB> {
  const child = spawn(bin, ferretArgs(kind, port, opts, postgres), {
    stdio: ['ignore', 'ignore', opts.logFile ? openSync(opts.logFile, 'a') : 'inherit'],
    ...(opts.signal ? { signal: opts.signal, killSignal: 'SIGKILL' as const } : {}),
  });
  child.on('error', () => {}); // an abort is reported through `exit`
  let exited: number | null = null;
  const gone = new Promise<void>((resolve) => {
    child.on('exit', (code) => {
      exited = code ?? -1;
      resolve();
    });
  });
  // PostgreSQL gone under a running FerretDB: FerretDB goes too, so whoever watches it (the supervisor of
  // `pnpm start`) sees the database exit and starts both again.
  const onPostgresExit = () => {
    if (exited === null) child.kill('SIGKILL');
  };
  postgres?.process.once('exit', onPostgresExit);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // Ready when it accepts connections on the port and is the process listening there: something else
  // on that port would accept them too while our server fails to bind.
  while (!((await canConnect(port)) && listensOn(child.pid ?? -1, port) !== false)) {
    if (exited !== null) {
      postgres?.process.off('exit', onPostgresExit);
      if (await canConnect(port)) throw new PortTakenError('FerretDB', port);
      throw new Error(`FerretDB exited with code ${exited} before accepting connections`);
    }
    if (opts.signal?.aborted) throw new Error('FerretDB start abandoned');
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `FerretDB did not accept connections on 127.0.0.1:${port} within ${READY_TIMEOUT_MS / 1000} s`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stopFerret = (signal: NodeJS.Signals) => {
    if (exited !== null) return Promise.resolve();
    child.kill('SIGCONT'); // a paused one cannot act on a signal
    child.kill(signal);
    if (signal !== 'SIGKILL') setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    return gone;
  };
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    dataDir: opts.dataDir,
    kind,
    process: child,
    postgres,
    kill: async () => {
      postgres?.process.off('exit', onPostgresExit);
      await Promise.all([stopFerret('SIGKILL'), postgres?.kill()]);
    },
    stop: async () => {
      postgres?.process.off('exit', onPostgresExit);
      await stopFerret('SIGTERM');
      await postgres?.stop();
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
