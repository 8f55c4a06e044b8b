// Start-up behaviour: bad configuration stops a service with a message naming the variable; an
// unreachable database keeps the service up with /ready false and a clear log, not a crash loop.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { freePort } from '../../scripts/lib/ports.js';
import { entryPoint } from '../../scripts/lib/stack.js';

function run(env: Record<string, string>, until: (out: string) => boolean, timeoutMs = 20_000) {
  return new Promise<{ code: number | null; out: string; kill: () => void }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entryPoint('products')], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let done = false;
    const finish = (code: number | null) => {
      if (done) return;
      done = true;
      resolve({ code, out, kill: () => child.kill('SIGKILL') });
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      if (until(out)) finish(null);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => finish(code));
    setTimeout(() => finish(null), timeoutMs).unref();
  });
}

describe('start-up', () => {
  it('stops with a message naming each bad variable', async () => {
    const r = await run(
      { MONGODB_URI: 'mongodb://127.0.0.1:1/', PORT: 'abc', FEED_PARTITIONS: '0' },
      () => false,
    );
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/Invalid configuration/);
    expect(r.out).toMatch(/PORT: .*got "abc"/);
    expect(r.out).toMatch(/FEED_PARTITIONS/);
    expect(r.out).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('refuses a missing MONGODB_URI with a hint', async () => {
    const r = await run({ MONGODB_URI: '' }, () => false);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/MONGODB_URI/);
  });

  it('stays up with /ready false while the database is unreachable', async () => {
    const port = await freePort();
    const dead = await freePort(); // nothing listens there
    const r = await run(
      { MONGODB_URI: `mongodb://127.0.0.1:${dead}/`, PORT: String(port), LOG_LEVEL: 'info' },
      (out) => out.includes('database unreachable'),
    );
    try {
      expect(r.code).toBeNull(); // still running
      expect(r.out).toMatch(/database unreachable, retrying/);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ready: false, database: false });
    } finally {
      r.kill();
    }
  });
});
