// Extensions end to end with every service running: a vendor's extension and its environment token,
// a runner speaking Connect's EaaS protocol (tests/support/eaas-runner.ts) on the extensions service's
// websocket, tasks made from the requests feed when a purchase becomes PENDING, and every answer a
// runner can give: success, fail, skip, reschedule (≥ 30 s), retry (with backoff), a runner that
// disconnects mid-task (redelivered to another instance). Tenancy of environments and tasks.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { EaasRunner } from '../support/eaas-runner.js';
import { ExtensionsApi, TASK_CHANGES } from '../support/extensions-api.js';
import { type BuiltProduct, OrdersApi } from '../support/orders.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { Subscriber } from '../support/subscriber.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: the runner's own placeholders
const RUNNER_FILTER = 'and(eq(id,${_object_id_}),in(status,${_statuses_}))';
let t: TestStack;
let orders: OrdersApi;
let ext: ExtensionsApi;
let serviceUrl: string;
let product: BuiltProduct;
let environment: string;
let listedOn: string;
const V = DEMO.vendor; // Acme VA-100-001, token SU-000-000-002
const D = DEMO.distributor;
const US = 'MP-20001';
const runners: EaasRunner[] = [];

beforeAll(async () => {
  // a retry is due again after 1 s (doubling), so the retry path is seen without waiting minutes
  t = await startTestStack({
    seed: true,
    serviceEnv: { extensions: { EXTENSIONS_RETRY_BASE_MS: '1000' } },
    readyTimeoutMs: 600_000, // a loaded machine starts processes slowly
  });
  orders = new OrdersApi(t);
  ext = new ExtensionsApi(t);
  serviceUrl = t.stack.urlOf('extensions').replace(/\/graphql$/, '');
  const contracts = await orders.ok<{ contracts: { edges: { node: { id: string } }[] } }>(
    V,
    `{ contracts(filter: { type: DISTRIBUTION, status: ACTIVE, marketplace: "${US}" }) { edges { node { id } } } }`,
  );
  listedOn = contracts.contracts.edges[0]!.node.id;
  product = await orders.product(V, {
    name: 'Acme Automated',
    hold: false,
    listOn: { contract: listedOn, distributor: D },
  });
  const e = await ext.extension(V, 'Auto approver', 'SU-000-000-002', [
    { name: 'TEMPLATE_ID', value: product.assetTemplate },
  ]);
  environment = e.dev;
}, 1_200_000);

// a test that fails leaves no runner holding tasks for the next one
afterEach(() => {
  for (const r of runners.splice(0)) r.close();
});

afterAll(async () => {
  await t?.stop();
});

async function runner(
  instance: string,
  authorization = `ApiKey ${V}`,
  subscriptions?: Record<string, string[]>,
) {
  const r = await EaasRunner.connect({
    serviceUrl,
    environment,
    instance,
    authorization,
    ...(subscriptions ? { subscriptions } : {}),
  });
  if ('refused' in r) throw new Error(`refused with ${r.refused}`);
  runners.push(r);
  return r;
}

async function purchase(customerName: string): Promise<string> {
  const customer = await orders.tierAccount(D, 'CUSTOMER', customerName);
  const { request } = await orders.purchase(D, {
    product: product.id,
    marketplace: US,
    items: [{ item: product.users, quantity: '3' }],
    params: [{ name: 'tenant_name', value: customerName }],
    tiers: { customer },
  });
  expect(request.status).toBe('PENDING');
  return request.id;
}

async function taskOf(objectId: string, until: (s: string) => boolean = () => true) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const [task] = await ext.tasks(V, { object: objectId });
    if (task && until(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`no task of ${objectId} (${task?.status ?? 'none'})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the EaaS endpoint', () => {
  it('refuses a runner without a token, with another account’s token, or for an unknown environment', async () => {
    const at = (authorization: string | undefined, env = environment) =>
      EaasRunner.connect({
        serviceUrl,
        environment: env,
        instance: 'intruder',
        ...(authorization ? { authorization } : {}),
      });
    expect(await at(undefined)).toEqual({ refused: 401 });
    expect(await at('ApiKey SU-000-000-002:wrong-secret')).toEqual({ refused: 401 });
    // a valid token of another vendor, and of a distributor
    expect(await at(`ApiKey ${DEMO.vendor2}`)).toEqual({ refused: 403 });
    expect(await at(`ApiKey ${D}`)).toEqual({ refused: 403 });
    expect(await at(`ApiKey ${V}`, 'ENV-000-000-000-01')).toEqual({ refused: 403 });
  });

  it('answers setup_request with the environment’s variables and event definitions (model_type set)', async () => {
    const r = await runner('INST-setup');
    const setup = r.setups[0]!;
    expect(setup.model_type).toBe('setup_response');
    expect(setup.environment_type).toBe('development');
    expect(setup.variables).toEqual([{ name: 'TEMPLATE_ID', value: product.assetTemplate, secure: false }]);
    const defs = setup.event_definitions as Record<string, string>[];
    expect(defs).toContainEqual({
      event_type: 'asset_purchase_request_processing',
      api_collection_endpoint: 'requests',
      api_resource_endpoint: 'requests/{pk}',
      api_collection_filter: RUNNER_FILTER,
    });
    const meta = (setup.logging as { meta: Record<string, unknown> }).meta;
    expect(meta.service_id).toBe(environment.slice(0, -3).replace(/^ENV/, 'SRVC'));
    // what the runner declared is the environment's subscription now
    const env = await ext.environment(V, environment);
    expect(env.extensionEnvironment.eventSubscriptions).toEqual([
      { eventType: 'asset_purchase_request_processing', statuses: ['pending'] },
    ]);
    expect(env.extensionEnvironment.runnerVersion).toBe('ts-test');
    r.close();
  });
});

describe('the EaaS endpoint through the gateway', () => {
  it('the gateway hands the upgrade to the service: refusals as they were, a runner served', async () => {
    const gateway = t.gatewayUrl.replace(/\/graphql$/, '');
    const at = (authorization?: string) =>
      EaasRunner.connect({
        serviceUrl: gateway,
        environment,
        instance: 'INST-via-gateway',
        ...(authorization ? { authorization } : {}),
      });
    expect(await at()).toEqual({ refused: 401 });
    expect(await at(`ApiKey ${DEMO.vendor2}`)).toEqual({ refused: 403 });
    const r = await at(`ApiKey ${V}`);
    if ('refused' in r) throw new Error(`refused with ${r.refused}`);
    runners.push(r);
    expect(r.setups[0]!.model_type).toBe('setup_response');
    const pr = await purchase('Via Gateway');
    const task = await r.task(pr);
    r.answer(task, { result: 'skip', message: 'seen through the gateway' });
    expect(await taskOf(pr, (s) => s === 'SKIPPED')).toMatchObject({ message: 'seen through the gateway' });
    r.close();
  }, 300_000);
});

describe('tasks from purchases', () => {
  it('a PENDING purchase gives one task; the runner approves it and answers success: DONE', async () => {
    const r = await runner('INST-a');
    const changes = new Subscriber<{ extensionTaskChanged: { status: string } }>(
      t.gatewayUrl,
      V,
      TASK_CHANGES,
      {
        f: { extensionEnvironment: environment },
      },
    );
    await Subscriber.ready(changes, 700);
    const pr = await purchase('Auto One');
    const task = await r.task(pr);
    expect(task.eventType).toBe('asset_purchase_request_processing');
    expect(task.category).toBe('background');
    await orders.request(V, 'updateAssetRequestParams', {
      assetRequest: pr,
      params: [{ name: 'license_key', value: 'LK-1' }],
    });
    await orders.request(V, 'approveAssetRequest', { assetRequest: pr, template: product.assetTemplate });
    r.answer(task, { result: 'success' });
    const done = await taskOf(pr, (s) => s === 'DONE');
    expect(done).toMatchObject({ attempts: 1, objectStatus: 'pending', environment: { id: environment } });
    await changes.count(3); // created (PENDING), delivered (PROCESSING), DONE
    expect(changes.events.map((e) => e.data?.extensionTaskChanged.status)).toEqual([
      'PENDING',
      'PROCESSING',
      'DONE',
    ]);
    changes.close();
    // the approval moved the request on: no second task, whatever else happens on the feed
    expect(await ext.tasks(V, { object: pr })).toHaveLength(1);
    r.close();
  }, 300_000);

  it('a runner that disconnects mid-task: the task goes to another instance, processed once', async () => {
    const a = await runner('INST-crashing');
    const pr = await purchase('Auto Two');
    await a.task(pr);
    a.drop();
    const b = await runner('INST-b');
    const again = await b.task(pr);
    b.answer(again, { result: 'success' });
    const done = await taskOf(pr, (s) => s === 'DONE');
    expect(done.attempts).toBe(2);
    expect(a.tasks.filter((x) => x.objectId === pr)).toHaveLength(1);
    expect(b.tasks.filter((x) => x.objectId === pr)).toHaveLength(1);
    b.close();
  }, 300_000);

  it('fail keeps the message; the vendor retries it; the answer to a stale delivery is ignored', async () => {
    const r = await runner('INST-c');
    const pr = await purchase('Auto Three');
    const first = await r.task(pr);
    r.answer(first, { result: 'fail', message: 'vendor system said no' });
    const failed = await taskOf(pr, (s) => s === 'FAILED');
    expect(failed.message).toBe('vendor system said no');
    const seen = r.tasks.length;
    const retried = await ext.taskAction(V, 'retryExtensionTask', failed.id);
    expect(retried.errors).toBeUndefined();
    const second = await r.task(pr, seen);
    // the first delivery's answer again: not this delivery's, so nothing changes
    r.answer(first, { result: 'success' });
    r.answer(second, { result: 'skip', message: 'not pending any more' });
    const skipped = await taskOf(pr, (s) => s === 'SKIPPED');
    expect(skipped).toMatchObject({ attempts: 2, message: 'not pending any more' });
    r.close();
  }, 300_000);

  it('retry is delivered again after its backoff; reschedule not before 30 s', async () => {
    const r = await runner('INST-d');
    const pr = await purchase('Auto Four');
    const first = await r.task(pr);
    r.answer(first, { result: 'retry' });
    const second = await r.task(pr, r.tasks.indexOf(first) + 1);
    expect(second.correlationId).toBe(`${first.taskId}:2`);
    const answeredAt = Date.now();
    r.answer(second, { result: 'reschedule', countdown: 5 }); // below the minimum: 30 s
    const rescheduled = await taskOf(pr, (s) => s === 'RESCHEDULED');
    const due = Date.parse(rescheduled.nextAttemptAt!);
    expect(due - answeredAt).toBeGreaterThanOrEqual(30_000);
    const third = await r.task(pr, r.tasks.indexOf(second) + 1, 180_000);
    expect(third.receivedAt).toBeGreaterThanOrEqual(due);
    r.answer(third, { result: 'success' });
    expect((await taskOf(pr, (s) => s === 'DONE')).attempts).toBe(3);
    r.close();
  }, 300_000);
});

describe('tier configuration requests', () => {
  it('a setup request entering PENDING gives a tier_config_setup task to its vendor', async () => {
    const tiered = await orders.product(V, {
      name: 'Acme Tiered Automated',
      hold: false,
      configsLevel: 1,
      listOn: { contract: listedOn, distributor: D },
    });
    const r = await runner('INST-tiers', `ApiKey ${V}`, {
      asset_purchase_request_processing: ['pending'],
      tier_config_setup_request_processing: ['pending'],
    });
    const customer = await orders.tierAccount(D, 'CUSTOMER', 'Tiered Customer');
    const reseller = await orders.tierAccount(D, 'RESELLER', 'Tiered Reseller');
    const { request } = await orders.purchase(D, {
      product: tiered.id,
      marketplace: US,
      items: [{ item: tiered.users, quantity: '1' }],
      params: [
        { name: 'tenant_name', value: 'tiered' },
        { name: 'reseller_id', value: 'R-T' },
      ],
      tiers: { customer, tier1: reseller },
    });
    const tcr = request.tierConfigRequest!;
    expect(tcr.status).toBe('PENDING');
    const task = await r.task(tcr.id);
    expect(task.eventType).toBe('tier_config_setup_request_processing');
    r.answer(task, { result: 'success' });
    expect(await taskOf(tcr.id, (s) => s === 'DONE')).toMatchObject({ attempts: 1, objectStatus: 'pending' });
    r.close();
  }, 300_000);
});

describe('tenancy', () => {
  it('another vendor sees none of the tasks and may not retry or cancel them; the operator sees them', async () => {
    const mine = await ext.tasks(V, { extensionEnvironment: environment });
    expect(mine.length).toBeGreaterThanOrEqual(5);
    expect(await ext.tasks(DEMO.vendor2, {})).toEqual([]);
    const other = await ext.task(DEMO.vendor2, mine[0]!.id);
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const cancel = await ext.taskAction(DEMO.vendor2, 'cancelExtensionTask', mine[0]!.id);
    expect(cancel.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const byOperator = await ext.tasks(DEMO.operator, { extensionEnvironment: environment });
    expect(byOperator.map((x) => x.id).sort()).toEqual(mine.map((x) => x.id).sort());
    // a distributor may not cancel at all
    const byDistributor = await ext.taskAction(D, 'cancelExtensionTask', mine[0]!.id);
    expect(byDistributor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
