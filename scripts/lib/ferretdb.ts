// Starts the embedded database: FerretDB v1 on SQLite files, on 127.0.0.1, and stops it with us.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

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
  port?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** a file for FerretDB's own log lines; default: errors to our stderr */
  logFile?: string;
}

export async function startFerretDB(opts: FerretDBOptions): Promise<FerretDB> {
  if (!existsSync(FERRETDB_BIN)) {
    throw new Error(
      `FerretDB is not installed at ${FERRETDB_BIN}; run \`npm run setup\` (needs Go) or set MONGODB_URI`,
    );
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const port = opts.port ?? (await freePort());
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
    { stdio: ['ignore', 'ignore', opts.logFile ? openSync(opts.logFile, 'a') : 'inherit'] },
  );
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? -1;
  });
  const deadline = Date.now() + 20_000;
  while (!(await canConnect(port))) {
    if (exited !== null) throw new Error(`FerretDB exited with code ${exited} before accepting connections`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`FerretDB did not accept connections on 127.0.0.1:${port} within 20 s`);
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
