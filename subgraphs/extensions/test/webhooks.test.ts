// Webhook deliveries in one process against the real database and a real local receiver (an HTTP server
// this test starts): signatures, retries on 500 and on a timeout, the dead letter, replay, the SSRF
// guard, tenancy of production, exactly-once production, two dispatchers sharing the work, and a
// delivery whose sender died (its lease runs out) sent again.
import { randomBytes, randomUUID } from 'node:crypto';
import { createLogger, type Identity, type RunningSubgraph, startSubgraph } from '@daas/kit';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { uniquePrefix } from '../../../tests/support/db.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../../tests/support/webhook-receiver.js';
import type { ExtensionsEnv } from '../src/env.js';
import { claimDelivery, deliveriesOfEvent, replayDelivery } from '../src/flows/deliveries.js';
import { createWebhook, rotateWebhookSecret, updateWebhook } from '../src/flows/webhooks.js';
import type { DeliveryDoc, WebhookDoc } from '../src/models/webhooks.js';
import { extensionsSubgraph } from '../src/server.js';
import { Dispatcher } from '../src/webhooks/dispatcher.js';
import { verifyWebhook } from '../src/webhooks/verify.js';

const V = 'VA-100-001';
const D = 'PA-100-002';
const R = 'PA-100-003';
const V2 = 'VA-100-004';
const as = (accountId: string, role: Identity['role']): Identity => ({ accountId, role });
const vendor = as(V, 'VENDOR');
const EVENT = 'asset_purchase_request_processing';
// a machine shared by many test runs: waits are long, and an attempt's timeout is far above a local answer
vi.setConfig({ testTimeout: 240_000 });

let sub: RunningSubgraph;
let env: ExtensionsEnv;
let rx: WebhookReceiver;
const extra: Dispatcher[] = [];

beforeAll(async () => {
  Object.assign(process.env, {
    WEBHOOKS_ALLOW_PRIVATE: '1',
    WEBHOOKS_MAX_ATTEMPTS: '3',
    WEBHOOKS_RETRY_BASE_MS: '200',
    WEBHOOKS_TIMEOUT_MS: '10000',
    WEBHOOKS_LEASE_MS: '20000',
    WEBHOOKS_DISPATCH_MS: '100',
    // nothing listens there: the follower keeps trying, the tests make deliveries themselves
    SUBGRAPH_URL_REQUESTS: 'http://127.0.0.1:9/graphql',
  });
  rx = await startWebhookReceiver();
  sub = await startSubgraph(
    {
      ...extensionsSubgraph,
      createEnv: (kit) => {
        env = extensionsSubgraph.createEnv(kit);
        return env;
      },
    },
    {
      MONGODB_URI: inject('mongoUri'),
      DB_NAME_PREFIX: uniquePrefix('wh'),
      PORT: '0',
      IDENTITY_KEYS: `test:${randomBytes(24).toString('base64url')}`,
      LOG_LEVEL: 'silent',
      FEED_POLL_MS: '20',
    },
  );
}, 120_000);

// each test's webhooks stop hearing of events once it is done, so the next test counts only its own
afterEach(async () => {
  const active = await env.models.Webhook.find({ active: true }).lean<WebhookDoc[]>();
  for (const w of active) await updateWebhook(env, as('OA-000-001', 'OPERATOR'), w._id, { active: false });
});

afterAll(async () => {
  for (const d of extra) await d.stop();
  await sub?.close();
  await rx?.close();
});

let seq = 0;
/** A webhook of `owner` on the receiver's `path`. */
async function webhook(path: string, owner = vendor, url = `${rx.base}${path}`): Promise<WebhookDoc> {
  return createWebhook(env, owner, { url, eventTypes: [EVENT], active: true });
}

/** A purchase request of V (sold by D) changing status, as the requests feed tells it. */
function event(audience: string[] = [V, D], status = 'PENDING') {
  seq++;
  return {
    eventType: EVENT,
    objectId: `PR-3000-0000-${String(seq).padStart(4, '0')}-001`,
    status,
    previousStatus: 'DRAFT',
    at: new Date().toISOString(),
    audience,
    data: { assetRequest: { id: `PR-3000-0000-${String(seq).padStart(4, '0')}-001`, type: 'PURCHASE' } },
  };
}

const deliveriesOf = (w: WebhookDoc) =>
  env.models.WebhookDelivery.find({ webhook: w._id }).sort({ createdAt: 1 }).lean<DeliveryDoc[]>();

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 200_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const settled = (w: WebhookDoc, n = 1) =>
  until(
    () => deliveriesOf(w),
    (ds) => ds.length === n && ds.every((d) => d.status === 'delivered' || d.status === 'dead_letter'),
    `${n} settled deliveries of ${w._id}`,
  );

describe('delivery', () => {
  it('signs with the Standard Webhooks scheme: the receiver verifies it with the secret', async () => {
    const w = await webhook('/signed');
    expect(w.secret).toMatch(/^whsec_/);
    const e = event();
    expect(await deliveriesOfEvent(env, e)).toBe(1);
    const [d] = await settled(w);
    expect(d!.status).toBe('delivered');
    const [got] = rx.on('/signed');
    expect(got!.headers['webhook-id']).toBe(d!._id);
    const body = verifyWebhook(w.secret, got!.body, got!.headers) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(body.type).toBe(EVENT);
    expect(body.data).toMatchObject({
      status: 'PENDING',
      previousStatus: 'DRAFT',
      assetRequest: { id: e.objectId },
    });
    // another secret, or a changed body, does not verify
    expect(() =>
      verifyWebhook(`whsec_${randomBytes(32).toString('base64')}`, got!.body, got!.headers),
    ).toThrow();
    expect(() => verifyWebhook(w.secret, got!.body.replace('PENDING', 'APPROVED'), got!.headers)).toThrow();
    expect(d!.attempts).toHaveLength(1);
    expect(d!.attempts[0]).toMatchObject({ responseCode: 200, error: null });
  });

  it('after a rotation both secrets verify during the grace period; the new one alone after it', async () => {
    const w = await webhook('/rotated');
    const rotated = await rotateWebhookSecret(env, vendor, w._id);
    expect(rotated.secret).not.toBe(w.secret);
    await deliveriesOfEvent(env, event());
    await settled(w);
    const [got] = rx.on('/rotated');
    verifyWebhook(rotated.secret, got!.body, got!.headers);
    verifyWebhook(w.secret, got!.body, got!.headers);
  });

  it('retries on 500 with the same webhook-id, then delivers; every attempt recorded', async () => {
    rx.script('/flaky', [500, 500, 200]);
    const w = await webhook('/flaky');
    await deliveriesOfEvent(env, event());
    const [d] = await settled(w);
    expect(d!.status).toBe('delivered');
    expect(d!.attempts.map((a) => a.responseCode)).toEqual([500, 500, 200]);
    expect(d!.attempts.every((a) => a.latencyMs >= 0)).toBe(true);
    const got = rx.on('/flaky');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((g) => g.headers['webhook-id']))).toEqual(new Set([d!._id]));
    // the waits double: 200 ms then 400 ms at least
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(200);
    expect(got[2]!.at - got[1]!.at).toBeGreaterThanOrEqual(400);
  });

  it('retries after a timeout (a receiver that never answers)', async () => {
    rx.script('/slow', ['hang', 200]);
    const w = await webhook('/slow');
    await deliveriesOfEvent(env, event());
    const [d] = await settled(w);
    expect(d!.status).toBe('delivered');
    expect(d!.attempts[0]).toMatchObject({
      responseCode: null,
      error: expect.stringMatching(/no answer within/),
    });
    expect(d!.attempts[1]).toMatchObject({ responseCode: 200 });
  });

  it('retries on a refused connection', async () => {
    // a port nobody listens on: connection refused every time, then the dead letter
    const w = await webhook('/x', vendor, 'http://127.0.0.1:9/x');
    await deliveriesOfEvent(env, event());
    const [d] = await settled(w);
    expect(d!.status).toBe('dead_letter');
    expect(d!.attempts.map((a) => a.error)).toEqual(Array(3).fill('connection refused'));
  });

  it('dead letter after the last attempt; replay sends it again with a fresh schedule', async () => {
    rx.script('/down', [500]);
    const w = await webhook('/down');
    await deliveriesOfEvent(env, event());
    const [dead] = await settled(w);
    expect(dead!.status).toBe('dead_letter');
    expect(dead!.attemptCount).toBe(3);
    expect(dead!.attempts.map((a) => a.responseCode)).toEqual([500, 500, 500]);
    // nothing more is sent to a dead letter
    await new Promise((r) => setTimeout(r, 1000));
    expect(rx.on('/down')).toHaveLength(3);
    // another account may not replay it
    await expect(replayDelivery(env, as(V2, 'VENDOR'), dead!._id)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    rx.script('/down', [200]);
    const replayed = await replayDelivery(env, vendor, dead!._id);
    expect(replayed).toMatchObject({ status: 'pending', attemptCount: 0 });
    const [d] = await until(
      () => deliveriesOf(w),
      (ds) => ds[0]?.status === 'delivered',
      'the replayed delivery delivered',
    );
    expect(d!.attempts.map((a) => a.responseCode)).toEqual([500, 500, 500, 200]);
    expect(rx.on('/down').at(-1)!.headers['webhook-id']).toBe(d!._id);
    // a delivered one may be replayed too (the receiver lost it)
    await expect(replayDelivery(env, vendor, d!._id)).resolves.toMatchObject({ status: 'pending' });
  });

  it('a 4xx answer is the receiver’s refusal: dead letter at once', async () => {
    rx.script('/gone', [410]);
    const w = await webhook('/gone');
    await deliveriesOfEvent(env, event());
    const [d] = await settled(w);
    expect(d!.status).toBe('dead_letter');
    expect(d!.attempts.map((a) => a.responseCode)).toEqual([410]);
  });
});

describe('the SSRF guard', () => {
  it('by default refuses loopback and private targets, by address or by name, and sends nothing', async () => {
    env.webhooks.allowPrivate = false;
    try {
      const byAddress = await webhook('/private');
      const byName = await webhook(
        '/private',
        vendor,
        `${rx.base.replace('127.0.0.1', 'localhost')}/private`,
      );
      const byV6 = await webhook('/private', vendor, `http://[::1]:${new URL(rx.base).port}/private`);
      await deliveriesOfEvent(env, event());
      for (const w of [byAddress, byName, byV6]) {
        const [d] = await settled(w);
        expect(d!.status).toBe('dead_letter');
        expect(d!.attempts).toHaveLength(1);
        expect(d!.attempts[0]!.error).toMatch(/^refused: .* private or reserved address/);
      }
      expect(rx.on('/private')).toHaveLength(0);
    } finally {
      env.webhooks.allowPrivate = true;
    }
  });
});

describe('production', () => {
  it('each owner hears only of objects it may see; one delivery per event however often it is told', async () => {
    const mine = await webhook('/tenancy-v');
    const distributor = await webhook('/tenancy-d', as(D, 'DISTRIBUTOR'));
    const reseller = await webhook('/tenancy-r', as(R, 'RESELLER'));
    const otherVendor = await webhook('/tenancy-v2', as(V2, 'VENDOR'));
    const inactive = await webhook('/tenancy-off');
    await updateWebhook(env, vendor, inactive._id, { active: false });
    const otherEvent = await createWebhook(env, vendor, {
      url: `${rx.base}/tenancy-other`,
      eventTypes: ['asset_cancel_request_processing'],
      active: true,
    });
    const e = event([V, D]);
    expect(await deliveriesOfEvent(env, e)).toBe(2);
    expect(await deliveriesOfEvent(env, e)).toBe(0);
    // the same object entering the same status again later is another event
    expect(await deliveriesOfEvent(env, { ...e, at: new Date(Date.now() + 1000).toISOString() })).toBe(2);
    // no status change, no event
    expect(await deliveriesOfEvent(env, { ...e, previousStatus: e.status })).toBe(0);
    // a reseller's sale: the reseller hears of it too
    expect(await deliveriesOfEvent(env, event([V, D, R]))).toBe(3);
    expect((await deliveriesOf(mine)).length).toBe(3);
    expect((await deliveriesOf(distributor)).length).toBe(3);
    expect((await deliveriesOf(reseller)).length).toBe(1);
    for (const w of [otherVendor, inactive, otherEvent]) expect(await deliveriesOf(w)).toEqual([]);
    const d = (await deliveriesOf(distributor))[0]!;
    expect(d._acl).toEqual([D]);
  });
});

describe('durability', () => {
  const replica = (name: string) => {
    const d = new Dispatcher(env, createLogger(name, 'silent'));
    extra.push(d);
    return d;
  };

  beforeAll(async () => {
    // from here on the test runs the dispatchers itself
    await (env.deliverySignals as Dispatcher).stop();
  });

  it('two dispatchers (replicas) share the work: every delivery sent exactly once', async () => {
    const a = replica('webhooks-a');
    const b = replica('webhooks-b');
    const w = await webhook('/shared');
    const n = 30;
    for (let i = 0; i < n; i++) await deliveriesOfEvent(env, event());
    a.start();
    b.start();
    await settled(w, n);
    const ids = rx.on('/shared').map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(n);
    expect(new Set(ids).size).toBe(n);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a delivery claimed by a sender that died is sent again once its lease runs out', async () => {
    const w = await webhook('/orphan');
    expect(await deliveriesOfEvent(env, event())).toBe(1);
    const [d0] = await deliveriesOf(w);
    // the sender that dies: it claims, and never sends or answers
    const claimed = await claimDelivery(env, d0!._id, randomUUID());
    expect(claimed).toMatchObject({ status: 'sending', attemptCount: 1 });
    replica('webhooks-c').start();
    // nobody sends it while the dead sender's lease (20 s) holds
    await new Promise((r) => setTimeout(r, 1500));
    expect(rx.on('/orphan')).toHaveLength(0);
    const [d] = await settled(w);
    expect(d!.status).toBe('delivered');
    expect(rx.on('/orphan')).toHaveLength(1);
    expect(d!.attempts.map((a) => a.error)).toEqual([expect.stringMatching(/interrupted/), null]);
    expect(d!.attemptCount).toBe(2);
  });
});
