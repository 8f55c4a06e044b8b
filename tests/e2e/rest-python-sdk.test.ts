// Connect's stock Python SDK, unmodified (connect-openapi-client from the Python package index, in the
// venv `node scripts/bootstrap.mjs --tests` makes in tools/connect-sdk), drives an order through the
// REST API; the platform's GraphQL API then shows what it did.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { toXlsx } from '../../scripts/lib/usage-files.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { type Orderable, orderableProduct, restBase, usageRows, usageTarget } from '../support/rest.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const PYTHON = join(REPO_ROOT, 'tools', 'connect-sdk', 'bin', 'python');
const SCRIPT = join(REPO_ROOT, 'tests', 'e2e', 'connect-sdk', 'order_flow.py');
const USAGE_SCRIPT = join(REPO_ROOT, 'tests', 'e2e', 'connect-sdk', 'usage_flow.py');
const ITERATE_SCRIPT = join(REPO_ROOT, 'tests', 'e2e', 'connect-sdk', 'iterate.py');

let t: TestStack;
let P: Orderable;

beforeAll(async () => {
  if (!existsSync(PYTHON)) {
    throw new Error('tools/connect-sdk is missing: run `node scripts/bootstrap.mjs --tests` (npm test does)');
  }
  t = await startTestStack({
    seed: true,
    rest: true,
    env: { AUTH_TIMEOUT_MS: '60000' },
    readyTimeoutMs: 400_000, // a loaded two-core machine starts seven processes slowly
  });
  P = await orderableProduct(t, DEMO.distributor, 'MP-20001');
}, 900_000);

afterAll(async () => {
  await t?.stop();
});

function runPython(input: unknown, script = SCRIPT): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`python exited ${code}: ${stderr.slice(-3000)}`));
      resolve(JSON.parse(stdout) as Record<string, unknown>);
    });
    child.stdin.end(JSON.stringify(input));
  });
}

it('the stock SDK lists with R() filters, pages with its own iteration and approves an order', async () => {
  const out = await runPython({
    endpoint: restBase(t),
    vendor: DEMO.vendor,
    distributor: DEMO.distributor,
    marketplace: 'MP-20001',
    uid: `sdk-${Date.now()}`,
    product: P,
  });
  const created = out.created as { id: string; status: string; asset: string };
  expect(created.status).toBe('pending');

  // what the vendor saw through the SDK is what GraphQL shows it
  const g = await t.queryOk<{
    pending: { totalCount: number; edges: { node: { id: string } }[] };
    all: { totalCount: number; edges: { node: { id: string } }[] };
  }>(
    DEMO.vendor,
    `query($p: ID!) {
      pending: assetRequests(first: 500, filter: { status: PENDING, type: PURCHASE, product: $p }) {
        totalCount edges { node { id } } }
      all: assetRequests(first: 500) { totalCount edges { node { id } } } }`,
    { p: P.id },
  );
  // the listing happened before the approval: the request was pending then, and is approved now
  const pendingThen = [created.id, ...g.pending.edges.map((e) => e.node.id)];
  expect(out.pending_ids).toEqual(pendingThen);
  expect(out.pending_count).toBe(pendingThen.length);
  expect(out.pending_first).toBe(created.id);
  expect(out.iterated_ids).toEqual(g.all.edges.map((e) => e.node.id));
  expect(out.all_count).toBe(g.all.totalCount);
  expect((out.iterated_ids as string[]).length).toBeGreaterThan(1);

  expect(out.inquired).toBe('inquiring');
  expect(out.answered).toBe('pending');
  expect(out.buyer_approve).toMatchObject({ status: 403, code: expect.any(String) });
  expect(out.approved).toEqual({ status: 'approved', template: { id: P.template } });
  expect(out.asset_status).toBe('active');
  expect(out.exists).toBe(false);

  const after = await t.queryOk<{
    assetRequest: { status: string; template: { id: string }; params: { name: string; value: string }[] };
    asset: { status: string; activatedAt: string | null };
  }>(
    DEMO.vendor,
    `query($r: ID!, $a: ID!) { assetRequest(id: $r) { status template { id } params { name value } }
      asset(id: $a) { status activatedAt } }`,
    { r: created.id, a: created.asset },
  );
  expect(after.assetRequest).toMatchObject({ status: 'APPROVED', template: { id: P.template } });
  expect(after.asset.status).toBe('ACTIVE');
  expect(after.asset.activatedAt).not.toBeNull();
  for (const p of [...P.ordering, ...P.fulfillment]) {
    expect(after.assetRequest.params.find((x) => x.name === p.name)?.value).toBe(p.value);
  }
}, 240_000);

it('the stock SDK reports usage: template, create, upload XLSX as usage_file, submit, accept, close', async () => {
  const u = await usageTarget(t, DEMO.vendor, 'MP-20001');
  const xlsx = join(mkdtempSync(join(tmpdir(), 'rest-sdk-')), 'usage.xlsx');
  writeFileSync(xlsx, await toXlsx(usageRows(u, ['sdk-1', 'sdk-2', 'sdk-3'])));
  const out = await runPython(
    {
      endpoint: restBase(t),
      vendor: DEMO.vendor,
      distributor: DEMO.distributor,
      product: u.product,
      contract: u.contract,
      period: u.period,
      name: `SDK usage ${Date.now()}`,
      xlsx,
    },
    USAGE_SCRIPT,
  );
  expect(out.template).toEqual({
    status: 200,
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    zip: true,
  });
  const created = out.created as { id: string; status: string };
  expect(created.status).toBe('draft');
  expect(['processing', 'ready']).toContain(out.uploaded);
  expect(out.processed).toEqual({ status: 'ready', records: { valid: 3, invalid: 0, closed: 0 } });
  expect(out.listed).toContain(created.id);
  expect(out.submitted).toBe('pending');
  expect([400, 403]).toContain(out.vendor_accept);
  expect(out.accepted).toBe('accepted');
  expect(out.closed).toBe('closed');
  const g = await t.queryOk<{ usageFile: { status: string; counts: { valid: number; closed: number } } }>(
    DEMO.vendor,
    'query($id: ID!) { usageFile(id: $id) { status counts { valid closed } } }',
    { id: created.id },
  );
  expect(g.usageFile).toEqual({ status: 'CLOSED', counts: { valid: 3, closed: 3 } });
}, 300_000);

it('the stock SDK iterates a 250-item collection over 3 pages, as GraphQL lists it', async () => {
  // the third reseller's customers: no other test here makes any, so the collection is exactly 250
  const token = DEMO.reseller3;
  const count = async () =>
    (
      await t.queryOk<{ tierAccounts: { totalCount: number } }>(
        token,
        '{ tierAccounts(filter: { type: CUSTOMER }) { totalCount } }',
      )
    ).tierAccounts.totalCount;
  const have = await count();
  expect(have).toBeLessThanOrEqual(250);
  const stamp = Date.now();
  for (let i = have; i < 250; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, 250 - i) }, (_, k) =>
        t.queryOk(
          token,
          'mutation($i: CreateTierAccountInput!) { createTierAccount(input: $i) { tierAccount { id } } }',
          {
            i: {
              type: 'CUSTOMER',
              name: `SDK iteration ${stamp} ${i + k}`,
              idempotencyKey: `iter-${stamp}-${i + k}`,
            },
          },
        ),
      ),
    );
  }
  expect(await count()).toBe(250);
  const g = await t.queryOk<{ tierAccounts: { edges: { node: { id: string } }[] } }>(
    token,
    '{ tierAccounts(first: 500, filter: { type: CUSTOMER }) { edges { node { id } } } }',
  );
  const out = (await runPython(
    { endpoint: restBase(t), token, namespace: 'tier', collection: 'accounts', filter: { type: 'customer' } },
    ITERATE_SCRIPT,
  )) as { ids: string[]; count: number; pages: { method: string; limit: number; offset: number }[] };
  expect(out.ids).toEqual(g.tierAccounts.edges.map((e) => e.node.id));
  expect(new Set(out.ids).size).toBe(250);
  expect(out.count).toBe(250);
  expect(out.pages.map((p) => [p.method, p.limit, p.offset])).toEqual([
    ['GET', 100, 0],
    ['GET', 100, 100],
    ['GET', 100, 200],
  ]);
}, 600_000);
