// Task production survives a crash: the extensions service is killed (kill -9) while purchases stream
// in and more are placed while it is down; after its restart every purchase has exactly one task. And
// an expired cursor: the requests feed pruned past the service's stored cursor while it is down; on its
// restart it resyncs from the requests now pending (docs/extensions.md) and still makes each task once.
import { serviceIdentity } from '@daas/kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { EaasRunner } from '../support/eaas-runner.js';
import { ExtensionsApi } from '../support/extensions-api.js';
import { pruneFeedOnceRead, serviceFaults } from '../support/faults.js';
import { type BuiltProduct, OrdersApi } from '../support/orders.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;
let orders: OrdersApi;
let ext: ExtensionsApi;
let product: BuiltProduct;
let environment: string;
const V = DEMO.vendor;
const D = DEMO.distributor;
const US = 'MP-20001';

beforeAll(async () => {
  t = await startTestStack({ seed: true, readyTimeoutMs: 600_000 });
  orders = new OrdersApi(t);
  ext = new ExtensionsApi(t);
  const contracts = await orders.ok<{ contracts: { edges: { node: { id: string } }[] } }>(
    V,
    `{ contracts(filter: { type: DISTRIBUTION, status: ACTIVE, marketplace: "${US}" }) { edges { node { id } } } }`,
  );
  product = await orders.product(V, {
    name: 'Acme Crash',
    hold: false,
    listOn: { contract: contracts.contracts.edges[0]!.node.id, distributor: D },
  });
  environment = (await ext.extension(V, 'Crash test', 'SU-000-000-002')).dev;
  // a runner declares the subscription, then leaves: tasks wait for the next one
  const serviceUrl = t.stack.urlOf('extensions').replace(/\/graphql$/, '');
  const r = await EaasRunner.connect({
    serviceUrl,
    environment,
    instance: 'declare',
    authorization: `ApiKey ${V}`,
  });
  if ('refused' in r) throw new Error(`refused ${r.refused}`);
  r.close();
}, 600_000);

afterAll(async () => {
  await t?.stop();
});

async function purchase(i: number): Promise<string> {
  const customer = await orders.tierAccount(D, 'CUSTOMER', `Crash ${i}`);
  const { request } = await orders.purchase(D, {
    product: product.id,
    marketplace: US,
    items: [{ item: product.users, quantity: '1' }],
    params: [{ name: 'tenant_name', value: `crash${i}` }],
    tiers: { customer },
  });
  return request.id;
}

/** Waits until `last` has its task (the feed is handled in order), then returns the environment's tasks. */
async function tasksThrough(last: string) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const tasks = await ext.tasks(V, { extensionEnvironment: environment });
    if (tasks.some((x) => x.objectId === last)) return tasks;
    if (Date.now() > deadline) throw new Error(`tasks of ${tasks.length} purchases only`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const placed: string[] = [];

it('kill -9 mid-stream, purchases while down, restart: one task per purchase, none lost or doubled', async () => {
  const faults = serviceFaults(t.stack);
  for (let i = 0; i < 3; i++) placed.push(await purchase(i));
  await faults.kill('extensions');
  for (let i = 3; i < 6; i++) placed.push(await purchase(i));
  await faults.restart('extensions');
  for (let i = 6; i < 8; i++) placed.push(await purchase(i));
  // the feed is handled in order: once the last purchase has its task, every earlier one has been seen
  const tasks = await tasksThrough(placed.at(-1)!);
  expect(tasks.map((x) => x.objectId).sort()).toEqual([...placed].sort());
}, 600_000);

it('the feed pruned past its cursor while it is down: the restart resyncs, each purchase has one task', async () => {
  const faults = serviceFaults(t.stack);
  await faults.kill('extensions');
  const whileDown = [await purchase(10), await purchase(11)];
  placed.push(...whileDown);
  // retention drops every event of the requests feed so far: the stored cursor is gone with them
  const reader = {
    serviceUrl: t.stack.urlOf('requests'),
    identity: await t.signer.sign(serviceIdentity('test'), 'test'),
  };
  expect(await pruneFeedOnceRead(t.mongoUri, t.dbPrefix, 'requests', reader)).toBeGreaterThan(0);
  await faults.restart('extensions');
  placed.push(await purchase(12));
  const tasks = await tasksThrough(placed.at(-1)!);
  for (const id of whileDown)
    expect(
      tasks.map((x) => x.objectId),
      `${id} lost`,
    ).toContain(id);
  // the resync saw every pending purchase again, those with tasks included: none doubled
  expect(tasks.map((x) => x.objectId).sort()).toEqual([...placed].sort());
}, 600_000);
