// The usage flow through the gateway with real processes, from nothing: scenario S5 (docs/domain.md#scenarios)
// with its negative steps, the preconditions, every upload format, per-row errors, re-upload, the usage
// subgraph killed mid-file, tenancy, and the HTTP routes behind the same token check as GraphQL.
import type { Database } from '@daas/kit';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, uploadUsage } from '../../scripts/lib/usage-client.js';
import { QT_COLUMNS, qtRows, toCsv, toJson, toXlsx, type UsageRow } from '../../scripts/lib/usage-files.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { Subscriber } from '../support/subscriber.js';
import { buildUsageWorld, type UsageWorld } from '../support/usage-world.js';

let t: TestStack;
let w: UsageWorld;
let db: Database;

beforeAll(async () => {
  t = await startTestStack({
    seed: 'accounts',
    // small batches, so that the kill test's SIGKILL lands mid-file even on a fast machine
    serviceEnv: { usage: { USAGE_STALE_SECONDS: '2', USAGE_BLOCK_ROWS: '250' } },
  });
  w = await buildUsageWorld(t, DEMO.operator, 'Usage', 2);
  db = await t.database('usage');
}, 240_000);

afterAll(async () => {
  await t?.stop();
});

// the current month: the assets are activated now, and usage is only valid while an asset is active
const NOW = new Date();
const day = (d: Date) => d.toISOString().slice(0, 10);
const PERIOD = {
  from: day(new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), 1))),
  to: day(new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + 1, 0))),
};
const FILE = `id status schema currency period { from to } errorDetail acceptanceNote rejectionNote
  vendor { id } provider { id } marketplace { id } contract { id } product { id }
  counts { processed valid invalid closed } stats { uploaded validated pending accepted closed } upload { generation format }`;

interface FileView {
  id: string;
  status: string;
  errorDetail: string | null;
  rejectionNote: string | null;
  acceptanceNote: string | null;
  counts: { processed: number; valid: number; invalid: number; closed: number };
  stats: Record<string, number>;
  upload: { generation: number; format: string } | null;
  [k: string]: unknown;
}

async function createFile(token = w.vendor.token, input: Record<string, unknown> = {}): Promise<FileView> {
  const d = await t.queryOk<{ createUsageFile: { usageFile: FileView } }>(
    token,
    `mutation($input: CreateUsageFileInput!) { createUsageFile(input: $input) { usageFile { ${FILE} } } }`,
    {
      input: {
        name: 'May usage',
        period: PERIOD,
        currency: 'USD',
        product: w.product,
        contract: w.contract,
        ...input,
      },
    },
  );
  return d.createUsageFile.usageFile;
}

const fileOf = async (id: string, token = w.vendor.token) =>
  (
    await t.queryOk<{ usageFile: FileView }>(token, `query($id: ID!) { usageFile(id: $id) { ${FILE} } }`, {
      id,
    })
  ).usageFile;

async function verb(token: string, mutation: string, input: Record<string, unknown>) {
  const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
  return t.query<Record<string, { usageFile: FileView }>>(
    token,
    `mutation($input: ${type}!) { ${mutation}(input: $input) { usageFile { ${FILE} } } }`,
    { input },
  );
}

const code = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.code;

const s5Row = (over: Partial<UsageRow> = {}): UsageRow => ({
  record_id: 'r-1',
  item_search_criteria: 'item.mpn',
  item_search_value: w.mpn,
  quantity: '12.5',
  start_time_utc: `${PERIOD.from} 00:00:00`,
  end_time_utc: `${PERIOD.to} 23:59:59`,
  asset_search_criteria: 'asset.id',
  asset_search_value: w.assets[0]!,
  ...over,
});

async function records(file: string, token = w.vendor.token, status?: string) {
  const d = await t.queryOk<{
    usageFile: {
      records: {
        totalCount: number;
        edges: {
          node: {
            id: string;
            row: number;
            status: string;
            errors: string[];
            quantity: string | null;
            asset: { id: string } | null;
            item: { id: string } | null;
            externalBillingId: string | null;
          };
        }[];
      };
    };
  }>(
    token,
    `query($id: ID!, $f: UsageRecordFilter) { usageFile(id: $id) { records(first: 500, filter: $f) { totalCount
      edges { node { id row status errors quantity asset { id } item { id } externalBillingId } } } } }`,
    { id: file, f: status ? { status } : null },
  );
  return d.usageFile.records;
}

async function waitFor(file: string, statuses: string[], timeoutMs = 120_000): Promise<FileView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const f = await fileOf(file);
    if (statuses.includes(f.status)) return f;
    if (Date.now() > deadline) throw new Error(`${file} still ${f.status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('S5: pay-as-you-go usage for an asset (QT)', () => {
  it('runs step by step, with its negative steps', async () => {
    // 1: V creates the file
    const f = await createFile();
    expect(f).toMatchObject({ status: 'DRAFT', schema: 'QT', currency: 'USD', period: PERIOD });
    expect(f.provider).toEqual({ id: w.distributor.id });
    expect(f.marketplace).toEqual({ id: w.marketplace });

    // 2-neg: an asset that does not exist, an asset of another product, an unknown MPN: invalid
    const bad = [
      s5Row({ record_id: 'x1', asset_search_value: 'AS-9999-9999-9999' }),
      s5Row({ record_id: 'x2', asset_search_value: w.plainAsset }),
      s5Row({ record_id: 'x3', item_search_value: 'NO-SUCH-MPN' }),
    ];
    const neg = await uploadUsage(t.gatewayUrl, w.vendor.token, f.id, await toXlsx(bad), {
      format: 'xlsx',
      multipart: true,
      wait: true,
    });
    expect(neg.status).toBe(200);
    expect(neg.body).toMatchObject({ status: 'INVALID', counts: { processed: 3, valid: 0, invalid: 3 } });
    expect(neg.body.errorDetail).toMatch(/^3 of 3 records are invalid/);
    const invalid = await records(f.id, w.vendor.token, 'INVALID');
    expect(invalid.edges.map((e) => e.node.errors)).toEqual([
      ['asset_search_value: no asset AS-9999-9999-9999'],
      [`asset_search_value: asset ${w.plainAsset} is not of product ${w.product}`],
      ['item_search_value: the product has no item with MPN "NO-SUCH-MPN"'],
    ]);
    // nothing of an invalid file counts
    expect(await usageOf(w.assets[0]!)).toEqual([]);

    // 2: the corrected XLSX, as the reference platform's clients send it (multipart usage_file)
    const ok = await uploadUsage(t.gatewayUrl, w.vendor.token, f.id, await toXlsx([s5Row()]), {
      format: 'xlsx',
      multipart: true,
      wait: true,
    });
    expect(ok.body).toMatchObject({ status: 'READY', counts: { processed: 1, valid: 1, invalid: 0 } });
    let recs = await records(f.id);
    expect(recs.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({
        row: 1,
        status: 'VALID',
        quantity: '12.5',
        asset: { id: w.assets[0] },
        item: { id: w.itemId },
      }),
    ]);
    const record = recs.edges[0]!.node.id;

    // neg: D may not submit
    expect(code(await verb(w.distributor.token, 'submitUsageFile', { usageFile: f.id }))).toBe('FORBIDDEN');
    // 3: V submits
    const submitted = await verb(w.vendor.token, 'submitUsageFile', { usageFile: f.id });
    expect(submitted.data?.submitUsageFile?.usageFile).toMatchObject({
      status: 'PENDING',
      stats: { pending: 1 },
    });
    expect((await records(f.id)).edges[0]!.node.status).toBe('PENDING');
    // neg: V may not accept
    expect(code(await verb(w.vendor.token, 'acceptUsageFile', { usageFile: f.id }))).toBe('FORBIDDEN');

    // 4: D rejects
    const rejected = await verb(w.distributor.token, 'rejectUsageFile', {
      usageFile: f.id,
      note: 'wrong period',
    });
    expect(rejected.data?.rejectUsageFile?.usageFile).toMatchObject({
      status: 'REJECTED',
      rejectionNote: 'wrong period',
    });
    expect((await records(f.id)).edges[0]!.node.status).toBe('REJECTED');

    // 5: V re-uploads a corrected file (CSV this time) and submits
    const again = await uploadUsage(
      t.gatewayUrl,
      w.vendor.token,
      f.id,
      toCsv([s5Row({ record_id: 'r-1b' })]),
      { format: 'csv', wait: true },
    );
    expect(again.body).toMatchObject({ status: 'READY', generation: 3 });
    await verb(w.vendor.token, 'submitUsageFile', { usageFile: f.id });

    // 6: D accepts: the record approved, the asset's aggregate accepted 12.5
    const accepted = await verb(w.distributor.token, 'acceptUsageFile', { usageFile: f.id, note: 'thanks' });
    expect(accepted.data?.acceptUsageFile?.usageFile).toMatchObject({
      status: 'ACCEPTED',
      acceptanceNote: 'thanks',
      stats: { accepted: 1 },
    });
    recs = await records(f.id, w.distributor.token);
    expect(recs.edges[0]!.node.status).toBe('APPROVED');
    const expected = [
      {
        asset: { id: w.assets[0] },
        item: { id: w.itemId },
        mpn: w.mpn,
        period: PERIOD,
        consumed: '12.5',
        accepted: '12.5',
        amount: '0',
        files: 1,
      },
    ];
    expect(await usageOf(w.assets[0]!, w.vendor.token)).toEqual(expected);
    expect(await usageOf(w.assets[0]!, w.distributor.token)).toEqual(expected);
    const agg = await t.queryOk<{ usageAggregates: unknown[] }>(
      w.distributor.token,
      'query($p: ID!) { usageAggregates(filter: { product: $p }) { asset { id } item { id } mpn period { from to } consumed accepted amount files } }',
      { p: w.product },
    );
    expect(agg.usageAggregates).toEqual(expected);

    // neg: an upload on an accepted file
    const late = await uploadUsage(t.gatewayUrl, w.vendor.token, f.id, toCsv([s5Row()]), { format: 'csv' });
    expect(late.status).toBe(409);

    // 7: D closes the record with INV-77: the record and the file are closed (terminal)
    const closed = await t.query<{ closeUsageRecords: { usageFile: FileView } }>(
      w.distributor.token,
      `mutation($input: CloseUsageRecordsInput!) { closeUsageRecords(input: $input) { usageFile { ${FILE} } } }`,
      { input: { usageFile: f.id, records: [{ id: record, externalBillingId: 'INV-77' }] } },
    );
    expect(closed.data?.closeUsageRecords.usageFile).toMatchObject({
      status: 'CLOSED',
      counts: { closed: 1 },
    });
    expect((await records(f.id)).edges[0]!.node).toMatchObject({
      status: 'CLOSED',
      externalBillingId: 'INV-77',
    });
    expect(code(await verb(w.vendor.token, 'deleteUsageFile', { usageFile: f.id }))).toBe('CONFLICT');

    // a record by id, several in one request (read together): its parties see it closed, others never
    const missing = record.replace(/\d{4}$/, '9999');
    const byId = `query($a: ID!, $b: ID!) {
      a: usageRecord(id: $a) { id status externalBillingId }
      b: usageRecord(id: $b) { id }
    }`;
    for (const party of [w.vendor, w.distributor]) {
      const r = await t.query<{ a: unknown; b: unknown }>(party.token, byId, { a: record, b: missing });
      expect(r.data?.a).toEqual({ id: record, status: 'CLOSED', externalBillingId: 'INV-77' });
      expect(r.data?.b).toBeNull();
      expect(r.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([['b', 'NOT_FOUND']]);
    }
    const hidden = await t.query<{ a: unknown }>(w.stranger.token, byId, { a: record, b: missing });
    expect(hidden.data?.a).toBeNull();
    expect(hidden.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
  });
});

const USAGE_CHANGES = `subscription($filter: UsageFileChangeFilter) {
  usageFileChanged(filter: $filter) {
    cursor kind previousStatus status actorRole
    usageFile { id status vendor { id } provider { id } product { name } marketplace { name } }
  }
}`;

interface UsageChange {
  usageFileChanged: {
    cursor: string;
    kind: string;
    previousStatus: string | null;
    status: string | null;
    actorRole: string;
    usageFile: {
      id: string;
      status: string;
      vendor: { id: string };
      provider: { id: string };
      product: { name: string } | null;
      marketplace: { name: string } | null;
    };
  };
}

describe('S5 over usageFileChanged', () => {
  it('the vendor and the provider hear every status change in order; other tenants and a filter hear nothing', async () => {
    const names = await t.queryOk<{ product: { name: string }; marketplace: { name: string } }>(
      w.vendor.token,
      'query($p: ID!, $m: ID!) { product(id: $p) { name } marketplace(id: $m) { name } }',
      { p: w.product, m: w.marketplace },
    );
    const open = (token: string, filter: Record<string, unknown> | null = null) =>
      new Subscriber<UsageChange>(t.gatewayUrl, token, USAGE_CHANGES, { filter });
    const vendor = open(w.vendor.token, { product: w.product });
    const provider = open(w.distributor.token);
    const outsiders = [open(w.stranger.token), open(DEMO.distributor), open(w.reseller.token)];
    const filtered = open(w.vendor.token, { product: w.plainProduct });
    const all = [vendor, provider, ...outsiders, filtered];
    try {
      // let the gateway open the upstream subscriptions before the first change
      await Promise.all(all.map((s) => Subscriber.ready(s, 700)));

      const f = await createFile();
      const csv = (id: string) => toCsv([s5Row({ record_id: id })]);
      const up1 = await uploadUsage(t.gatewayUrl, w.vendor.token, f.id, csv('s-1'), {
        format: 'csv',
        wait: true,
      });
      expect(up1.body).toMatchObject({ status: 'READY' });
      await verb(w.vendor.token, 'submitUsageFile', { usageFile: f.id });
      await verb(w.distributor.token, 'rejectUsageFile', { usageFile: f.id, note: 'wrong period' });
      const up2 = await uploadUsage(t.gatewayUrl, w.vendor.token, f.id, csv('s-1b'), {
        format: 'csv',
        wait: true,
      });
      expect(up2.body).toMatchObject({ status: 'READY' });
      await verb(w.vendor.token, 'submitUsageFile', { usageFile: f.id });
      await verb(w.distributor.token, 'acceptUsageFile', { usageFile: f.id, note: 'thanks' });
      const record = (await records(f.id, w.distributor.token)).edges[0]!.node.id;
      const closed = await t.queryOk<{ closeUsageRecords: { usageFile: { status: string } } }>(
        w.distributor.token,
        `mutation($input: CloseUsageRecordsInput!) { closeUsageRecords(input: $input) { usageFile { status } } }`,
        { input: { usageFile: f.id, records: [{ id: record, externalBillingId: 'INV-78' }] } },
      );
      expect(closed.closeUsageRecords.usageFile.status).toBe('CLOSED');

      const last = (s: Subscriber<UsageChange>) =>
        s.data().some((d) => d.usageFileChanged?.kind === 'CLOSED');
      await vendor.until(last, 30_000, 'the vendor to hear CLOSED');
      await provider.until(last, 30_000, 'the provider to hear CLOSED');

      // progress while uploading or processing is a change without a transition (UPLOADING -> UPLOADING,
      // PROCESSING -> PROCESSING): allowed anywhere the file is in that state, nowhere else
      const isProgress = (c: UsageChange['usageFileChanged']) =>
        c.kind === 'PROGRESS' &&
        (c.previousStatus === 'PROCESSING' || c.previousStatus === 'UPLOADING') &&
        c.status === c.previousStatus;
      const expected = [
        ['CREATED', null, 'DRAFT'],
        ['UPLOAD_STARTED', 'DRAFT', 'UPLOADING'],
        ['UPLOAD_STORED', 'UPLOADING', 'PROCESSING'],
        ['PROCESSED', 'PROCESSING', 'READY'],
        ['SUBMITTED', 'READY', 'PENDING'],
        ['REJECTED', 'PENDING', 'REJECTED'],
        ['UPLOAD_STARTED', 'REJECTED', 'UPLOADING'],
        ['UPLOAD_STORED', 'UPLOADING', 'PROCESSING'],
        ['PROCESSED', 'PROCESSING', 'READY'],
        ['SUBMITTED', 'READY', 'PENDING'],
        ['ACCEPTED', 'PENDING', 'ACCEPTED'],
        ['CLOSED', 'ACCEPTED', 'CLOSED'],
      ];
      for (const [who, s] of [
        ['vendor', vendor],
        ['provider', provider],
      ] as const) {
        expect(
          s.events.filter((e) => e.errors),
          who,
        ).toEqual([]);
        const changes = s.data().map((d) => d.usageFileChanged);
        expect(
          changes.filter((c) => !isProgress(c)).map((c) => [c.kind, c.previousStatus, c.status]),
          who,
        ).toEqual(expected);
        let during: string | null = null;
        for (const c of changes) {
          if (isProgress(c)) expect(c.status, `${who}: progress outside its state`).toBe(during);
          else during = c.status === 'PROCESSING' || c.status === 'UPLOADING' ? c.status : null;
          // the file as it was right after the change, with fields of products and partners
          expect(c.usageFile, who).toEqual({
            id: f.id,
            status: c.status,
            vendor: { id: w.vendor.id },
            provider: { id: w.distributor.id },
            product: { name: names.product.name },
            marketplace: { name: names.marketplace.name },
          });
          expect(c.cursor, who).toEqual(expect.any(String));
        }
        expect(new Set(changes.map((c) => c.cursor)).size, who).toBe(changes.length);
      }
      expect(vendor.data().map((d) => d.usageFileChanged.actorRole)).toContain('VENDOR');

      // the others had as long as the provider to hear of it, and a moment more
      await new Promise((r) => setTimeout(r, 1_000));
      for (const s of [...outsiders, filtered]) {
        expect(s.events).toEqual([]);
        expect(s.closeCode).toBeNull();
        expect(s.refused).toBeNull();
      }
    } finally {
      await Promise.all(all.map((s) => s.close()));
    }
  }, 120_000);
});

async function usageOf(asset: string, token = w.vendor.token) {
  const d = await t.queryOk<{ asset: { usage: unknown[] } }>(
    token,
    'query($id: ID!) { asset(id: $id) { usage { asset { id } item { id } mpn period { from to } consumed accepted amount files } } }',
    { id: asset },
  );
  return d.asset.usage;
}

describe('preconditions and the template', () => {
  it('refuse a product without pay-as-you-go, a contract of another vendor, a non-vendor', async () => {
    const e1 = await t.query(
      w.vendor.token,
      'mutation($i: CreateUsageFileInput!) { createUsageFile(input: $i) { usageFile { id } } }',
      {
        i: { name: 'x', period: PERIOD, currency: 'USD', product: w.plainProduct, contract: w.contract },
      },
    );
    expect(e1.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.product' });
    const e2 = await t.query(
      w.stranger.token,
      'mutation($i: CreateUsageFileInput!) { createUsageFile(input: $i) { usageFile { id } } }',
      {
        i: { name: 'x', period: PERIOD, currency: 'USD', product: w.product, contract: w.contract },
      },
    );
    expect(code(e2)).toBe('FORBIDDEN');
    const e3 = await t.query(
      w.distributor.token,
      'mutation($i: CreateUsageFileInput!) { createUsageFile(input: $i) { usageFile { id } } }',
      {
        i: { name: 'x', period: PERIOD, currency: 'USD', product: w.product, contract: w.contract },
      },
    );
    expect(code(e3)).toBe('FORBIDDEN');
    const e4 = await t.query(
      w.vendor.token,
      'mutation($i: CreateUsageFileInput!) { createUsageFile(input: $i) { usageFile { id } } }',
      {
        i: {
          name: 'x',
          period: { from: PERIOD.to, to: PERIOD.from },
          currency: 'USD',
          product: w.product,
          contract: w.contract,
        },
      },
    );
    expect(e4.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.period.to' });
  });

  it('serves the per-product XLSX template to the product vendor only', async () => {
    const res = await download(t.gatewayUrl, w.vendor.token, `/usage/products/${w.product}/template`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['records', 'items', 'info']);
    expect((wb.getWorksheet('records')!.getRow(1).values as string[]).slice(1)).toContain(
      'asset_search_value',
    );
    expect((wb.getWorksheet('items')!.getRow(2).values as string[])[1]).toBe(w.mpn);
    expect(
      (await download(t.gatewayUrl, w.stranger.token, `/usage/products/${w.product}/template`)).status,
    ).toBe(404);
  });
});

describe('tenancy', () => {
  it('a vendor sees only its files; a provider only files addressed to it', async () => {
    const f = await createFile();
    const list = (token: string) =>
      t.queryOk<{
        usageFiles: { edges: { node: { id: string; vendor: { id: string }; provider: { id: string } } }[] };
      }>(token, '{ usageFiles(first: 500) { edges { node { id vendor { id } provider { id } } } } }');
    const mine = await list(w.vendor.token);
    expect(mine.usageFiles.edges.map((e) => e.node.id)).toContain(f.id);
    expect(mine.usageFiles.edges.every((e) => e.node.vendor.id === w.vendor.id)).toBe(true);
    const theirs = await list(w.distributor.token);
    expect(theirs.usageFiles.edges.map((e) => e.node.id)).toContain(f.id);
    expect(theirs.usageFiles.edges.every((e) => e.node.provider.id === w.distributor.id)).toBe(true);
    for (const other of [w.stranger.token, w.reseller.token, DEMO.distributor]) {
      expect((await list(other)).usageFiles.edges).toEqual([]);
      const one = await t.query(other, 'query($id: ID!) { usageFile(id: $id) { id } }', { id: f.id });
      expect(code(one)).toBe('NOT_FOUND');
      expect(await usageOf(w.assets[0]!, other).catch(() => [])).toEqual([]);
    }
    expect((await list(DEMO.operator)).usageFiles.edges.map((e) => e.node.id)).toContain(f.id);
  });

  it('the HTTP routes check the token and the tenant like GraphQL', async () => {
    const f = await createFile();
    const none = await uploadUsage(t.gatewayUrl, undefined, f.id, 'a\n', { format: 'csv' });
    expect(none.status).toBe(401);
    expect(none.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await uploadUsage(t.gatewayUrl, `${DEMO.vendor}x`, f.id, 'a\n', { format: 'csv' })).status).toBe(
      401,
    );
    expect((await download(t.gatewayUrl, undefined, `/usage/files/${f.id}/errors`)).status).toBe(401);
    expect((await uploadUsage(t.gatewayUrl, w.stranger.token, f.id, 'a\n', { format: 'csv' })).status).toBe(
      404,
    );
    expect((await download(t.gatewayUrl, w.reseller.token, `/usage/files/${f.id}/errors`)).status).toBe(404);
    expect((await download(t.gatewayUrl, w.distributor.token, `/usage/files/${f.id}/errors`)).status).toBe(
      200,
    );
    expect(
      (await uploadUsage(t.gatewayUrl, w.distributor.token, f.id, 'a\n', { format: 'csv' })).status,
    ).toBe(403);
    const res = await fetch(`${t.gatewayUrl.replace(/\/graphql$/, '')}/usage/files/${f.id}/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.vendor.token}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(400);
    expect(
      ((await res.json()) as { errors: { extensions: { field: string } }[] }).errors[0]!.extensions.field,
    ).toBe('format');
  });
});

// the big files last: on FerretDB every query on records scans the collection
describe('uploads', () => {
  it('XLSX, CSV and JSON uploads of the same records give the same result', async () => {
    const rows = [...qtRows(40, w.mpn, w.assets, PERIOD)];
    rows[3]!.quantity = '1.234'; // finer than the item's precision
    rows[9]!.asset_search_criteria = 'parameter.subscription_id';
    rows[9]!.asset_search_value = 'sub-2';
    const outcomes = [];
    for (const [format, body] of [
      ['xlsx', await toXlsx(rows, QT_COLUMNS)],
      ['csv', toCsv(rows, QT_COLUMNS)],
      ['json', toJson(rows)],
    ] as const) {
      const f = await createFile();
      const r = await uploadUsage(t.gatewayUrl, w.vendor.token, f.id, body, { format, wait: true });
      const recs = await records(f.id);
      outcomes.push({
        status: r.body.status,
        counts: r.body.counts,
        records: recs.edges.map((e) => ({ ...e.node, id: e.node.id.slice(-9) })),
      });
    }
    expect(outcomes[0]).toMatchObject({
      status: 'INVALID',
      counts: { processed: 40, valid: 39, invalid: 1 },
    });
    expect(outcomes[0]!.records[9]).toMatchObject({ status: 'VALID', asset: { id: w.assets[1] } });
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[2]).toEqual(outcomes[0]);
  });

  it('re-uploading the same file is idempotent; the small-batch mutation replaces records too', async () => {
    const rows = [...qtRows(50, w.mpn, w.assets, PERIOD)];
    const f = await createFile();
    const first = await uploadUsage(t.gatewayUrl, w.vendor.token, f.id, toCsv(rows), {
      format: 'csv',
      wait: true,
    });
    const before = await records(f.id);
    const second = await uploadUsage(t.gatewayUrl, w.vendor.token, f.id, toCsv(rows), {
      format: 'csv',
      wait: true,
    });
    expect(second.body).toMatchObject({
      status: first.body.status,
      counts: first.body.counts,
      generation: 2,
    });
    expect(await records(f.id)).toEqual(before);
    expect(await usageOf(w.assets[0]!)).toEqual(await usageOf(w.assets[0]!));

    const batch = await t.queryOk<{ uploadUsageRecords: { usageFile: FileView } }>(
      w.vendor.token,
      `mutation($input: UploadUsageRecordsInput!) { uploadUsageRecords(input: $input) { usageFile { ${FILE} } } }`,
      {
        input: {
          usageFile: f.id,
          records: [
            {
              itemSearchValue: w.mpn,
              quantity: '2',
              startTimeUtc: PERIOD.from,
              endTimeUtc: `${PERIOD.to} 23:00:00`,
              assetSearchValue: w.assets[1],
            },
          ],
        },
      },
    );
    expect(batch.uploadUsageRecords.usageFile).toMatchObject({
      status: 'READY',
      counts: { processed: 1, valid: 1 },
      upload: { generation: 3, format: 'NDJSON' },
    });
    expect((await records(f.id)).totalCount).toBe(1);
  });

  it('a file of 10,000 rows with 3 bad ones reports exactly those 3, in the list and the error report', async () => {
    const rows = [...qtRows(10_000, w.mpn, w.assets, PERIOD)];
    rows[99]!.quantity = '';
    rows[5554]!.start_time_utc = '2001-01-01 00:00:00';
    rows[9999]!.asset_search_value = 'AS-0000-0000-0000';
    const f = await createFile();
    const r = await uploadUsage(t.gatewayUrl, w.vendor.token, f.id, toCsv(rows, QT_COLUMNS), {
      format: 'csv',
      wait: true,
    });
    expect(r.body).toMatchObject({
      status: 'INVALID',
      counts: { processed: 10_000, valid: 9_997, invalid: 3 },
    });
    const bad = await records(f.id, w.vendor.token, 'INVALID');
    expect(bad.edges.map((e) => e.node.row)).toEqual([100, 5555, 10_000]);
    const report = await download(t.gatewayUrl, w.vendor.token, `/usage/files/${f.id}/errors`);
    const lines = report.body.toString().trim().split('\n');
    expect(lines[0]).toBe('record,record_id,errors');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['100', '5555', '10000']);
    expect(lines[2]).toMatch(/^5555,r-5555,start_time_utc: the record is outside the file's period/);
  });

  it('killing the usage subgraph mid-file and starting it again processes every record exactly once', async () => {
    // large enough that the first checkpoint (progress is written once a second) comes well before the end
    const total = 150_000;
    const f = await createFile();
    // records are stored in blocks of USAGE_BLOCK_ROWS rows (docs/usage.md); count the rows they hold
    const blocks = db.conn.collection('usage_record_blocks');
    const storedRows = async () =>
      (await blocks.find({ usageFile: f.id, kind: 'r' }, { projection: { data: 1 } }).toArray()).flatMap(
        (b) => (JSON.parse(b.data as string) as { row: number }[]).map((r) => r.row),
      );
    const r = await uploadUsage(
      t.gatewayUrl,
      w.vendor.token,
      f.id,
      toCsv([...qtRows(total, w.mpn, w.assets, PERIOD)], QT_COLUMNS),
      { format: 'csv' },
    );
    expect(r.status).toBe(202);
    // kill as soon as the first batch is checkpointed (a point read of the file, polled closely; a count
    // of the records would be a scan on FerretDB, slower than the whole run)
    const files = db.conn.collection('usage_files');
    const deadline = Date.now() + 60_000;
    const checkpoint = async () =>
      ((await files.findOne({ _id: f.id as never }, { projection: { counts: 1 } }))?.counts?.processed ??
        0) as number;
    while ((await checkpoint()) === 0 && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 5));
    await t.stack.stopService('usage', 'SIGKILL');
    const written = (await storedRows()).length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(total);
    // killed mid-run: the file still processing, its checkpoint behind the end (rows after it may or may
    // not have been written: the resumed run must neither lose nor repeat them)
    const left = await db.conn.collection('usage_files').findOne({ _id: f.id as never });
    expect(left?.status).toBe('processing');
    expect(left?.counts.processed).toBeLessThan(total);
    await t.stack.startService('usage');
    const done = await waitFor(f.id, ['READY', 'INVALID'], 180_000);
    expect(done).toMatchObject({ status: 'READY', counts: { processed: total, valid: total, invalid: 0 } });
    const rows = await storedRows();
    expect(rows).toHaveLength(total);
    expect(new Set(rows).size).toBe(total);
  }, 300_000);
});
