// The analysts' IDE in a real browser (Debian's Chromium through playwright-core): served by the
// gateway, it runs an example query with a demo token and a live subscription, and never asks
// anything of a host other than the gateway.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleTab } from '../../gateway/ide/src/example-file.js';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { launchChromium, newWatch, watchPage } from '../support/browser.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

let t: TestStack;
let browser: Browser;
let page: Page;
const watch = newWatch();

// Seeding the whole demo data set takes a while on a busy machine.
beforeAll(async () => {
  t = await startTestStack({ seed: true });
  browser = await launchChromium();
  page = watchPage(await browser.newPage({ viewport: { width: 1440, height: 900 } }), watch);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function openTab(name: string): Promise<void> {
  await page.locator('.graphiql-tab', { hasText: name }).first().click();
  // GraphiQL 5 re-parses the document after a short debounce; running earlier would use the old one.
  await page.waitForTimeout(1000);
}

async function run(): Promise<void> {
  await page.locator('.graphiql-execute-button').click();
}

// Monaco renders spaces as no-break spaces.
const responseText = async () =>
  ((await page.locator('.graphiql-response').textContent()) ?? '').replace(/\u00a0/g, ' ');

const EXAMPLES = join(REPO_ROOT, 'gateway', 'ide', 'src', 'examples');

/** Runs an example tab as the IDE would (its token, its variables with `overrides`), over HTTP. */
async function runExample<T>(file: string, overrides: Record<string, unknown> = {}): Promise<T> {
  const source = readFileSync(join(EXAMPLES, file), 'utf8');
  const tab = exampleTab(source);
  const token = (JSON.parse(tab.headers) as { Authorization: string }).Authorization.replace(/^Bearer /, '');
  const variables = { ...(tab.variables ? JSON.parse(tab.variables) : {}), ...overrides };
  return t.queryOk<T>(token, source, variables);
}

describe('the IDE', () => {
  it('is what a browser gets on GET /graphql, while API clients still get the API', async () => {
    const html = await fetch(t.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await html.text()).toContain('/ide/assets/');
    const get = await fetch(`${t.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    const noQuery = await fetch(t.gatewayUrl, { headers: { accept: 'application/json' } });
    expect(noQuery.headers.get('content-type')).toContain('application/json');
  });

  it('runs an example query with the demo token of its tab', async () => {
    await page.goto(t.gatewayUrl);
    await page.waitForSelector('.graphiql-container');
    await openTab('WhoAmI');
    await run();
    await expect.poll(responseText, { timeout: 15_000 }).toContain('"name": "Acme Software"');
    expect(await responseText()).toContain('"role": "VENDOR"');
  });

  it('runs a subscription over the websocket and shows an event caused by a mutation', async () => {
    await openTab('WatchContracts');
    await run();
    // The subscription is open once the socket carries it; the change is made only then.
    await expect.poll(() => page.locator('.graphiql-execute-button[aria-label*="Stop"]').count()).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    const { createAgreement } = await t.queryOk<{ createAgreement: { agreement: { id: string } } }>(
      DEMO.distributor,
      'mutation { createAgreement(input: { type: PROGRAM, name: "IDE test program" }) { agreement { id } } }',
    );
    const { createProgramContract } = await t.queryOk<{
      createProgramContract: { contract: { id: string } };
    }>(
      DEMO.distributor,
      'mutation($a: ID!) { createProgramContract(input: { agreement: $a, vendor: "VA-100-003" }) { contract { id } } }',
      { a: createAgreement.agreement.id },
    );
    const id = createProgramContract.contract.id;
    await expect.poll(responseText, { timeout: 15_000 }).toContain(`"id": "${id}"`);
    const text = await responseText();
    expect(text).toContain('"kind": "CREATED"');
    expect(text).toContain('"name": "Stark Storage"');
    expect(watch.foreign).toEqual([]);
  });

  it('shows the schema in the Docs panel and the Explorer', async () => {
    await page.locator('[aria-label="Show Documentation Explorer"]').click();
    const docs = page.locator('.graphiql-doc-explorer');
    await expect.poll(async () => (await docs.textContent()) ?? '', { timeout: 15_000 }).toContain('Query');
    await page.locator('.graphiql-doc-explorer a', { hasText: 'Query' }).first().click();
    await expect.poll(async () => (await docs.textContent()) ?? '').toContain('contracts');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'ide-docs.png') });
    await page.locator('[aria-label="Show GraphiQL Explorer"]').click();
    await expect
      .poll(() => page.locator('.graphiql-explorer-root, .docExplorerWrap').count())
      .toBeGreaterThan(0);
  });

  it('loaded nothing from outside the gateway and broke no content policy', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'ide.png') });
    expect(watch.foreign).toEqual([]);
    expect(watch.policy).toEqual([]);
  });
});

describe('the example tabs', () => {
  it('walk the flows when run in order with the ids each answer returns', async () => {
    type Browse = {
      listings: { edges: { node: { product: { id: string; items: { id: string; mpn: string }[] } } }[] };
    };
    const browse = await runExample<Browse>('02-browse-products.graphql');
    const office = browse.listings.edges.find((e) => e.node.product.id === 'PRD-100-000-001')!.node.product;
    // the purchase tab's default item is the Office suite's monthly user
    expect(office.items.find((i) => i.mpn === 'OFFICE-USER-M')?.id).toBe('PRD-100-000-001-0001');

    const { createTierAccount } = await runExample<{ createTierAccount: { tierAccount: { id: string } } }>(
      '03-create-customer.graphql',
    );
    const { createPurchaseRequest } = await runExample<{
      createPurchaseRequest: { assetRequest: { id: string; status: string } };
    }>('04-place-purchase.graphql', { customer: createTierAccount.tierAccount.id });
    const request = createPurchaseRequest.assetRequest.id;
    expect(createPurchaseRequest.assetRequest.status).toBe('PENDING');

    const { updateAssetRequestParams } = await runExample<{
      updateAssetRequestParams: { assetRequest: { product: { templates: { id: string; type: string }[] } } };
    }>('05-fill-fulfilment.graphql', { assetRequest: request });
    const template = updateAssetRequestParams.assetRequest.product.templates.find(
      (x) => x.type === 'FULFILLMENT',
    )!;
    const { approveAssetRequest } = await runExample<{
      approveAssetRequest: {
        assetRequest: { status: string; activationKey: string; asset: { status: string } };
      };
    }>('06-approve-purchase.graphql', { assetRequest: request, template: template.id });
    expect(approveAssetRequest.assetRequest).toMatchObject({
      status: 'APPROVED',
      asset: { status: 'ACTIVE' },
    });
    expect(approveAssetRequest.assetRequest.activationKey).toContain('wayne.example.com');

    const asset = await activeCloudBackupAsset();
    const { contracts } = await t.queryOk<{ contracts: { edges: { node: { id: string } }[] } }>(
      DEMO.vendor,
      '{ contracts(filter: { type: DISTRIBUTION, status: ACTIVE, marketplace: "MP-20001" }) { edges { node { id } } } }',
    );
    const { createUsageFile } = await runExample<{ createUsageFile: { usageFile: { id: string } } }>(
      '08-create-usage-file.graphql',
      { contract: contracts.edges[0]!.node.id, ...thisMonth() },
    );
    const { uploadUsageRecords } = await runExample<{
      uploadUsageRecords: {
        usageFile: { status: string; counts: { valid: number }; errorDetail: string | null };
      };
    }>('09-upload-usage.graphql', { usageFile: createUsageFile.usageFile.id, asset, ...thisMonth() });
    expect(uploadUsageRecords.usageFile.errorDetail ?? 'none').toBe('none');
    expect(uploadUsageRecords.usageFile).toMatchObject({ status: 'READY', counts: { valid: 1 } });
  });
});

/** The demo assets were activated when the data was seeded: usage is reported for this month. */
function thisMonth(): { from: string; to: string } {
  const now = new Date();
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return {
    from: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))),
    to: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0))),
  };
}

/**
 * An ACTIVE asset of Acme Cloud Backup (pay-as-you-go) to report usage on, bought and fulfilled through
 * the API: the product has tier-1 configs, so the reseller's config request is approved first.
 */
async function activeCloudBackupAsset(): Promise<string> {
  const account = async (type: string, name: string) =>
    (
      await t.queryOk<{ createTierAccount: { tierAccount: { id: string } } }>(
        DEMO.distributor,
        'mutation($i: CreateTierAccountInput!) { createTierAccount(input: $i) { tierAccount { id } } }',
        { i: { type, name } },
      )
    ).createTierAccount.tierAccount.id;
  const { product } = await t.queryOk<{
    product: { items: { id: string; mpn: string }[]; templates: { id: string; type: string }[] };
  }>(DEMO.vendor, '{ product(id: "PRD-100-000-002") { items { id mpn } templates { id type } } }');
  const seat = product.items.find((i) => i.mpn === 'BACKUP-SEAT')!.id;
  const storage = product.items.find((i) => i.mpn === 'BACKUP-STORAGE')!.id;
  const { createPurchaseRequest: bought } = await t.queryOk<{
    createPurchaseRequest: {
      asset: { id: string };
      request: { id: string; tierConfigRequest: { id: string } | null };
    };
  }>(
    DEMO.distributor,
    `mutation($i: CreatePurchaseRequestInput!) {
      createPurchaseRequest(input: $i) { asset { id } request: assetRequest { id tierConfigRequest { id } } }
    }`,
    {
      i: {
        product: 'PRD-100-000-002',
        marketplace: 'MP-20001',
        items: [{ item: seat, quantity: '1' }, { item: storage }],
        params: [
          { name: 'tenant_name', value: 'wayne' },
          { name: 'reseller_id', value: 'R-1' },
        ],
        tiers: {
          customer: await account('CUSTOMER', 'Usage customer'),
          tier1: await account('RESELLER', 'Usage reseller'),
        },
      },
    },
  );
  const request = bought.request.id;
  if (bought.request.tierConfigRequest) {
    await t.queryOk(
      DEMO.vendor,
      'mutation($r: ID!) { approveTierConfigRequest(input: { tierConfigRequest: $r }) { tierConfigRequest { id } } }',
      {
        r: bought.request.tierConfigRequest.id,
      },
    );
  }
  await t.queryOk(
    DEMO.vendor,
    'mutation($r: ID!) { updateAssetRequestParams(input: { assetRequest: $r, params: [{ name: "license_key", value: "LK-1" }] }) { assetRequest { id } } }',
    { r: request },
  );
  const template = product.templates.find((x) => x.type === 'FULFILLMENT')!.id;
  await t.queryOk(
    DEMO.vendor,
    'mutation($r: ID!, $t: ID!) { approveAssetRequest(input: { assetRequest: $r, template: $t }) { assetRequest { id } } }',
    {
      r: request,
      t: template,
    },
  );
  return bought.asset.id;
}
