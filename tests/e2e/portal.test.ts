// The web portal in a real browser (Debian's Chromium through playwright-core), served by the gateway:
// sign-in, then scenario S3 (docs/domain.md#scenarios) through the UI only, each party in its own browser
// context: a reseller buys, the vendor inquires, the reseller fixes the value, the vendor approves, and the
// reseller's open order page turns active without a reload. Then S4 (suspend, resume, cancel). The run
// writes screenshots of the main pages to docs/portal/. The API is used only to pick the product to buy.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/ferretdb.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { launchChromium, newWatch, watchPage } from '../support/browser.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const SHOTS = join(REPO_ROOT, 'docs', 'portal');
const DIST = join(REPO_ROOT, 'portal', 'dist');
const RESELLER_MARKET = 'MP-30001'; // Initech Direct
const LIVE = { timeout: 60_000 };
// Several engineers' stacks share two cores: a browser step may take minutes.
vi.setConfig({ testTimeout: 240_000 });

let t: TestStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const watch = newWatch();

interface Param {
  name: string;
  type: string;
  constraints: { required: boolean; choices: { value: string }[] };
}
interface Offer {
  id: string;
  name: string;
  vendor: { id: string };
  items: { id: string; name: string; type: string }[];
  ordering: Param[];
  fulfillment: Param[];
  capabilities: { subscription: { hold: boolean }; tiers: { configsLevel: number | null } };
}
let offer: Offer;

beforeAll(async () => {
  // a loaded machine (several engineers' stacks at once) may take minutes to start each subgraph
  t = await startTestStack({ seed: true, readyTimeoutMs: 420_000 });
  browser = await launchChromium();
  // What the reseller can buy in its marketplace from Acme (the demo vendor): published, with a hold (so
  // suspend and resume exist), no tier configuration, ordering parameters of plain kinds to type in.
  const d = await t.queryOk<{ products: { edges: { node: Offer }[] } }>(
    DEMO.reseller,
    `query($m: ID!) { products(first: 50, filter: { marketplace: $m, status: PUBLISHED }) { edges { node {
      id name vendor { id } items { id name type }
      ordering: parameters(phase: ORDERING, scope: ASSET) { name type constraints { required choices { value } } }
      fulfillment: parameters(phase: FULFILLMENT, scope: ASSET) { name type constraints { required choices { value } } }
      capabilities { subscription { hold } tiers { configsLevel } } } } } }`,
    { m: RESELLER_MARKET },
  );
  const typeable = (p: Param) => ['TEXT', 'DOMAIN', 'SUBDOMAIN', 'EMAIL'].includes(p.type);
  const found = d.products.edges
    .map((e) => e.node)
    .find(
      (p) =>
        p.vendor.id === 'VA-100-001' &&
        p.capabilities.subscription.hold &&
        !p.capabilities.tiers.configsLevel &&
        p.ordering.some((x) => x.constraints.required) &&
        p.ordering.every(typeable) &&
        p.fulfillment.every(typeable) &&
        p.items.some((i) => i.type !== 'PPU'),
    );
  if (!found) throw new Error('the demo data offers the reseller no product this test can buy');
  offer = found;
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const portalUrl = () => t.gatewayUrl.replace(/\/graphql$/, '/portal/');

/** A fresh browser context (its own session storage) on the portal, watched for foreign requests. */
async function openPortal(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  watchPage(page, watch);
  await page.goto(portalUrl());
  return page;
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('account-role').waitFor(LIVE);
}

/** Marks the page's document: still marked later means no reload or navigation away happened. */
const mark = (page: Page) => page.evaluate("window.__portalMark = 'kept'");
const marked = (page: Page) => page.evaluate('window.__portalMark');

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const sample = (p: Param, tag: string) =>
  p.type === 'DOMAIN' ? `${tag}.example.com` : p.type === 'EMAIL' ? `admin@${tag}.example.com` : tag;

describe('the portal', () => {
  it('is served at /portal/ with a same-origin policy; /portal redirects there', async () => {
    const base = t.gatewayUrl.replace(/\/graphql$/, '');
    const bare = await fetch(`${base}/portal`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/portal/');
    const html = await fetch(`${base}/portal/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    const body = await html.text();
    expect(body).toContain('./assets/');
    const asset = body.match(/\.\/assets\/[^"]+\.js/)?.[0];
    expect((await fetch(`${base}/portal/${asset!.slice(2)}`)).status).toBe(200);
    expect((await fetch(`${base}/portal/assets/nothing-here.js`)).status).toBe(404);
  });

  it('is built to load nothing from another host: no URL in its page or styles, only message text in its scripts', () => {
    const files = readdirSync(join(DIST, 'assets')).map((f) => join(DIST, 'assets', f));
    const urls = (file: string) => [...readFileSync(file, 'utf8').matchAll(/https?:\/\/([a-z0-9.-]+)/gi)];
    for (const f of [join(DIST, 'index.html'), ...files.filter((f) => f.endsWith('.css'))])
      expect(
        urls(f).map((m) => m[0]),
        f,
      ).toEqual([]);
    // Scripts mention a few hosts inside error messages and XML namespaces (React's error decoder,
    // Mantine's docs, the SVG namespace), never as something to load; any other host fails the build check.
    const allowed = new Set(['react.dev', 'mantine.dev', 'www.w3.org', 'bit.ly']);
    const hosts = files.filter((f) => f.endsWith('.js')).flatMap((f) => urls(f).map((m) => m[1]!));
    expect(hosts.length).toBeGreaterThan(0);
    expect([...new Set(hosts)].filter((h) => !allowed.has(h))).toEqual([]);
  });

  it('refuses a wrong token with the API message, shows the account and role, signs out', async () => {
    const page = await openPortal();
    await shot(page, 'sign-in');
    await page.getByLabel('API token').fill('SU-000-000-002:not-the-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), LIVE).toContain('invalid');
    await signIn(page, DEMO.vendor);
    expect(await page.getByTestId('account-name').textContent()).toBe('Acme Software');
    expect(await page.getByTestId('account-role').textContent()).toBe('VENDOR');
    // the token is kept for the tab: a reload stays signed in
    await page.reload();
    await page.getByTestId('account-role').waitFor(LIVE);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor(LIVE);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });
});

describe('scenario S1 through the portal: a distributor invites a vendor and both sign', () => {
  let globex: Page;
  let stark: Page;
  let program = '';
  let distribution = '';
  const status = (page: Page) => page.getByTestId('contract-status').getAttribute('data-status');
  const shownId = async (page: Page) =>
    (await page.getByRole('heading', { level: 2 }).textContent())!.replace('Contract ', '').trim();

  it('the distributor invites a vendor under its program: an unknown vendor is refused on its field, then the contract is pending', async () => {
    globex = await openPortal();
    await signIn(globex, DEMO.distributor);
    await globex.getByRole('link', { name: 'Contracts', exact: true }).click();
    await globex.getByRole('heading', { name: 'Invite a vendor' }).waitFor(LIVE);
    await globex.getByRole('combobox', { name: 'Program agreement' }).click();
    await globex.getByRole('option', { name: /^Globex Vendor Program/ }).click();
    const vendor = globex.getByLabel('Vendor account');
    await vendor.fill('VA-999-999');
    await globex.getByRole('button', { name: 'Invite' }).click();
    await expect.poll(() => vendor.getAttribute('aria-invalid'), LIVE).toBe('true');
    await shot(globex, 'contracts-invite-error');
    await vendor.fill('VA-100-003');
    await vendor.press('Enter'); // keyboard: the form submits from its field
    await globex.getByTestId('contract-status').waitFor(LIVE);
    program = await shownId(globex);
    expect(program).toMatch(/^CRP-/);
    expect(await status(globex)).toBe('PENDING');
  }, 180_000);

  it('the vendor finds the offer among its contracts and signs it', async () => {
    stark = await openPortal();
    await signIn(stark, DEMO.vendor3);
    await stark.getByRole('link', { name: 'Contracts', exact: true }).click();
    await stark.getByTestId(`contract-row-${program}`).waitFor(LIVE);
    await stark.getByRole('link', { name: program }).click();
    await stark.getByRole('button', { name: 'Sign contract' }).click();
    await expect.poll(() => status(stark), LIVE).toBe('ACTIVE');
    await shot(stark, 'contract-signed');
  }, 180_000);

  it("the vendor enrolls in the distributor's distribution agreement and submits the enrolment", async () => {
    await stark.getByRole('link', { name: 'Agreements' }).click();
    await stark.getByTestId('agreement-table').waitFor(LIVE);
    await shot(stark, 'agreements');
    await stark.getByRole('button', { name: 'Enroll in Globex US Distribution' }).click();
    await expect.poll(() => status(stark), LIVE).toBe('ENROLLING');
    distribution = await shownId(stark);
    expect(distribution).toMatch(/^CRD-/);
    await stark.getByLabel('Support email').fill('ops@stark.example');
    await stark.getByRole('button', { name: 'Submit enrolment' }).click();
    await expect.poll(() => status(stark), LIVE).toBe('PENDING');
  }, 180_000);

  it('the distributor approves (countersigns): active for both', async () => {
    await globex.goto(`${portalUrl()}#/contracts/${distribution}`);
    await expect.poll(() => status(globex), LIVE).toBe('PENDING');
    await globex.getByText('support_email: ops@stark.example').waitFor(LIVE);
    await globex.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => status(globex), LIVE).toBe('ACTIVE');
    await shot(globex, 'contract-approved');
    await stark.getByRole('link', { name: 'Contracts', exact: true }).click();
    await stark.getByTestId(`contract-row-${distribution}`).waitFor(LIVE);
    await expect
      .poll(() => stark.getByTestId(`contract-status-${distribution}`).getAttribute('data-status'), LIVE)
      .toBe('ACTIVE');
    await shot(stark, 'contracts');
  }, 180_000);
});

describe('scenario S2 through the portal: a vendor publishes a product and lists it', () => {
  let stark: Page;
  let hooli: Page;
  let product = '';
  const HOOLI_MARKET = 'Hooli Australia';

  it('the vendor creates a product, adds an item (an empty MPN refused on its field) and a parameter, and publishes version 1', async () => {
    stark = await openPortal();
    await signIn(stark, DEMO.vendor3);
    await stark.getByRole('link', { name: 'Products' }).click();
    await stark.getByRole('heading', { name: 'New product' }).waitFor(LIVE);
    await stark.getByLabel('Product name').fill('Portal Backup Vault');
    await stark.getByLabel('Short description').fill('made in the portal');
    await stark.getByRole('button', { name: 'Create product' }).click();
    await stark.getByTestId('product-status').waitFor(LIVE);
    expect(await stark.getByTestId('product-status').getAttribute('data-status')).toBe('DRAFT');
    product = (await stark.getByText(/^PRD-[\d-]+ ·/).textContent())!.split(' ')[0]!;
    await stark.getByLabel('Item name').fill('Vault seat');
    await stark.getByRole('button', { name: 'Add item' }).click();
    const mpn = stark.getByLabel('Item MPN');
    await expect.poll(() => mpn.getAttribute('aria-invalid'), LIVE).toBe('true');
    await mpn.fill('VAULT-SEAT');
    await stark.getByRole('button', { name: 'Add item' }).click();
    await stark.getByTestId('item-table').getByText('VAULT-SEAT').waitFor(LIVE);
    await stark.getByLabel('Parameter name').fill('vault_name');
    await stark.getByLabel('Parameter title').fill('Vault name');
    await stark.getByRole('button', { name: 'Add parameter' }).click();
    await stark.getByTestId('parameter-table').getByText('vault_name').waitFor(LIVE);
    await stark.getByRole('button', { name: 'Publish version 1' }).click();
    await expect
      .poll(() => stark.getByTestId('product-status').getAttribute('data-status'), LIVE)
      .toBe('PUBLISHED');
    await stark.getByTestId('version-table').waitFor(LIVE);
  }, 240_000);

  it('the vendor asks to list it under its distribution contract: a listing request in review', async () => {
    await stark.getByRole('combobox', { name: 'List under the distribution contract' }).click();
    await stark.getByRole('option', { name: new RegExp(`^${HOOLI_MARKET} ·`) }).click();
    await stark.getByRole('button', { name: 'Request listing' }).click();
    await stark.getByTestId('listing-table').waitFor(LIVE);
    await shot(stark, 'product');
  }, 180_000);

  it("the marketplace's distributor deploys and completes the request: the product is listed", async () => {
    hooli = await openPortal();
    await signIn(hooli, DEMO.distributor2);
    await hooli.getByRole('link', { name: 'Listing requests' }).click();
    const row = hooli.locator('[data-testid^="listing-request-row-"]', { hasText: 'Portal Backup Vault' });
    await row.waitFor(LIVE);
    const id = (await row.getAttribute('data-testid'))!.replace('listing-request-row-', '');
    await hooli.getByRole('button', { name: `Deploy ${id}` }).click();
    await expect
      .poll(() => hooli.getByTestId(`listing-request-status-${id}`).getAttribute('data-status'), LIVE)
      .toBe('DEPLOYING');
    await shot(hooli, 'listing-requests');
    await hooli.getByRole('button', { name: `Complete ${id}` }).click();
    await expect
      .poll(() => hooli.getByTestId(`listing-request-status-${id}`).getAttribute('data-status'), LIVE)
      .toBe('COMPLETED');
    // the vendor's product page, opened again, shows the listing
    await stark.getByRole('link', { name: 'Products' }).click();
    await stark.getByRole('link', { name: 'Portal Backup Vault' }).click();
    await stark.getByRole('heading', { name: 'Portal Backup Vault' }).waitFor(LIVE);
    expect(await stark.getByText(`${product} · made in the portal`).count()).toBe(1);
    await stark.getByTestId('listing-table').waitFor(LIVE);
    const listing = stark.getByTestId('listing-table').locator('[data-status]').first();
    await expect.poll(() => listing.getAttribute('data-status'), LIVE).toBe('LISTED');
  }, 240_000);
});

describe('scenario S5 through the portal: a vendor reports usage, the distributor accepts and closes', () => {
  let vendor: Page;
  let distributor: Page;
  let file = '';
  const dir = mkdtempSync(join(tmpdir(), 'portal-usage-'));
  const now = new Date();
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const from = day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)));
  const to = day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)));
  // Acme Cloud Backup's storage item on the demo's active asset in Globex US (docs/usage.md's walk-through)
  const csv = (name: string, quantities: string[]) => {
    const path = join(dir, name);
    const head =
      'record_id,item_search_criteria,item_search_value,quantity,start_time_utc,end_time_utc,asset_search_criteria,asset_search_value';
    const rows = quantities.map(
      (q, i) =>
        `portal-${i + 1},item.mpn,BACKUP-STORAGE,${q},${from} 00:00:00,${to} 23:59:59,asset.id,AS-1000-0000-0002`,
    );
    writeFileSync(path, `${[head, ...rows].join('\n')}\n`);
    return path;
  };
  const fileStatus = (page: Page) => page.getByTestId('usage-status').getAttribute('data-status');

  it('the vendor creates a usage file: a missing contract is refused on its field, then created as a draft', async () => {
    vendor = await openPortal();
    await signIn(vendor, DEMO.vendor);
    await vendor.getByRole('link', { name: 'Usage files' }).click();
    await vendor.getByRole('heading', { name: 'Usage files' }).waitFor(LIVE);
    await vendor.getByRole('link', { name: 'New usage file' }).click();
    await vendor.getByRole('heading', { name: 'New usage file' }).waitFor(LIVE);
    await vendor.getByLabel('Name').fill('Portal usage report');
    await vendor.getByRole('combobox', { name: 'Product' }).click();
    await vendor.getByRole('option', { name: /Acme Cloud Backup/ }).click();
    await vendor.getByRole('button', { name: 'Create usage file' }).click();
    const contract = vendor.getByRole('combobox', { name: 'Distribution contract' });
    await expect.poll(() => contract.getAttribute('aria-invalid'), LIVE).toBe('true');
    await shot(vendor, 'usage-new-error');
    await contract.click();
    await vendor.getByRole('option', { name: /^Globex US ·/ }).click();
    await vendor.getByRole('button', { name: 'Create usage file' }).click();
    await vendor.getByTestId('usage-status').waitFor(LIVE);
    file = (await vendor.getByRole('heading', { level: 2 }).textContent())!.replace('Usage file ', '').trim();
    expect(file).toMatch(/^UF-/);
    expect(await fileStatus(vendor)).toBe('DRAFT');
  }, 180_000);

  it('uploads a CSV with a wrong quantity: the progress bar fills, the file turns INVALID and the row says why', async () => {
    await vendor.locator('input[type="file"]').setInputFiles(csv('wrong.csv', ['12.5', 'lots']));
    await vendor.getByRole('button', { name: 'Upload' }).click();
    await expect
      .poll(
        () => vendor.getByTestId('upload-progress').getByRole('progressbar').getAttribute('aria-valuenow'),
        LIVE,
      )
      .toBe('100');
    await expect.poll(() => fileStatus(vendor), LIVE).toBe('INVALID');
    await vendor.getByTestId('usage-errors').waitFor(LIVE);
    const problems = await vendor.getByTestId('usage-errors').textContent();
    expect(problems).toContain('portal-2');
    expect(problems).toContain('quantity');
    expect(problems).not.toContain('portal-1');
    await shot(vendor, 'usage-file-invalid');
  }, 180_000);

  it('uploads the corrected CSV: READY, then submits it to the distributor (PENDING)', async () => {
    await vendor.locator('input[type="file"]').setInputFiles(csv('right.csv', ['12.5', '7']));
    await vendor.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => fileStatus(vendor), LIVE).toBe('READY');
    expect(await vendor.getByTestId('usage-counts').textContent()).toBe('2 valid, 0 invalid');
    expect(await vendor.getByTestId('usage-errors').count()).toBe(0);
    await vendor.getByRole('button', { name: 'Submit to Globex Distribution' }).click();
    await expect.poll(() => fileStatus(vendor), LIVE).toBe('PENDING');
  }, 180_000);

  it('the distributor finds it among the usage files to accept, accepts it with a note, and closes it with a billing id', async () => {
    distributor = await openPortal();
    await signIn(distributor, DEMO.distributor);
    await distributor.getByRole('link', { name: 'Usage files' }).click();
    await distributor.getByTestId(`usage-row-${file}`).waitFor(LIVE);
    expect(await distributor.getByTestId(`usage-status-${file}`).getAttribute('data-status')).toBe('PENDING');
    await shot(distributor, 'usage-files');
    await distributor.getByRole('link', { name: file }).click();
    await distributor.getByLabel('Note').fill('matches our meter');
    await distributor.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => fileStatus(distributor), LIVE).toBe('ACCEPTED');
    await distributor.getByLabel('Billing id').fill('INV-PORTAL-1');
    await distributor.getByRole('button', { name: 'Close file' }).click();
    await expect.poll(() => fileStatus(distributor), LIVE).toBe('CLOSED');
    await shot(distributor, 'usage-file-closed');
    // the vendor's list shows where its report ended
    await vendor.getByRole('link', { name: 'Usage files' }).click();
    await vendor.getByTestId(`usage-row-${file}`).waitFor(LIVE);
    await expect
      .poll(() => vendor.getByTestId(`usage-status-${file}`).getAttribute('data-status'), LIVE)
      .toBe('CLOSED');
  }, 180_000);
});

describe("the operator's screens", () => {
  it('lists accounts (filtered by role), marketplaces and hubs, a page at a time', async () => {
    const op = await openPortal();
    await signIn(op, DEMO.operator);
    await op.getByRole('link', { name: 'Accounts' }).click();
    await op.getByTestId('account-row-VA-100-003').waitFor(LIVE);
    await op.getByRole('combobox', { name: 'Role' }).click();
    await op.getByRole('option', { name: 'DISTRIBUTOR' }).click();
    await expect.poll(() => op.getByTestId('account-row-VA-100-003').count(), LIVE).toBe(0);
    await op.getByTestId('account-row-PA-200-001').waitFor(LIVE);
    await shot(op, 'operator-accounts');
    await op.getByRole('link', { name: 'Marketplaces' }).click();
    await op.getByTestId('marketplace-row-MP-20001').waitFor(LIVE);
    await shot(op, 'operator-marketplaces');
    await op.getByRole('link', { name: 'Hubs' }).click();
    await op.getByTestId('hub-row-HB-2000-0001').waitFor(LIVE);
  }, 180_000);
});

describe('scenario S3 through the portal: buy, inquire, fix, approve', () => {
  let reseller: Page;
  let vendor: Page;
  let asset = '';
  let request = '';
  const required = () => offer.ordering.find((p) => p.constraints.required)!;

  it('the vendor opens the request queue (pending) and keeps it open', async () => {
    vendor = await openPortal();
    await signIn(vendor, DEMO.vendor);
    await vendor.getByRole('heading', { name: 'Request queue' }).waitFor(LIVE);
    await vendor.getByTestId('request-table').waitFor(LIVE);
    await mark(vendor);
  });

  it('the reseller finds the product in the catalog and sees the API refuse a bad quantity on that field', async () => {
    reseller = await openPortal();
    await signIn(reseller, DEMO.reseller);
    await reseller.getByTestId(`product-${offer.id}`).waitFor(LIVE);
    await shot(reseller, 'catalog');
    await reseller.getByRole('link', { name: `Buy ${offer.name} in Initech Direct` }).click();
    await reseller.getByRole('heading', { name: `Buy ${offer.name}` }).waitFor(LIVE);
    await reseller.getByLabel("New customer's name").fill('Portal Customer Ltd');
    const reserved = offer.items.filter((i) => i.type !== 'PPU');
    for (const i of reserved) await reseller.getByLabel(`Quantity of ${i.name}`).fill('5');
    await reseller.getByLabel(`Quantity of ${reserved[0]!.name}`).fill('five');
    for (const p of offer.ordering)
      await reseller.locator(`[name="params.${p.name}"]`).fill(sample(p, 'portal-first'));
    await reseller.getByRole('button', { name: 'Place order' }).click();
    const quantity = reseller.getByLabel(`Quantity of ${reserved[0]!.name}`);
    await expect.poll(() => quantity.getAttribute('aria-invalid'), LIVE).toBe('true');
    const described = await quantity.getAttribute('aria-describedby');
    expect(
      await reseller
        .locator(`[id="${described?.split(' ').find((s) => s.includes('error'))}"]`)
        .textContent(),
    ).toContain('five');
    await shot(reseller, 'purchase-error');
  });

  it('the reseller places the order and lands on its page: processing, the purchase pending', async () => {
    const reserved = offer.items.filter((i) => i.type !== 'PPU');
    await reseller.getByLabel(`Quantity of ${reserved[0]!.name}`).fill('5');
    await reseller.getByRole('button', { name: 'Place order' }).click();
    await reseller.getByTestId('asset-status').waitFor(LIVE);
    asset = (await reseller.getByRole('heading', { level: 2 }).textContent())!.replace('Asset ', '').trim();
    expect(asset).toMatch(/^AS-/);
    expect(await reseller.getByTestId('asset-status').getAttribute('data-status')).toBe('PROCESSING');
    await expect
      .poll(() => reseller.getByTestId('open-request-status').getAttribute('data-status'), LIVE)
      .toBe('PENDING');
    request = (await reseller.getByTestId('open-request').getByRole('link').first().textContent())!.trim();
    expect(request).toBe(`PR-${asset.slice(3)}-001`);
    await mark(reseller);
  });

  it("the new request appears in the vendor's open queue without a reload", async () => {
    await vendor.getByTestId(`request-row-${request}`).waitFor(LIVE);
    expect(await vendor.getByTestId(`request-status-${request}`).getAttribute('data-status')).toBe('PENDING');
    expect(await marked(vendor)).toBe('kept');
    await shot(vendor, 'vendor-queue');
  });

  it('the vendor marks the ordering value wrong and inquires: inquiring on both pages, live', async () => {
    await vendor.getByRole('link', { name: request }).click();
    await vendor.getByTestId('request-status').waitFor(LIVE);
    await mark(vendor);
    await vendor.getByLabel(`Value error of ${required().name}`).fill('use the production tenant');
    await vendor.getByRole('button', { name: 'Inquire' }).click();
    await expect
      .poll(() => vendor.getByTestId('request-status').getAttribute('data-status'), LIVE)
      .toBe('INQUIRING');
    await expect
      .poll(() => reseller.getByTestId('open-request-status').getAttribute('data-status'), LIVE)
      .toBe('INQUIRING');
    expect(await reseller.getByTestId(`param-error-${required().name}`).textContent()).toBe(
      'use the production tenant',
    );
    await shot(reseller, 'order-inquiring');
  });

  it('the reseller fixes the value from its order page: pending again, and the vendor sees it live', async () => {
    await reseller.getByLabel(`Value of ${required().name}`).fill(sample(required(), 'portal-prod'));
    await reseller.getByRole('button', { name: 'Send corrected values' }).click();
    await expect
      .poll(() => reseller.getByTestId('open-request-status').getAttribute('data-status'), LIVE)
      .toBe('PENDING');
    await expect
      .poll(() => vendor.getByTestId('request-status').getAttribute('data-status'), LIVE)
      .toBe('PENDING');
    await expect
      .poll(() => vendor.getByLabel(`Value of ${required().name}`).inputValue(), LIVE)
      .toBe(sample(required(), 'portal-prod'));
    expect(await marked(vendor)).toBe('kept');
  });

  it("the vendor fills the fulfillment values and approves with the template; the reseller's page turns active without a reload", async () => {
    for (const p of offer.fulfillment)
      await vendor.getByLabel(`Value of ${p.name}`).fill(sample(p, 'portal-ff'));
    await shot(vendor, 'vendor-request');
    await vendor.getByRole('button', { name: 'Approve' }).click();
    await expect
      .poll(() => vendor.getByTestId('request-status').getAttribute('data-status'), LIVE)
      .toBe('APPROVED');
    await expect
      .poll(() => reseller.getByTestId('asset-status').getAttribute('data-status'), LIVE)
      .toBe('ACTIVE');
    expect(await marked(reseller)).toBe('kept');
    await reseller.getByText('No open request.').waitFor(LIVE);
    await shot(reseller, 'order-active');
  });

  it('S4: the reseller suspends, the vendor approves, the reseller resumes, then cancels', async () => {
    const step = async (button: string, type: string, after: string) => {
      await reseller.getByRole('button', { name: button }).click();
      await expect
        .poll(() => reseller.getByTestId('open-request-status').getAttribute('data-status'), LIVE)
        .toBe('PENDING');
      const id = (await reseller.getByTestId('open-request').getByRole('link').first().textContent())!.trim();
      await vendor.goto(`${portalUrl()}#/requests/${id}`);
      await expect
        .poll(() => vendor.getByTestId('request-status').getAttribute('data-status'), LIVE)
        .toBe('PENDING');
      expect(await vendor.getByText(type, { exact: true }).count()).toBeGreaterThan(0);
      await vendor.getByRole('button', { name: 'Approve' }).click();
      await expect
        .poll(() => vendor.getByTestId('request-status').getAttribute('data-status'), LIVE)
        .toBe('APPROVED');
      await expect
        .poll(() => reseller.getByTestId('asset-status').getAttribute('data-status'), LIVE)
        .toBe(after);
    };
    await step('Suspend', 'SUSPEND', 'SUSPENDED');
    await step('Resume', 'RESUME', 'ACTIVE');
    await step('Cancel subscription', 'CANCEL', 'TERMINATED');
    expect(await marked(reseller)).toBe('kept');
    await reseller.goto(`${portalUrl()}#/orders`);
    await reseller.getByTestId(`asset-row-${asset}`).waitFor(LIVE);
    expect(await reseller.getByTestId(`asset-status-${asset}`).getAttribute('data-status')).toBe(
      'TERMINATED',
    );
    await shot(reseller, 'orders');
  });

  it('works at a phone width: the queue behind the menu', async () => {
    const phone = await openPortal({ width: 390, height: 844 });
    await signIn(phone, DEMO.vendor);
    await phone.getByRole('heading', { name: 'Request queue' }).waitFor(LIVE);
    await phone.getByRole('button', { name: 'Menu' }).click();
    await phone.getByRole('link', { name: 'Request queue' }).waitFor(LIVE);
    await shot(phone, 'phone-menu');
    await phone.getByRole('link', { name: 'Usage files' }).click();
    await phone.getByRole('heading', { name: 'Usage files' }).waitFor(LIVE);
    await phone.getByTestId('usage-table').waitFor(LIVE);
    await shot(phone, 'phone-usage-files');
  });

  it('loaded nothing from another host and raised no page error', () => {
    expect(watch.foreign).toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(watch.policy).toEqual([]);
  });
});
