// The analysts' IDE in a real browser (Debian's Chromium through playwright-core): served by the
// gateway, it runs an example query with a demo token and a live subscription, and never asks
// anything of a host other than the gateway.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

let t: TestStack;
let browser: Browser;
let page: Page;
const foreignRequests: string[] = [];
const policyViolations: string[] = [];

beforeAll(async () => {
  t = await startTestStack({ seed: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('request', (req) => {
    if (!isLocal(req.url())) foreignRequests.push(req.url());
  });
  page.on('websocket', (ws) => {
    if (!isLocal(ws.url())) foreignRequests.push(ws.url());
  });
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) policyViolations.push(msg.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

function isLocal(url: string): boolean {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  return LOCAL_HOSTS.has(u.hostname);
}

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
    expect(foreignRequests).toEqual([]);
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
    expect(foreignRequests).toEqual([]);
    expect(policyViolations).toEqual([]);
  });
});
