// `pnpm start` keeps the platform up: the real scripts/start.ts runs as a child process (its own data
// folder and free ports); a subgraph, the gateway and the embedded database are each killed with -9 and
// come back on their own, while the rest keeps answering; Ctrl-C (SIGTERM) still stops everything.
// Then the supervisor's rules with real crashing processes: capped doubling backoff, reset once a unit
// has stayed up, and stop() abandoning a restart under way.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { graphql } from '../../scripts/lib/graphql-client.js';
import { freePort } from '../../scripts/lib/ports.js';
import type { ServiceName } from '../../scripts/lib/stack.js';
import { Supervisor } from '../../scripts/lib/supervisor.js';
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
const ports = {} as Record<ServiceName | 'database' | 'https', number>;
let gateway: string;

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 180_000,
  gone: () => string | null = () => null,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    const why = gone();
    if (why) throw new Error(`${why} while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr:\n${err}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `until`, failing at once if start.ts has exited. */
const waitFor = <T>(what: string, probe: () => Promise<T | null | undefined | false>, ms?: number) =>
  until(what, probe, ms, () => (exit ? `start.ts exited (${JSON.stringify(exit)}): ${err}` : null));

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

describe('pnpm start supervises its processes', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'daas-start-'));
    for (const name of [
      'database',
      'gateway',
      'https',
      'rest',
      'partners',
      'products',
      'requests',
      'usage',
    ] as const) {
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
        GATEWAY_HTTPS_PORT: String(ports.https),
        REST_PORT: String(ports.rest),
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
    await waitFor('the platform to be up', async () => out.includes('The platform is up'), 240_000);
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

  it('restarts a killed subgraph while the gateway keeps answering what does not need it', async () => {
    expect(await answers(PRODUCTS)).toBe(true);
    const old = kill9(ports.products);
    // partners and the gateway go on: the viewer needs no products
    const viewer = await ask(VIEWER);
    expect(viewer.errors).toBeUndefined();
    expect(viewer.data).toMatchObject({ viewer: { role: 'OPERATOR', account: { id: 'OA-000-001' } } });
    await waitFor('products listening again', newPidOn(ports.products, old));
    await waitFor('products ready again', () => ready(ports.products));
    await waitFor('products answering through the gateway', () => answers(PRODUCTS));
    expect(err).toMatch(
      /\[products\] exited unexpectedly \(signal SIGKILL\); restarting in 0\.5 s; its log: .*products\.log/,
    );
    await waitFor('the restart said on stderr', async () => /\[products\] restarted/.test(err));
    expect(exit).toBeNull();
  });

  it('serves https with the certificate it made in the data folder, and says how to trust it', async () => {
    const caFile = join(dir, 'tls', 'ca.pem');
    expect(out).toContain(`https://127.0.0.1:${ports.https}/public/v1`);
    expect(out).toContain(`REQUESTS_CA_BUNDLE=${caFile}`);
    const answer = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        `https://localhost:${ports.https}/graphql`,
        {
          method: 'POST',
          ca: readFileSync(caFile),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO.operator}` },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ query: '{ viewer { role } }' }));
    });
    expect(JSON.parse(answer)).toEqual({ data: { viewer: { role: 'OPERATOR' } } });
  });

  it('restarts a killed gateway', async () => {
    const old = kill9(ports.gateway);
    await waitFor('the gateway listening again', newPidOn(ports.gateway, old));
    await waitFor('queries through the new gateway', () => answers(VIEWER));
    expect(err).toMatch(/\[gateway\] exited unexpectedly \(signal SIGKILL\)/);
    expect(exit).toBeNull();
  });

  it('restarts the embedded database on the same port and files; the services reconnect', async () => {
    expect(await answers(TOKENS)).toBe(true);
    const old = kill9(ports.database);
    await waitFor('the database listening again', newPidOn(ports.database, old));
    // the demo token written before the crash still works: same files
    await waitFor('reads from the database through the gateway', () => answers(TOKENS));
    await waitFor('partners ready again', () => ready(ports.partners));
    expect(err).toMatch(
      /\[database\] exited unexpectedly \(signal SIGKILL\); restarting in 0\.5 s; its log: .*ferretdb\.log/,
    );
    await waitFor('the restart said on stderr', async () => /\[database\] restarted/.test(err));
    expect(exit).toBeNull();
  });

  it('stops everything on SIGTERM, as on Ctrl-C', async () => {
    const pids = Object.values(ports).map((port) => pidListeningOn(port));
    expect(pids.every((p) => p !== null)).toBe(true);
    start.kill('SIGTERM');
    await until('start.ts to exit', async () => exit, 60_000);
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

describe('Supervisor', () => {
  /** A unit whose process exits with code 3 at once for its first `crashes` starts, then stays up. */
  function flaky(supervisor: Supervisor, crashes: number) {
    const unit = { starts: 0, child: null as ChildProcess | null };
    const run = async () => {
      const script = unit.starts++ < crashes ? 'process.exit(3)' : 'setInterval(() => {}, 1000)';
      const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
      child.on('exit', (code, signal) => supervisor.exited('flaky', code, signal));
      unit.child = child;
      await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
    };
    return { unit, run };
  }

  const up = (lines: string[]) => async () => lines.some((l) => l.includes('restarted'));

  it('restarts a unit that keeps crashing with doubling delays up to the cap, and says so', async () => {
    const lines: string[] = [];
    const supervisor = new Supervisor({
      firstDelayMs: 20,
      maxDelayMs: 80,
      stableMs: 600_000,
      say: (l) => lines.push(l),
    });
    const { unit, run } = flaky(supervisor, 6);
    await run();
    supervisor.watch({ name: 'flaky', logFile: '/var/log/flaky.log', start: run });
    try {
      await until(
        'the seventh start',
        async () => unit.starts === 7 && lines.at(-1)?.includes('restarted'),
        60_000,
      );
      const crashes = lines.filter((l) => l.includes('exited'));
      expect(crashes.map((l) => /restarting in (\d+ m?s)/.exec(l)?.[1])).toEqual([
        '20 ms',
        '40 ms',
        '80 ms',
        '80 ms',
        '80 ms',
        '80 ms',
      ]);
      expect(crashes[0]).toBe(
        '[flaky] exited unexpectedly (code 3); restarting in 20 ms; its log: /var/log/flaky.log',
      );
      expect(crashes[1]).toContain('2 times in a row; restarting in 40 ms');
      expect(crashes[5]).toContain(
        '6 times in a row: it keeps crashing, retried every 80 ms until it stays up',
      );
      expect(lines.at(-1)).toBe('[flaky] restarted; up again');
    } finally {
      await supervisor.stop();
      unit.child?.kill('SIGKILL');
    }
  });

  it('counts from the first delay again once a unit has stayed up', async () => {
    const lines: string[] = [];
    const supervisor = new Supervisor({
      firstDelayMs: 20,
      maxDelayMs: 80,
      stableMs: 500,
      say: (l) => lines.push(l),
    });
    const { unit, run } = flaky(supervisor, 2);
    await run();
    supervisor.watch({ name: 'flaky', start: run });
    try {
      await until(
        'the third start',
        async () => unit.starts === 3 && lines.at(-1)?.includes('restarted'),
        60_000,
      );
      const upAt = Date.now();
      await until('it to have been up past stableMs', async () => Date.now() - upAt > 600);
      lines.length = 0;
      unit.child!.kill('SIGKILL');
      await until('a restart', up(lines), 60_000);
      expect(lines[0]).toBe('[flaky] exited unexpectedly (signal SIGKILL); restarting in 20 ms');
    } finally {
      await supervisor.stop();
      unit.child?.kill('SIGKILL');
    }
  });

  it('stop() abandons a restart under way and makes no more', async () => {
    const lines: string[] = [];
    const supervisor = new Supervisor({ firstDelayMs: 20, say: (l) => lines.push(l) });
    let starting: ChildProcess | null = null;
    let starts = 0;
    supervisor.watch({
      name: 'slow',
      // never ready: it waits for an abort, then kills what it spawned
      start: (signal) =>
        new Promise<void>((_resolve, reject) => {
          starts++;
          starting = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
          signal.addEventListener('abort', () => {
            starting?.kill('SIGKILL');
            reject(new Error('abandoned'));
          });
        }),
    });
    supervisor.exited('slow', 1, null);
    await until('a restart under way', async () => starting !== null, 30_000);
    await supervisor.stop();
    await until(
      'the starting process to be gone',
      async () => starting!.exitCode !== null || starting!.signalCode !== null,
      30_000,
    );
    supervisor.exited('slow', 1, null); // ignored now
    expect(starts).toBe(1);
    expect(lines).toEqual(['[slow] exited unexpectedly (code 1); restarting in 20 ms']);
  });
});
