// Connect's stock extension runner end to end (issue 18): the unmodified `cextrun -n` from
// tools/connect-runner runs the example extension (examples/auto-approve-extension, written with
// connect-eaas-core) against the platform as a vendor would: REST over the gateway's https port
// trusting the local CA, the EaaS websocket on the same address. A distributor places a purchase
// through GraphQL; the extension approves it with the template of the environment's TEMPLATE_ID.
// Then: a reschedule (30 s) is delivered again after its countdown; a request that is no longer
// pending is skipped by the runner itself; a runner killed (-9, workers and all) mid-task: the task
// goes to a new runner and is processed once. The extension keeps a journal (AUTO_APPROVE_JOURNAL) of
// what it did, which says how often it ran for each request.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { type Cextrun, startCextrun } from '../support/cextrun.js';
import { ExtensionsApi, type TaskView } from '../support/extensions-api.js';
import { type BuiltProduct, OrdersApi } from '../support/orders.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;
let orders: OrdersApi;
let ext: ExtensionsApi;
let product: BuiltProduct;
let environment: string;
let journal: string;
let runner: Cextrun | null = null;
let runs = 0;
const V = DEMO.vendor; // Acme VA-100-001, token SU-000-000-002
const D = DEMO.distributor;
const US = 'MP-20001';
const LONG = 300_000;

beforeAll(async () => {
  t = await startTestStack({
    seed: true,
    rest: true,
    https: true,
    env: { AUTH_TIMEOUT_MS: '60000' },
    readyTimeoutMs: 600_000,
  });
  orders = new OrdersApi(t);
  ext = new ExtensionsApi(t);
  const contracts = await orders.ok<{ contracts: { edges: { node: { id: string } }[] } }>(
    V,
    `{ contracts(filter: { type: DISTRIBUTION, status: ACTIVE, marketplace: "${US}" }) { edges { node { id } } } }`,
  );
  product = await orders.product(V, {
    name: 'Acme by cextrun',
    hold: false,
    listOn: { contract: contracts.contracts.edges[0]!.node.id, distributor: D },
  });
  const e = await ext.extension(V, 'Auto approve (Python)', 'SU-000-000-002', [
    { name: 'TEMPLATE_ID', value: product.assetTemplate },
  ]);
  environment = e.dev;
  mkdirSync(t.logDir, { recursive: true });
  journal = join(t.logDir, 'auto-approve-journal.jsonl');
}, 1_200_000);

afterAll(async () => {
  await runner?.kill();
  await t?.stop();
});

function startRunner(): Cextrun {
  const instance = `cextrun-${++runs}`;
  const gateway = new URL(t.httpsUrl!).host;
  runner = startCextrun({
    apiKey: `ApiKey ${V}`,
    environment,
    instance,
    apiAddress: gateway,
    serverAddress: gateway, // wss: the gateway hands the upgrade to the extensions service
    caFile: t.caFile!,
    logFile: join(t.logDir, `${instance}.log`),
    env: { AUTO_APPROVE_JOURNAL: journal },
  });
  return runner;
}

interface Entry {
  request: string;
  step: string;
  instance: string;
}
const entries = (request: string): Entry[] =>
  existsSync(journal)
    ? readFileSync(journal, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Entry)
        .filter((e) => e.request === request)
    : [];

async function until<T>(what: string, probe: () => Promise<T | null> | T | null, ms = LONG): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const taskIn = (request: string, statuses: string[]) =>
  until<TaskView>(`the task of ${request} in ${statuses.join('/')}`, async () => {
    const [task] = await ext.tasks(V, { object: request });
    return task && statuses.includes(task.status) ? task : null;
  });

async function purchase(tenant: string): Promise<string> {
  const customer = await orders.tierAccount(D, 'CUSTOMER', `Customer ${tenant}`);
  const { request } = await orders.purchase(D, {
    product: product.id,
    marketplace: US,
    items: [{ item: product.users, quantity: '2' }],
    params: [{ name: 'tenant_name', value: tenant }],
    tiers: { customer },
  });
  expect(request.status).toBe('PENDING');
  return request.id;
}

async function requestOf(id: string) {
  const d = await t.queryOk<{
    assetRequest: {
      status: string;
      template: { id: string } | null;
      params: { name: string; value: string }[];
    };
  }>(V, 'query($id: ID!) { assetRequest(id: $id) { status template { id } params { name value } } }', { id });
  return d.assetRequest;
}

describe('the stock runner (cextrun -n) with a connect-eaas-core extension', () => {
  it('approves a purchase with the template of TEMPLATE_ID: the task is DONE', async () => {
    startRunner();
    // tasks are made for what the environment is subscribed to when a request changes: the runner
    // subscribes it when it connects (its setup_request), as on Connect
    await until('the runner to connect and declare its events', async () =>
      (await ext.environment(V, environment)).extensionEnvironment.runnerVersion === '43.1' ? true : null,
    );
    const pr = await purchase('first');
    const task = await taskIn(pr, ['DONE', 'FAILED', 'SKIPPED']);
    expect(task).toMatchObject({
      status: 'DONE',
      attempts: 1,
      eventType: 'asset_purchase_request_processing',
    });
    const request = await requestOf(pr);
    expect(request.status).toBe('APPROVED');
    expect(request.template?.id).toBe(product.assetTemplate);
    expect(request.params).toContainEqual({ name: 'license_key', value: `LK-${pr}` });
    expect(entries(pr).map((e) => e.step)).toEqual(['started', 'approved']);
    // what the runner declared for the example's one handler
    const env = await ext.environment(V, environment);
    expect(env.extensionEnvironment.eventSubscriptions).toEqual([
      { eventType: 'asset_purchase_request_processing', statuses: ['pending'] },
    ]);
  }, 600_000);

  it('a reschedule (countdown 30 s) is delivered again after it, then approved', async () => {
    const pr = await purchase('later please');
    await taskIn(pr, ['RESCHEDULED']);
    const task = await taskIn(pr, ['DONE', 'FAILED', 'SKIPPED']);
    expect(task).toMatchObject({ status: 'DONE', attempts: 2 });
    expect(entries(pr).map((e) => e.step)).toEqual(['started', 'rescheduled', 'started', 'approved']);
    expect((await requestOf(pr)).status).toBe('APPROVED');
  }, 600_000);

  it('a request no longer pending when its task is delivered: the runner answers skip', async () => {
    await runner!.kill(); // no runner: the task waits
    const pr = await purchase('approved by hand');
    await taskIn(pr, ['PENDING']);
    await orders.request(V, 'updateAssetRequestParams', {
      assetRequest: pr,
      params: [{ name: 'license_key', value: 'LK-by-hand' }],
    });
    await orders.request(V, 'approveAssetRequest', { assetRequest: pr, template: product.assetTemplate });
    startRunner();
    const task = await taskIn(pr, ['DONE', 'FAILED', 'SKIPPED']);
    expect(task.status).toBe('SKIPPED');
    expect(task.message).toContain('does not match the supported statuses: pending');
    expect(entries(pr)).toEqual([]); // the runner did not call the extension
  }, 600_000);

  it('the runner killed mid-task (kill -9): a new runner gets the task, processed once', async () => {
    const held = runner ?? startRunner();
    const heldBy = `cextrun-${runs}`;
    const pr = await purchase('hold on');
    await until('the extension to hold the request', () =>
      entries(pr).some((e) => e.step === 'started') ? true : null,
    );
    expect((await taskIn(pr, ['PROCESSING'])).attempts).toBe(1);
    await held.kill();
    startRunner();
    const task = await taskIn(pr, ['DONE', 'FAILED', 'SKIPPED']);
    expect(task).toMatchObject({ status: 'DONE', attempts: 2 });
    expect(entries(pr)).toEqual([
      { request: pr, step: 'started', instance: heldBy },
      { request: pr, step: 'started', instance: `cextrun-${runs}` },
      { request: pr, step: 'approved', instance: `cextrun-${runs}` },
    ]);
    const request = await requestOf(pr);
    expect(request.status).toBe('APPROVED');
    expect(request.template?.id).toBe(product.assetTemplate);
  }, 600_000);
});
