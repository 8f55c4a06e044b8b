// The portal's vendor queue in Chromium (playwright-core, Debian's /usr/bin/chromium): a cold load with
// BENCH_PENDING (default 1000) pending purchase requests in the vendor's queue (time to the first rendered
// row, JavaScript transferred, GraphQL requests made), then the time from a status change made through the
// API (the vendor inquires the newest request) to its row leaving the pending queue on screen, live.
// The requests are written straight into the requests database through the change store (as the
// requests-assets benchmark does): this measures the portal, not the purchase flow. BENCH_ROUNDS (default 5).
import { ChangeStore, childId, createLogger, databaseName, openDatabase } from '@daas/kit';
import { requestModels } from '@daas/requests';
import { graphqlOk } from '../scripts/lib/graphql-client.js';
import { DEMO, DEMO_TOKENS, demoToken } from '../scripts/seed/demo-data.js';
import { launchChromium } from '../tests/support/browser.js';
import { type Benchmark, ms, say, summarize } from './lib/benchmark.js';
import { type BenchPlatform, startBenchPlatform } from './lib/platform.js';

const PENDING = Number(process.env.BENCH_PENDING) > 0 ? Number(process.env.BENCH_PENDING) : 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS) > 0 ? Number(process.env.BENCH_ROUNDS) : 5;
const VENDOR = 'VA-100-001';
const PROVIDER = 'PA-200-001';
const MARKET = 'MP-20001';

async function writePending(p: BenchPlatform): Promise<string[]> {
  const log = createLogger('bench', 'silent');
  const db = openDatabase({ uri: p.mongoUri, name: databaseName(p.dbPrefix, 'requests'), log });
  await db.connected();
  const store = new ChangeStore(db.conn, {
    partitions: 1,
    pollMs: 1000,
    retentionHours: 24,
    dialect: () => db.dialect(),
    log,
  });
  await store.init();
  const m = requestModels(db.conn);
  store.register(...Object.values(m));
  const d = await graphqlOk<{ products: { edges: { node: { id: string; vendor: { id: string } } }[] } }>(
    p.stack.gatewayUrl,
    '{ products(first: 50) { edges { node { id vendor { id } } } } }',
    {},
    { token: DEMO.operator },
  );
  const product = d.products.edges.map((e) => e.node).find((n) => n.vendor.id === VENDOR)!.id;
  const actor = { accountId: 'OA-000-001', role: 'OPERATOR' as const };
  const acl = [VENDOR, PROVIDER];
  const ids: string[] = [];
  for (let i = 0; i < PENDING; i++) {
    const id = `AS-7100-${String(Math.floor(i / 10_000)).padStart(4, '0')}-${String(i % 10_000).padStart(4, '0')}`;
    const pr = childId('assetRequest', id, 1);
    const items = [{ itemId: `${product}-0001`, mpn: 'MPN-USERS', quantity: '10' }];
    const customer = {
      id: `TA-7100-0000-${String(i % 50).padStart(4, '0')}`,
      name: `Customer ${i % 50}`,
      externalId: null,
    };
    const params = [{ name: 'tenant_name', value: `tenant-${i}`, valueError: null }];
    const common = {
      productId: product,
      marketplaceId: MARKET,
      vendor: VENDOR,
      provider: PROVIDER,
      _acl: acl,
    };
    await store.create({
      model: m.Asset,
      entityType: 'Asset',
      doc: {
        _id: id,
        ...common,
        externalId: null,
        externalKey: id,
        status: 'processing',
        productVersion: 1,
        contractId: null,
        customerId: customer.id,
        tiers: { customer, tier1: null, tier2: null },
        items,
        params,
        pendingRequest: { id: pr, type: 'purchase' },
        lastRequestId: pr,
        requestCount: 1,
        activatedAt: null,
        terminatedAt: null,
      },
      actor,
      partitionKey: VENDOR,
    });
    await store.create({
      model: m.AssetRequest,
      entityType: 'AssetRequest',
      doc: {
        _id: pr,
        ...common,
        type: 'purchase',
        status: 'pending',
        assetId: id,
        customerId: customer.id,
        items: items.map((x) => ({ ...x, oldQuantity: null })),
        params,
        note: null,
        reason: null,
        activationKey: null,
        templateId: null,
        effectiveDate: null,
        plannedDate: null,
        answered: false,
        waitingFor: null,
      },
      actor,
      partitionKey: VENDOR,
    });
    ids.push(pr);
  }
  await db.close();
  return ids;
}

async function run() {
  const p = await startBenchPlatform();
  const browser = await launchChromium();
  try {
    const started = performance.now();
    await writePending(p);
    say(`  setup: ${PENDING} pending purchase requests in ${ms(performance.now() - started)} ms`);
    const portal = p.stack.gatewayUrl.replace(/\/graphql$/, '/portal/');
    const token = demoToken(DEMO_TOKENS[1]);
    const firstRow: number[] = [];
    const update: number[] = [];
    let js = 0;
    let graphqlRequests = 0;
    for (let r = 0; r < ROUNDS + 1; r++) {
      // cold: a new context has no cache; the token is in session storage as after sign-in
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript(`sessionStorage.setItem('daas.portal.token', ${JSON.stringify(token)})`);
      const page = await context.newPage();
      let bytes = 0;
      let posts = 0;
      page.on('response', async (res) => {
        if (res.url().endsWith('.js')) bytes += (await res.body().catch(() => Buffer.alloc(0))).length;
      });
      page.on('request', (req) => {
        if (req.url().endsWith('/graphql') && req.method() === 'POST') posts++;
      });
      const t0 = performance.now();
      await page.goto(`${portal}#/requests`);
      const row = page.locator('[data-testid^="request-row-"]').first();
      await row.waitFor({ timeout: 120_000 });
      const loaded = performance.now() - t0;
      const requests = posts;
      // live: the newest pending request is inquired through the API; its row leaves the pending queue
      const id = (await row.getAttribute('data-testid'))!.replace('request-row-', '');
      await page.waitForTimeout(1500); // the subscription's socket is open by now (lazy, opened on load)
      const t1 = performance.now();
      await graphqlOk(
        p.stack.gatewayUrl,
        'mutation($i: InquireAssetRequestInput!) { inquireAssetRequest(input: $i) { assetRequest { id } } }',
        { i: { assetRequest: id, params: [{ name: 'tenant_name', valueError: 'bench' }] } },
        { token: DEMO.vendor },
      );
      await page
        .locator(`[data-testid="request-row-${id}"]`)
        .waitFor({ state: 'detached', timeout: 120_000 });
      const live = performance.now() - t1;
      await context.close();
      if (r === 0) continue; // warm-up (the gateway's and subgraphs' first queries)
      firstRow.push(loaded);
      update.push(live);
      js = bytes;
      graphqlRequests = requests;
    }
    const a = summarize(firstRow);
    const b = summarize(update);
    say(
      `  cold load to first row:    p50 ${ms(a.p50)} ms   max ${ms(Math.max(...firstRow))} ms   (${ROUNDS} rounds)`,
    );
    say(`  JavaScript transferred:    ${(js / 1024).toFixed(0)} KiB (uncompressed)`);
    say(`  GraphQL requests on load:  ${graphqlRequests} (POST /graphql until the first row)`);
    say(`  status change → row gone:  p50 ${ms(b.p50)} ms   max ${ms(Math.max(...update))} ms`);
  } finally {
    await browser.close();
    await p.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'portal',
  description: `the vendor queue in Chromium with ${PENDING} pending requests: cold load, JS, GraphQL requests, live update`,
  run,
};
