// Starts the embedded database: FerretDB v1 on SQLite files, on 127.0.0.1, and stops it with us.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, listensOn, PortTakenError } from './ports.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FERRETDB_BIN = process.env.FERRETDB_BIN ?? join(REPO_ROOT, 'tools', 'bin', 'ferretdb');

export interface FerretDB {
  uri: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

export interface FerretDBOptions {
  dataDir: string;
  /** a fixed port; without it a free one is chosen (and chosen again if another process takes it first) */
  port?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** a file for FerretDB's own log lines; default: errors to our stderr */
  logFile?: string;
  /** aborting kills a server that is still starting (a supervisor giving up on a restart) */
  signal?: AbortSignal;
}

const READY_TIMEOUT_MS = 60_000;

export async function startFerretDB(opts: FerretDBOptions): Promise<FerretDB> {
  if (!existsSync(FERRETDB_BIN)) {
    throw new Error(
      `FerretDB is not installed at ${FERRETDB_BIN}; run \`npm run setup\` (needs Go) or set MONGODB_URI`,
    );
  }
  mkdirSync(opts.dataDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(opts.port ?? (await freePort()), opts);
    } catch (e) {
      if (opts.port !== undefined || !(e instanceof PortTakenError) || attempt >= 3) throw e;
    }
  }
}

async function startOn(port: number, opts: FerretDBOptions): Promise<FerretDB> {
  const child = spawn(
    FERRETDB_BIN,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${opts.dataDir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      `--state-dir=${opts.dataDir}`,
      '--telemetry=disable',
      `--log-level=${opts.logLevel ?? (opts.logFile ? 'warn' : 'error')}`,
      '--log-format=json',
    ],
    {
      stdio: ['ignore', 'ignore', opts.logFile ? openSync(opts.logFile, 'a') : 'inherit'],
      ...(opts.signal ? { signal: opts.signal, killSignal: 'SIGKILL' as const } : {}),
    },
  );
  child.on('error', () => {}); // an abort is reported through `exit`
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? -1;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // Ready when it accepts connections on the port and is the process listening there: something else
  // on that port would accept them too while our server fails to bind.
  while (!((await canConnect(port)) && listensOn(child.pid ?? -1, port) !== false)) {
    if (exited !== null) {
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
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    dataDir: opts.dataDir,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
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
