// The EaaS endpoint and the task broker in one process against the real database, without the other
// services: the runner's token is judged by a fixed answer (what the gateway's `viewer` would say), and
// tasks are made through the flow the feed follower uses. Delivery to one instance at a time, every
// answer, redelivery on disconnect, stale answers ignored.
import { randomBytes } from 'node:crypto';
import { type Identity, type RunningSubgraph, startSubgraph } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniquePrefix } from '../../../tests/support/db.js';
import { EaasRunner } from '../../../tests/support/eaas-runner.js';
import type { ExtensionsEnv } from '../src/env.js';
import { createExtension, updateEnvironment } from '../src/flows/extensions.js';
import { tasksOfChange } from '../src/flows/produce.js';
import type { TaskDoc } from '../src/models/index.js';
import { extensionsSubgraph } from '../src/server.js';

const V = 'VA-100-001';
const vendor: Identity = { accountId: V, role: 'VENDOR' };
let sub: RunningSubgraph;
let env: ExtensionsEnv;
let serviceUrl: string;
let environment: string;
const runners: EaasRunner[] = [];

beforeAll(async () => {
  process.env.EXTENSIONS_DISPATCH_MS = '100';
  process.env.EXTENSIONS_RETRY_BASE_MS = '200';
  // nothing listens there: the follower keeps trying, the tests make tasks themselves
  process.env.SUBGRAPH_URL_REQUESTS = 'http://127.0.0.1:9/graphql';
  sub = await startSubgraph(
    {
      ...extensionsSubgraph,
      createEnv: (kit) => {
        env = extensionsSubgraph.createEnv(kit);
        // the gateway's verdict on a token: SU-000-000-002 is the vendor's, SU-000-000-005 another vendor's
        env.runnerAuth = async (authorization) => {
          const m = /^ApiKey (SU-000-000-00[25]):good$/.exec(authorization);
          if (!m) return null;
          const account = m[1] === 'SU-000-000-002' ? V : 'VA-100-002';
          return { account, accountName: 'Vendor', role: 'VENDOR', token: m[1]! };
        };
        return env;
      },
    },
    {
      MONGODB_URI: inject('mongoUri'),
      DB_NAME_PREFIX: uniquePrefix('x'),
      PORT: '0',
      IDENTITY_KEYS: `test:${randomBytes(24).toString('base64url')}`,
      LOG_LEVEL: 'silent',
      FEED_POLL_MS: '20',
    },
  );
  serviceUrl = `http://127.0.0.1:${sub.port}`;
  const ext = await createExtension(env, vendor, 'Broker test');
  environment = ext._id.replace(/^SRVC/, 'ENV') + '-01';
  await updateEnvironment(env, vendor, environment, { apiToken: 'SU-000-000-002' });
}, 120_000);

afterAll(async () => {
  for (const r of runners) r.close();
  await sub?.close();
});

async function runner(instance: string) {
  const r = await EaasRunner.connect({
    serviceUrl,
    environment,
    instance,
    authorization: 'ApiKey SU-000-000-002:good',
  });
  if ('refused' in r) throw new Error(`refused with ${r.refused}`);
  runners.push(r);
  return r;
}

let seq = 0;
/** A purchase entering PENDING, as the requests feed would tell it; returns the request id. */
async function pending(vendorId = V): Promise<string> {
  seq++;
  const objectId = `PR-1000-0000-${String(seq).padStart(4, '0')}-001`;
  await tasksOfChange(env, {
    entity: 'AssetRequest',
    objectId,
    type: 'PURCHASE',
    status: 'PENDING',
    previousStatus: null,
    vendor: vendorId,
    at: new Date().toISOString(),
  });
  return objectId;
}

const taskOf = (objectId: string) => env.models.Task.findOne({ objectId }).lean<TaskDoc>();

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('admission', () => {
  it('401 without a valid token, 403 for another vendor’s token or an unknown environment', async () => {
    const at = (authorization?: string, env2 = environment) =>
      EaasRunner.connect({
        serviceUrl,
        environment: env2,
        instance: 'x',
        ...(authorization ? { authorization } : {}),
      });
    expect(await at()).toEqual({ refused: 401 });
    expect(await at('ApiKey SU-000-000-002:bad')).toEqual({ refused: 401 });
    expect(await at('ApiKey SU-000-000-005:good')).toEqual({ refused: 403 });
    expect(await at('ApiKey SU-000-000-002:good', 'ENV-999-999-999-01')).toEqual({ refused: 403 });
    expect(await at('ApiKey SU-000-000-002:good', 'not-an-environment')).toEqual({ refused: 403 });
  });
});

describe('tasks', () => {
  it('one task per status entry, however often the change is told; none for another vendor', async () => {
    const r = await runner('one');
    const at = new Date().toISOString();
    const change = {
      entity: 'AssetRequest' as const,
      objectId: 'PR-2000-0000-0000-001',
      type: 'PURCHASE',
      status: 'PENDING',
      previousStatus: 'DRAFT',
      vendor: V,
      at,
    };
    expect(await tasksOfChange(env, change)).toBe(1);
    expect(await tasksOfChange(env, change)).toBe(0);
    expect(await tasksOfChange(env, { ...change, vendor: 'VA-100-002' })).toBe(0);
    expect(await tasksOfChange(env, { ...change, status: 'APPROVED', previousStatus: 'PENDING' })).toBe(0);
    expect(await env.models.Task.countDocuments({ objectId: change.objectId })).toBe(1);
    const task = await r.task(change.objectId, 0, 60_000);
    r.answer(task, { result: 'success' });
    await until(
      () => taskOf(change.objectId),
      (t) => t?.status === 'done',
      'done',
    );
    r.close();
  });

  it('a disconnected runner’s task goes to another instance; its late answer is ignored', async () => {
    const a = await runner('a');
    const pr = await pending();
    const first = await a.task(pr, 0, 60_000);
    const b = await runner('b');
    a.drop();
    const second = await b.task(pr, 0, 60_000);
    expect(second.correlationId).toBe(`${first.taskId}:2`);
    b.answer(first, { result: 'success' }); // an answer to the first delivery: ignored
    b.answer(second, { result: 'skip', message: 'no longer pending' });
    const t = await until(
      () => taskOf(pr),
      (x) => x?.status === 'skipped',
      'skipped',
    );
    expect(t).toMatchObject({ attempts: 2, message: 'no longer pending', instance: null });
    b.close();
  });

  it('retry is delivered again after its backoff, then fail ends it with the message', async () => {
    const r = await runner('c');
    const pr = await pending();
    const first = await r.task(pr, 0, 60_000);
    r.answer(first, { result: 'retry' });
    const second = await r.task(pr, r.tasks.indexOf(first) + 1, 60_000);
    r.answer(second, { result: 'fail', message: 'refused by the vendor system' });
    const t = await until(
      () => taskOf(pr),
      (x) => x?.status === 'failed',
      'failed',
    );
    expect(t).toMatchObject({ attempts: 2, message: 'refused by the vendor system' });
    r.close();
  });

  it('reschedule waits at least 30 s', async () => {
    const r = await runner('d');
    const pr = await pending();
    const first = await r.task(pr, 0, 60_000);
    const answeredAt = Date.now();
    r.answer(first, { result: 'reschedule', countdown: 1 });
    const t = await until(
      () => taskOf(pr),
      (x) => x?.status === 'rescheduled',
      'rescheduled',
    );
    expect(t!.nextAttemptAt!.getTime() - answeredAt).toBeGreaterThanOrEqual(30_000);
    const second = await r.task(pr, r.tasks.indexOf(first) + 1, 120_000);
    expect(second.receivedAt).toBeGreaterThanOrEqual(t!.nextAttemptAt!.getTime());
    r.answer(second, { result: 'success' });
    await until(
      () => taskOf(pr),
      (x) => x?.status === 'done',
      'done',
    );
    r.close();
  }, 180_000);

  it('several instances share the work: each task to one of them, each processed once', async () => {
    const rs = await Promise.all(['p1', 'p2', 'p3'].map(runner));
    for (const r of rs) {
      r.onTask = (task) => r.answer(task, { result: 'success' });
    }
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await pending());
    await until(
      () => env.models.Task.countDocuments({ objectId: { $in: ids }, status: 'done' }),
      (n) => n === ids.length,
      'all done',
    );
    const delivered = rs.flatMap((r) => r.tasks.map((t) => t.objectId)).filter((id) => ids.includes(id));
    expect(delivered.sort()).toEqual([...ids].sort());
    for (const r of rs) r.close();
  });
});
