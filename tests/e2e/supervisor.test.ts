// `pnpm start` keeps the platform up: the real scripts/start.ts runs as a child process (its own data
// folder and free ports); a subgraph, the gateway and the embedded database are each killed with -9 and
// come back on their own, while the rest keeps answering; Ctrl-C (SIGTERM) still stops everything.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { graphql } from '../../scripts/lib/graphql-client.js';
import { freePort } from '../../scripts/lib/ports.js';
import type { ServiceName } from '../../scripts/lib/stack.js';
import { seedAccounts } from '../../scripts/seed/accounts.js';
import { seedContext } from '../../scripts/seed/context.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { pidListeningOn } from '../support/faults.js';

const VIEWER = '{ viewer { role account { id name } } }'; // partners only
const PRODUCTS = '{ products(first: 1) { edges { node { id } } } }'; // products
const TOKENS = '{ apiTokens(first: 1) { edges { node { id } } } }'; // partners, read from the database

let dir: string;
let start: ChildProcess;
let out = '';
let err = '';
let exit: { code: number | null; signal: string | null } | null = null;
const ports = {} as Record<ServiceName | 'database', number>;
let gateway: string;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 180_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (exit) throw new Error(`start.ts exited (${JSON.stringify(exit)}) while waiting for ${what}:\n${err}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr:\n${err}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const ask = (query: string) => graphql(gateway, query, {}, { token: DEMO.operator });
const answers = async (query: string) => {
  const r = await ask(query);
  return !r.errors?.length && !!r.data;
};
const ready = async (port: number) => (await fetch(`http://127.0.0.1:${port}/ready`)).ok;

/** SIGKILL the process on `port`; resolves with its pid once another (or none) listens there. */
function kill9(port: number): number {
  const pid = pidListeningOn(port);
  if (!pid) throw new Error(`nothing listens on ${port}`);
  process.kill(pid, 'SIGKILL');
  return pid;
}

const newPidOn = (port: number, old: number) => async () => {
  const pid = pidListeningOn(port);
  return pid !== null && pid !== old ? pid : null;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'daas-start-'));
  for (const name of ['database', 'gateway', 'partners', 'products', 'requests', 'usage'] as const) {
    ports[name] = await freePort();
  }
  gateway = `http://127.0.0.1:${ports.gateway}/graphql`;
  start = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'start.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATA_DIR: dir,
      SEED_DEMO: 'false',
      FERRETDB_PORT: String(ports.database),
      GATEWAY_PORT: String(ports.gateway),
      PARTNERS_PORT: String(ports.partners),
      PRODUCTS_PORT: String(ports.products),
      REQUESTS_PORT: String(ports.requests),
      USAGE_PORT: String(ports.usage),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  start.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  start.on('exit', (code, signal) => {
    exit = { code, signal };
  });
  await until('the platform to be up', async () => out.includes('The platform is up'), 240_000);
  // the demo accounts and tokens only (written directly, as the demo seed does first)
  await seedAccounts(
    seedContext({
      mongoUri: `mongodb://127.0.0.1:${ports.database}/`,
      dbPrefix: '',
      gatewayUrl: gateway,
      partitions: 1,
      progress: () => {},
    }),
  );
}, 300_000);

afterAll(async () => {
  if (start && !exit) start.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('pnpm start supervises its processes', () => {
  it('restarts a killed subgraph while the gateway keeps answering what does not need it', async () => {
    expect(await answers(PRODUCTS)).toBe(true);
    const old = kill9(ports.products);
    // partners and the gateway go on: the viewer needs no products
    const viewer = await ask(VIEWER);
    expect(viewer.errors).toBeUndefined();
    expect(viewer.data).toMatchObject({ viewer: { role: 'OPERATOR', account: { id: 'OA-000-001' } } });
    await until('products listening again', newPidOn(ports.products, old));
    await until('products ready again', () => ready(ports.products));
    await until('products answering through the gateway', () => answers(PRODUCTS));
    expect(err).toMatch(
      /\[products\] exited unexpectedly \(signal SIGKILL\); restarting in 0\.5 s; its log: .*products\.log/,
    );
    expect(err).toMatch(/\[products\] restarted/);
    expect(exit).toBeNull();
  });

  it('restarts a killed gateway', async () => {
    const old = kill9(ports.gateway);
    await until('the gateway listening again', newPidOn(ports.gateway, old));
    await until('queries through the new gateway', () => answers(VIEWER));
    expect(err).toMatch(/\[gateway\] exited unexpectedly \(signal SIGKILL\)/);
    expect(exit).toBeNull();
  });

  it('restarts the embedded database on the same port and files; the services reconnect', async () => {
    expect(await answers(TOKENS)).toBe(true);
    const old = kill9(ports.database);
    await until('the database listening again', newPidOn(ports.database, old));
    // the demo token written before the crash still works: same files
    await until('reads from the database through the gateway', () => answers(TOKENS));
    await until('partners ready again', () => ready(ports.partners));
    expect(err).toMatch(
      /\[database\] exited unexpectedly \(signal SIGKILL\); restarting in 0\.5 s; its log: .*ferretdb\.log/,
    );
    expect(err).toMatch(/\[database\] restarted/);
    expect(exit).toBeNull();
  });

  it('stops everything on SIGTERM, as on Ctrl-C', async () => {
    const pids = Object.values(ports).map((port) => pidListeningOn(port));
    expect(pids.every((p) => p !== null)).toBe(true);
    start.kill('SIGTERM');
    await until('start.ts to exit', async () => exit, 60_000).catch(() => {});
    expect(exit).toEqual({ code: 0, signal: null });
    for (const pid of pids) expect(alive(pid!)).toBe(false);
    expect(out).toMatch(/stopped/);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
