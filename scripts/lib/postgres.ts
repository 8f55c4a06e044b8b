// The PostgreSQL 15 cluster behind FerretDB v2: its files in `<dataDir>/postgres`, its socket in
// `<dataDir>/run` (no TCP port), run as the unprivileged `postgres` user (initdb and postgres refuse root),
// with DocumentDB's libraries preloaded. A new cluster is a copy of a template made once per machine
// (initdb and `CREATE EXTENSION documentdb CASCADE` take ~10 s; a copy well under one).
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const EXTENSIONS_STAMP = '/usr/lib/postgresql/15/lib/daas-extensions.stamp';
/**
 * One template per machine and extension build, where the postgres user can reach it whatever the
 * clone's path (a clone under /root is closed to other users): its home.
 */
const TEMPLATES = '/var/lib/postgresql/daas-templates';
const ELSEWHERE = '/var/lib/postgresql/daas-clusters';
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * What DocumentDB needs loaded at start, pg_cron's database (DocumentDB schedules its jobs there), and
 * how DocumentDB connects back to its own server (dropDatabase): by default `localhost`, a TCP port we
 * do not open, so through the socket folder instead.
 */
function settings(run: string, durable: boolean): string[] {
  return [
    // A throwaway cluster (tests, benchmarks) skips fsync: a commit still reaches the kernel before it is
    // acknowledged, so a kill -9 of PostgreSQL loses nothing; only a crash of the machine could.
    ...(durable ? [] : ['fsync=off']),
    'shared_preload_libraries=pg_cron,pg_documentdb_core,pg_documentdb',
    'cron.database_name=postgres',
    'listen_addresses=', // no TCP: FerretDB comes in through the socket
    'port=5432',
    `unix_socket_directories=${run}`,
    `documentdb.localhost_connection_string=host='${run}'`,
    // pg_cron runs DocumentDB's index builds (createIndexes on a collection with data waits for them); by
    // default each job connects like a client, to the host its row names ('localhost', a TCP port we do
    // not open): background workers need no connection. One log line per job run is noise.
    'cron.use_background_workers=on',
    'max_worker_processes=32',
    'cron.log_run=off',
    'cron.log_statement=off',
    'max_connections=200',
    // A RUM index build (every DocumentDB index) collects its entries in this much memory before each
    // merge into the index: the 64 MB default makes building over a million documents many times slower.
    // Only index builds and vacuum take it.
    'maintenance_work_mem=256MB',
  ];
}

export interface Postgres {
  /** for FerretDB's --postgresql-url: the socket folder, user postgres, database postgres */
  url: string;
  process: ChildProcess;
  /** kill -9 of the postmaster and every backend (a crash: the next start replays the WAL) */
  kill: () => Promise<void>;
  /** fast shutdown (SIGINT), kill -9 after 30 s */
  stop: () => Promise<void>;
}

export interface PostgresOptions {
  dataDir: string;
  /** PostgreSQL's own log; default `<dataDir>/postgres.log` */
  logFile?: string;
  /** false: no fsync (a throwaway cluster); default true */
  durable?: boolean;
  signal?: AbortSignal;
}

interface PgUser {
  uid: number;
  gid: number;
}

let pgUser: PgUser | null = null;
function postgresUser(): PgUser {
  if (pgUser) return pgUser;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no `postgres` user: run `npm run setup` (it installs PostgreSQL 15)');
  const f = line.split(':');
  pgUser = { uid: Number(f[2]), gid: Number(f[3]) };
  return pgUser;
}

/** Runs a PostgreSQL program as the postgres user; throws with its output when it fails. */
function asPostgres(cmd: string, args: string[]): string {
  const { uid, gid } = postgresUser();
  const res = spawnSync(join(PG_BIN, cmd), args, { uid, gid, encoding: 'utf8', cwd: '/' });
  if (res.status !== 0) {
    throw new Error(
      `${cmd} failed (${res.status ?? res.error?.message}): ${res.stderr || res.stdout}`.trim(),
    );
  }
  return res.stdout;
}

/**
 * Where the cluster lives when the data folder sits below a folder the postgres user may not enter (a
 * clone under /root, a mkdtemp folder): in the postgres user's home, one folder per data folder. A note
 * in the data folder names it; without that note (the data folder was deleted to start over) the old
 * cluster there is removed, so deleting the data folder still resets the database.
 */
function clusterElsewhere(dataDir: string, uid: number, gid: number): string {
  const dir = join(ELSEWHERE, createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16));
  const note = join(dataDir, 'postgres-cluster-is-in');
  if (!existsSync(note)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  chownSync(ELSEWHERE, uid, gid);
  chownSync(dir, uid, gid);
  chmodSync(dir, 0o700);
  writeFileSync(note, `${dir}\n`);
  return dir;
}

export async function startPostgres(opts: PostgresOptions): Promise<Postgres> {
  if (!existsSync(join(PG_BIN, 'postgres')) || !existsSync(EXTENSIONS_STAMP)) {
    throw new Error('PostgreSQL 15 with DocumentDB is not installed: run `npm run setup` or set MONGODB_URI');
  }
  const { uid, gid } = postgresUser();
  // the postgres user must reach its folders: a mkdtemp folder is 0700
  chmodSync(opts.dataDir, 0o711);
  const home =
    spawnSync('test', ['-x', opts.dataDir], { uid, gid }).status === 0
      ? opts.dataDir
      : clusterElsewhere(opts.dataDir, uid, gid);
  const pgdata = join(home, 'postgres');
  const run = join(home, 'run');
  mkdirSync(run, { recursive: true });
  chownSync(run, uid, gid);
  if (!existsSync(join(pgdata, 'PG_VERSION'))) await newCluster(pgdata);
  await clearStale(pgdata, run);
  const logFile = opts.logFile ?? join(opts.dataDir, 'postgres.log');
  const spawnIt = () => spawnPostgres(pgdata, run, logFile, opts.durable ?? true, opts.signal);
  let child = spawnIt();
  for (let attempt = 1; ; attempt++) {
    try {
      await whenReady(child, pgdata, logFile, opts.signal);
      break;
    } catch (e) {
      await killGroup(child);
      // right after a kill -9, the old cluster's shared memory may still be attached for a moment (seen
      // in CI under load); postgres refuses to start until it is released, so wait and try again
      if (attempt >= 60 || !/pre-existing shared memory block/.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 500));
      child = spawnIt();
    }
  }
  return {
    url: `postgres://postgres@/postgres?host=${run}`,
    process: child,
    kill: () => killGroup(child),
    stop: () => stopGently(child),
  };
}

function spawnPostgres(
  pgdata: string,
  run: string,
  logFile: string,
  durable: boolean,
  signal?: AbortSignal,
): ChildProcess {
  const { uid, gid } = postgresUser();
  const args = ['-D', pgdata, ...settings(run, durable).flatMap((s) => ['-c', s])];
  const log = openSync(logFile, 'a');
  // its own process group, so a kill -9 reaches every backend at once, as a crash would
  const child = spawn(join(PG_BIN, 'postgres'), args, {
    uid,
    gid,
    cwd: '/',
    detached: true,
    stdio: ['ignore', log, log],
    ...(signal ? { signal, killSignal: 'SIGKILL' as const } : {}),
  });
  child.on('error', () => {});
  return child;
}

/** Ready when postmaster.pid names this process and says "ready" (its last line, PM_STATUS_READY). */
async function whenReady(
  child: ChildProcess,
  pgdata: string,
  logFile: string,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      let tail = '';
      try {
        tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
      } catch {}
      throw new Error(
        `PostgreSQL exited (${child.exitCode ?? child.signalCode}) before it was ready; ${logFile}:\n${tail}`,
      );
    }
    if (signal?.aborted) throw new Error('PostgreSQL start abandoned');
    if (Date.now() > deadline)
      throw new Error(`PostgreSQL was not ready within ${READY_TIMEOUT_MS / 1000} s`);
    try {
      const lines = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').trim().split('\n');
      if (Number(lines[0]) === child.pid && lines.at(-1)?.trim() === 'ready') return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A postmaster.pid left behind: by a kill -9 (its process is gone; PostgreSQL could mistake a reused pid
 * for a live server, so the file goes), or by a server still running on these files whose parent was
 * killed (an orphan of a `pnpm start` killed -9): that one is shut down first.
 */
async function clearStale(pgdata: string, run: string): Promise<void> {
  let pid = 0;
  try {
    pid = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  let ours = false;
  try {
    ours = readlinkSync(`/proc/${pid}/cwd`) === pgdata;
  } catch {}
  if (ours) {
    process.kill(pid, 'SIGINT'); // fast shutdown
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }
  // Backends of a killed postmaster (its process group) notice its death within moments; a new postmaster
  // refuses to start while they hold the old shared memory. (Only a group of postgres processes: the pid
  // may have been reused by now.)
  const deadline = Date.now() + 5000;
  while (postgresGroup(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (postgresGroup(pid)) signalGroup(pid, 'SIGKILL');
  while (postgresGroup(pid)) await new Promise((r) => setTimeout(r, 50));
  rmSync(join(pgdata, 'postmaster.pid'), { force: true });
  for (const f of ['.s.PGSQL.5432', '.s.PGSQL.5432.lock']) rmSync(join(run, f), { force: true });
}

async function killGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null;
  const gone = exited ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  signalGroup(pid, 'SIGKILL');
  await gone;
  // backends of the group outlive the postmaster by a moment; a new postmaster refuses to start while
  // they hold the old shared memory
  while (groupAlive(pid)) await new Promise((r) => setTimeout(r, 20));
}

async function stopGently(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGINT');
  const timer = setTimeout(() => void killGroup(child), STOP_TIMEOUT_MS);
  await gone;
  clearTimeout(timer);
  while (groupAlive(child.pid!)) await new Promise((r) => setTimeout(r, 20));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {}
}

/** Whether process group `pgid` still has members, all of them the postgres user's. */
function postgresGroup(pgid: number): boolean {
  const { uid } = postgresUser();
  let members = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid pgrp …; comm may hold spaces, so count from its closing parenthesis
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      if (statSync(`/proc/${entry}`).uid !== uid) return false;
      members++;
    } catch {}
  }
  return members > 0;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A new cluster: a copy of this machine's template (made here if missing) owned by the postgres user. */
async function newCluster(pgdata: string): Promise<void> {
  const stamp = readFileSync(EXTENSIONS_STAMP, 'utf8');
  const key = createHash('sha256').update(stamp).digest('hex').slice(0, 12);
  const template = join(TEMPLATES, key);
  if (!existsSync(join(template, 'PG_VERSION'))) await makeTemplate(template);
  rmSync(pgdata, { recursive: true, force: true });
  execFileSync('cp', ['-a', template, pgdata]);
}

/** initdb, start, `CREATE EXTENSION documentdb CASCADE`, clean stop; then moved into place at once. */
async function makeTemplate(template: string): Promise<void> {
  const { uid, gid } = postgresUser();
  const work = `${template}.${process.pid}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  chownSync(work, uid, gid);
  const pgdata = join(work, 'data');
  const run = join(work, 'run');
  mkdirSync(run);
  chownSync(run, uid, gid);
  try {
    asPostgres('initdb', ['-D', pgdata, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    const log = join(work, 'postgres.log');
    const child = spawnPostgres(pgdata, run, log, false);
    try {
      await whenReady(child, pgdata, log);
      asPostgres('psql', [
        '-h',
        run,
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-v',
        'ON_ERROR_STOP=1',
        '-qc',
        'CREATE EXTENSION IF NOT EXISTS documentdb CASCADE',
      ]);
    } finally {
      await stopGently(child);
    }
    rmSync(join(pgdata, 'postmaster.opts'), { force: true });
    try {
      renameSync(pgdata, template);
    } catch (e) {
      // another process made it first: theirs is as good
      if (!existsSync(join(template, 'PG_VERSION'))) throw e;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
