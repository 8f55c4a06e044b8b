// Faults under the extensions service's moving parts (docs/extensions.md), on a database of the test's
// own: the database restarted (kill -9, then started on the same files) while purchases arrive and a
// runner answers, and a runner whose connection stalls with its socket still open. Tasks are made once
// each and delivered; a stalled runner holds up nobody, and the task it held goes to another runner once
// its lease has run out (before the fix it went back to the stalled connection, again and again).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { EaasRunner } from '../support/eaas-runner.js';
import { ExtensionsApi, type TaskView } from '../support/extensions-api.js';
import {
  type PrivateDatabase,
  privateDatabase,
  type SwitchableProxy,
  switchableProxy,
} from '../support/faults.js';
import { type BuiltProduct, OrdersApi } from '../support/orders.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const LEASE_SECONDS = 15;
let db: PrivateDatabase;
let t: TestStack;
let orders: OrdersApi;
let ext: ExtensionsApi;
let product: BuiltProduct;
let environment: string;
const proxies: SwitchableProxy[] = [];
const runners: EaasRunner[] = [];
const V = DEMO.vendor;
const D = DEMO.distributor;
const US = 'MP-20001';

beforeAll(async () => {
  db = await privateDatabase();
  t = await startTestStack({
    seed: true,
    mongoUri: db.uri,
    readyTimeoutMs: 600_000,
    serviceEnv: { extensions: { EXTENSIONS_TASK_LEASE_SECONDS: String(LEASE_SECONDS) } },
  });
  orders = new OrdersApi(t);
  ext = new ExtensionsApi(t);
  const contracts = await orders.ok<{ contracts: { edges: { node: { id: string } }[] } }>(
    V,
    `{ contracts(filter: { type: DISTRIBUTION, status: ACTIVE, marketplace: "${US}" }) { edges { node { id } } } }`,
  );
  product = await orders.product(V, {
    name: 'Acme Faults',
    hold: false,
    listOn: { contract: contracts.contracts.edges[0]!.node.id, distributor: D },
  });
  environment = (await ext.extension(V, 'Faults test', 'SU-000-000-002')).dev;
}, 900_000);

afterAll(async () => {
  for (const r of runners) r.close();
  await Promise.all(proxies.map((p) => p.close()));
  await t?.stop();
  await db?.stop();
});

const serviceUrl = () => t.stack.urlOf('extensions').replace(/\/graphql$/, '');

async function runner(instance: string, url = serviceUrl()): Promise<EaasRunner> {
  const r = await EaasRunner.connect({
    serviceUrl: url,
    environment,
    instance,
    authorization: `ApiKey ${V}`,
  });
  if ('refused' in r) throw new Error(`refused ${r.refused}`);
  runners.push(r);
  return r;
}

/** A runner that answers success to every task at once. */
async function answering(instance: string): Promise<EaasRunner> {
  const r = await runner(instance);
  r.onTask = (task) => r.answer(task, { result: 'success' });
  return r;
}

async function purchase(name: string): Promise<string> {
  const customer = await orders.tierAccount(D, 'CUSTOMER', `Faults ${name}`);
  const { request } = await orders.purchase(D, {
    product: product.id,
    marketplace: US,
    items: [{ item: product.users, quantity: '1' }],
    params: [{ name: 'tenant_name', value: `faults${name}` }],
    tiers: { customer },
  });
  return request.id;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tasksWhen(what: string, ok: (tasks: TaskView[]) => boolean, ms = 300_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const tasks = await ext.tasks(V, { extensionEnvironment: environment }).catch(() => null);
    if (tasks && ok(tasks)) return tasks;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(tasks)}`);
    await sleep(500);
  }
}

const doneFor = (tasks: TaskView[], id: string) =>
  tasks.some((x) => x.objectId === id && x.status === 'DONE');

it('the database restarted while purchases arrive: one task per purchase, each delivered and done', async () => {
  const steady = await answering('steady');
  const placed: string[] = [];
  let placing = true;
  // purchases keep arriving; those refused during the outage are simply not placed (none half-placed
  // counts: the check below is per placed purchase, plus no object with two tasks)
  const arriving = (async () => {
    for (let i = 0; placing; i++) {
      try {
        placed.push(await purchase(`db${i}`));
      } catch {
        await sleep(250);
      }
    }
  })();
  const waitPlaced = async (n: number) => {
    const deadline = Date.now() + 300_000;
    while (placed.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${placed.length} purchases placed`);
      await sleep(200);
    }
  };
  await waitPlaced(2);
  await db.restart(2000);
  const atRestart = placed.length;
  await waitPlaced(atRestart + 3);
  placing = false;
  await arriving;

  const tasks = await tasksWhen('every purchase done', (ts) => placed.every((id) => doneFor(ts, id)));
  const objects = tasks.map((x) => x.objectId);
  expect(
    objects.filter((id, i) => objects.indexOf(id) !== i),
    'doubled',
  ).toEqual([]);
  for (const id of placed)
    expect(
      steady.tasks.map((x) => x.objectId),
      `${id} delivered`,
    ).toContain(id);
  steady.close();
}, 900_000);

it('a stalled runner connection holds up no other runner, and its task goes to another after the lease', async () => {
  const proxy = await switchableProxy(t.stack.urlOf('extensions'));
  proxies.push(proxy);
  // the only runner: it gets the first task, then its connection stalls (socket open, nothing read)
  const stalled = await runner('stalled', proxy.url.replace(/\/graphql$/, ''));
  const held = await purchase('stall-1');
  await stalled.task(held);
  proxy.stall();

  const healthy = await answering('healthy');
  const later = [await purchase('stall-2'), await purchase('stall-3')];
  // delivery goes on to the healthy runner while the stalled one still holds its task
  await tasksWhen('the later purchases done', (ts) => later.every((id) => doneFor(ts, id)));
  // the held task comes back after its lease, to the runner that answers
  const tasks = await tasksWhen(
    'the held task done',
    (ts) => doneFor(ts, held),
    (LEASE_SECONDS + 120) * 1000,
  );
  const task = tasks.find((x) => x.objectId === held)!;
  expect(task.attempts).toBeGreaterThanOrEqual(2);
  expect(healthy.tasks.map((x) => x.objectId)).toContain(held);
}, 900_000);
