// Processing against the real database: per-row errors, the same result from every format, re-upload
// replacing records, a resumed run after an interruption writing every record exactly once, closing.
// The other domains' answers come from a fixed peers (what products and requests would say).
import { Readable } from 'node:stream';
import { badInput, DomainError, entityWriters, type Identity, type KitEnv } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qtRows, toCsv, toJson, toNdjson, toXlsx, type UsageRow } from '../../../scripts/lib/usage-files.js';
import { testChangeStore, testDatabase } from '../../../tests/support/db.js';
import { silentLogger } from '../../../tests/support/log.js';
import type { AssetFacts } from '../src/domain/records.js';
import type { UsageEnv } from '../src/env.js';
import {
  act,
  closeAllRecords,
  closeRecords,
  createUsageFile,
  recordIdOf,
  upload,
} from '../src/flows/usage-files.js';
import { UsageProcessor } from '../src/ingest/processor.js';
import { DEFAULT_LIMITS } from '../src/ingest/rows.js';
import { UploadStore } from '../src/ingest/upload-store.js';
import { type UploadFormat, type UsageFileDoc, usageEntities, usageModels } from '../src/models/index.js';
import type { ContractFacts, ProductFacts, UsagePeers } from '../src/peers.js';
import { blockId, recordSetOf } from '../src/records/layout.js';
import { RecordStore } from '../src/records/store.js';

const V = 'VA-100-001';
const D = 'PA-200-001';
const vendor: Identity = { accountId: V, role: 'VENDOR' };
const distributor: Identity = { accountId: D, role: 'DISTRIBUTOR' };
const PRODUCT = 'PRD-100-000-001';
const MP = 'MP-10001';
const CONTRACT = 'CRD-10000-00000-00001';
const ASSETS = ['AS-1000-0000-0001', 'AS-1000-0000-0002', 'AS-1000-0000-0003'];
const PERIOD = { from: '2025-05-01', to: '2025-05-31' };

class FixedPeers implements UsagePeers {
  assetCalls = 0;
  /** thrown by asset lookups while set: the way a run fails in the failure tests */
  failure: Error | null = null;
  async product(id: string): Promise<ProductFacts | null> {
    if (id !== PRODUCT) return null;
    return {
      id,
      vendorId: V,
      status: 'PUBLISHED',
      ppuSchema: 'qt',
      dynamicItems: false,
      consumption: false,
      items: [
        {
          id: `${PRODUCT}-0002`,
          mpn: 'MPN-PPU',
          name: 'Storage',
          type: 'PPU',
          precision: 'DECIMAL_2',
          unit: 'GB',
          status: 'PUBLISHED',
        },
      ],
    };
  }
  async contract(id: string): Promise<ContractFacts | null> {
    return id === CONTRACT
      ? { id, type: 'DISTRIBUTION', status: 'ACTIVE', vendorId: V, distributorId: D, marketplaceId: MP }
      : null;
  }
  async listed() {
    return true;
  }
  async assets(ids: string[]): Promise<Map<string, AssetFacts | null>> {
    if (this.failure) throw this.failure;
    this.assetCalls++;
    return new Map(
      ids.map((id) => [
        id,
        ASSETS.includes(id)
          ? {
              id,
              externalId: null,
              productId: PRODUCT,
              marketplaceId: MP,
              activatedAt: new Date('2025-01-01T00:00:00Z'),
              terminatedAt: null,
            }
          : null,
      ]),
    );
  }
  async assetsByParameter() {
    return new Map<string, AssetFacts[]>();
  }
}

let db: Awaited<ReturnType<typeof testDatabase>>;
let env: UsageEnv;
const peers = new FixedPeers();

beforeAll(async () => {
  db = await testDatabase('usage');
  const log = silentLogger();
  const models = usageModels(db.conn);
  const changes = await testChangeStore(db, {
    entities: [models.UsageFile],
    others: Object.values(models),
    log,
  });
  const uploads = new UploadStore(models);
  const kit = { changes, log } as unknown as KitEnv;
  const records = new RecordStore(models);
  const processor = new UsageProcessor(kit, models, peers, uploads, records, {
    staleMs: 60_000,
    progressMs: 0,
    maxAttempts: 3,
    uploadStaleMs: 120_000,
    limits: DEFAULT_LIMITS,
  });
  env = {
    kit,
    models,
    write: entityWriters(changes, usageEntities(models)),
    config: {
      maxUploadBytes: 50 * 1024 * 1024,
      blockRows: 1000,
      staleMs: 60_000,
      uploadIdleMs: 60_000,
      maxAttempts: 3,
      limits: DEFAULT_LIMITS,
    },
    peers,
    uploads,
    records,
    processor,
  };
});

afterAll(async () => {
  await db.conn.dropDatabase();
  await db.close();
});

const newFile = (name = 'May') =>
  createUsageFile(env, vendor, {
    name,
    description: null,
    note: null,
    externalId: null,
    period: PERIOD,
    currency: 'USD',
    product: PRODUCT,
    contract: CONTRACT,
  });

async function encode(rows: UsageRow[], format: UploadFormat): Promise<Buffer> {
  if (format === 'xlsx') return toXlsx(rows);
  return Buffer.from(format === 'csv' ? toCsv(rows) : format === 'json' ? toJson(rows) : toNdjson(rows));
}

const send = async (file: string, rows: UsageRow[], format: UploadFormat = 'csv') =>
  upload(env, vendor, file, format, null, Readable.from([await encode(rows, format)]), true);

const fileDoc = async (file: string) => (await env.models.UsageFile.findById(file).lean<UsageFileDoc>())!;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Every stored record of the file's current upload, in row order, read block by block. */
async function records(file: string) {
  const f = await fileDoc(file);
  return collect(env.records.all(recordSetOf(f), f.counts?.processed ?? 0));
}

describe('usage processing', () => {
  // small collections first: on FerretDB every non-_id query scans the whole collection
  it('preconditions: the vendor’s own product and contract', async () => {
    const other: Identity = { accountId: 'VA-100-009', role: 'VENDOR' };
    await expect(
      createUsageFile(env, other, {
        name: 'x',
        description: null,
        note: null,
        externalId: null,
        period: PERIOD,
        currency: 'USD',
        product: PRODUCT,
        contract: CONTRACT,
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      createUsageFile(env, vendor, {
        name: 'x',
        description: null,
        note: null,
        externalId: null,
        period: PERIOD,
        currency: 'USD',
        product: 'PRD-999-999-999',
        contract: CONTRACT,
      }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'input.product' } });
  });

  it('submit, accept, close records one by one then the rest in bulk: the file closes', async () => {
    const f = await newFile();
    await send(f._id, [...qtRows(4, 'MPN-PPU', ASSETS, PERIOD)]);
    await expect(act(env, distributor, f._id, 'submit')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await act(env, vendor, f._id, 'submit');
    await expect(act(env, vendor, f._id, 'accept')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const accepted = await act(env, distributor, f._id, 'accept', 'fine');
    expect(accepted).toMatchObject({ status: 'accepted', acceptanceNote: 'fine' });
    await expect(
      closeRecords(env, vendor, accepted, [
        { id: recordIdOf(f._id, 1), externalBillingId: 'INV-1', externalBillingNote: null },
      ]),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const partly = await closeRecords(env, distributor, accepted, [
      { id: recordIdOf(f._id, 1), externalBillingId: 'INV-1', externalBillingNote: null },
    ]);
    expect(partly.status).toBe('accepted');
    await expect(
      closeRecords(env, distributor, accepted, [
        { id: recordIdOf(f._id, 99), externalBillingId: 'INV-1', externalBillingNote: null },
      ]),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const closed = await closeAllRecords(env, distributor, partly, 'INV-77', null);
    expect(closed.status).toBe('closed');
    const recs = await records(f._id);
    expect(recs.map((r) => r.externalBillingId)).toEqual(['INV-1', 'INV-77', 'INV-77', 'INV-77']);
    expect(recs.every((r) => r.closedAt)).toBe(true);
    // closed is terminal
    await expect(send(f._id, [...qtRows(1, 'MPN-PPU', ASSETS, PERIOD)])).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('a file missing a required column is invalid with the reason, no records', async () => {
    const f = await newFile();
    const rows = [...qtRows(3, 'MPN-PPU', ASSETS, PERIOD)].map(({ quantity: _, ...r }) => r);
    const done = await send(f._id, rows);
    expect(done.status).toBe('invalid');
    expect(done.errorDetail).toBe('missing column: quantity');
    expect(await records(f._id)).toHaveLength(0);
    expect(await env.models.RecordBlock.countDocuments({ usageFile: f._id })).toBe(0);
  });

  it('CSV, XLSX, JSON and NDJSON uploads of the same records give the same result', async () => {
    const rows = [...qtRows(300, 'MPN-PPU', ASSETS, PERIOD)];
    rows[7]!.quantity = 'x';
    const results = [];
    for (const format of ['csv', 'xlsx', 'json', 'ndjson'] as const) {
      const f = await send((await newFile(format))._id, rows, format);
      const recs = await records(f._id);
      results.push({
        status: f.status,
        counts: f.counts,
        records: recs.map((r) => [
          r.row,
          r.valid,
          r.quantity,
          r.assetId,
          r.itemId,
          r.errors,
          r.startTime?.toISOString(),
        ]),
      });
    }
    expect(results[0]!.status).toBe('invalid');
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });

  it('a valid upload is ready with sums per asset and item; re-uploading replaces the records', async () => {
    const f = await newFile();
    const rows = [...qtRows(30, 'MPN-PPU', ASSETS, PERIOD)];
    const first = await send(f._id, rows);
    expect(first.status).toBe('ready');
    expect(first.assetIds.sort()).toEqual(ASSETS);
    const sums = await env.models.UsageAggregate.find({ usageFile: f._id }).sort({ assetId: 1 }).lean();
    expect(sums).toHaveLength(3);
    expect(sums.reduce((n, s) => n + s.records, 0)).toBe(30);

    const again = await send(f._id, rows.slice(0, 10), 'ndjson');
    expect(again.status).toBe('ready');
    expect(again.upload?.generation).toBe(2);
    const recs = await records(f._id);
    expect(recs.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(recs.every((r) => r.generation === 2)).toBe(true);
    expect(
      (await env.models.UsageAggregate.find({ usageFile: f._id }).lean()).reduce((n, s) => n + s.records, 0),
    ).toBe(10);
    expect(await env.models.UploadChunk.countDocuments({ usageFile: f._id, generation: 1 })).toBe(0);
  });

  it('resumes an interrupted run: every record exactly once', async () => {
    const f = await newFile();
    const rows = [...qtRows(3_000, 'MPN-PPU', ASSETS, PERIOD)];
    await send(f._id, rows);
    // what a process killed mid-run leaves: blocks written up to row 2000 (the second one after the
    // checkpoint was taken), a checkpoint at 1000, the file still processing
    await env.models.RecordBlock.deleteOne({ _id: blockId(recordSetOf(await fileDoc(f._id)), 'r', 2) });
    await env.models.UsageAggregate.deleteMany({ usageFile: f._id });
    await env.kit.changes.change<UsageFileDoc>({
      model: env.models.UsageFile,
      entityType: 'UsageFile',
      id: f._id,
      actor: vendor,
      partitionKey: () => V,
      decide: () => ({
        kind: 'test_interrupted',
        to: 'processing',
        set: { counts: { processed: 1000, valid: 1000, invalid: 0 } },
      }),
    });
    await env.processor.run(f._id);
    const after = await env.models.UsageFile.findById(f._id).lean<UsageFileDoc>();
    expect(after?.status).toBe('ready');
    expect(after?.counts).toEqual({ processed: 3000, valid: 3000, invalid: 0 });
    const rowsAfter = (await records(f._id)).map((r) => r.row);
    expect(rowsAfter).toHaveLength(3000);
    expect(new Set(rowsAfter).size).toBe(3000);
    expect(rowsAfter.at(-1)).toBe(3000);
  });

  it('3,000 rows of which 3 are bad: invalid, exactly those 3 rows reported (10,000 through the gateway: tests/e2e)', async () => {
    const rows = [...qtRows(3_000, 'MPN-PPU', ASSETS, PERIOD)];
    rows[41]!.quantity = '';
    rows[1999]!.asset_search_value = 'AS-9999-9999-9999';
    rows[2998]!.item_search_value = 'NOPE';
    const f = await newFile();
    peers.assetCalls = 0;
    const done = await send(f._id, rows);
    expect(done.status).toBe('invalid');
    expect(done.counts).toEqual({ processed: 3_000, valid: 2_997, invalid: 3 });
    expect(done.errorDetail).toMatch(/^3 of 3000 records are invalid; record 42: quantity: required/);
    const set = recordSetOf(await fileDoc(f._id));
    const bad = await collect(env.records.invalid(set));
    expect((await records(f._id)).filter((r) => !r.valid)).toEqual(
      bad.map((r) => expect.objectContaining({ row: r.row, errors: r.errors })),
    );
    expect(bad.map((r) => [r.row, r.errors])).toEqual([
      [42, ['quantity: required for schema qt']],
      [2000, ['asset_search_value: no asset AS-9999-9999-9999']],
      [2999, ['item_search_value: the product has no item with MPN "NOPE"']],
    ]);
    expect(await records(f._id)).toHaveLength(3_000);
    // nothing of an invalid file is billable
    expect(await env.models.UsageAggregate.countDocuments({ usageFile: f._id })).toBe(0);
    // assets are looked up per batch naming new ones (the first, and the one with the unknown asset), not per row
    expect(peers.assetCalls).toBe(2);
  });
});

describe('usage processing: failures', () => {
  async function until(what: string, check: () => Promise<boolean>) {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('an upload whose body fails leaves the file INVALID with the reason, drops what arrived, and can be retried', async () => {
    const f = await newFile();
    const body = (async function* () {
      yield Buffer.alloc(2 * 1024 * 1024 + 10, 'a');
      throw badInput('body', 'the connection was lost before the upload was complete');
    })();
    await expect(upload(env, vendor, f._id, 'csv', null, body)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(await fileDoc(f._id)).toMatchObject({
      status: 'invalid',
      errorDetail: 'the upload failed: body: the connection was lost before the upload was complete',
    });
    expect(await env.models.UploadChunk.countDocuments({ usageFile: f._id })).toBe(0);
    // nothing whole was stored: there is nothing to reprocess, but a new upload goes through
    await expect(act(env, vendor, f._id, 'reprocess')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await send(f._id, [...qtRows(2, 'MPN-PPU', ASSETS, PERIOD)])).status).toBe('ready');
  });

  it('an upload whose process died is given up by the sweep; its late end changes nothing', async () => {
    const f = await newFile();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const body = (async function* () {
      yield Buffer.from(toCsv([...qtRows(2, 'MPN-PPU', ASSETS, PERIOD)]));
      await gate;
    })();
    const pending = upload(env, vendor, f._id, 'csv', null, body);
    pending.catch(() => {});
    await until('the upload to start', async () => (await fileDoc(f._id)).status === 'uploading');
    // another replica's sweep, for which every upload is already silent for too long
    const sweeper = new UsageProcessor(env.kit, env.models, peers, env.uploads, env.records, {
      staleMs: 60_000,
      progressMs: 0,
      maxAttempts: 3,
      uploadStaleMs: 0,
      limits: DEFAULT_LIMITS,
    });
    await sweeper.sweep();
    expect(await fileDoc(f._id)).toMatchObject({
      status: 'invalid',
      errorDetail:
        'the upload did not finish (its connection or the service stopped mid-upload); upload the file again',
    });
    release();
    await expect(pending).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await fileDoc(f._id)).status).toBe('invalid');
  });

  it('a run failing for a lasting reason is given up after its attempts; a passing failure is not counted', async () => {
    const rows = [...qtRows(5, 'MPN-PPU', ASSETS, PERIOD)];
    try {
      peers.failure = new TypeError('a bug, or a record it cannot take');
      const f = await newFile();
      expect((await send(f._id, rows)).status).toBe('processing');
      // what the sweep does every half stale interval: resume, one more attempt each time
      for (const attempts of [2, 3]) {
        await env.processor.run(f._id, true);
        expect(await fileDoc(f._id)).toMatchObject({ status: 'processing', upload: { attempts } });
      }
      await env.processor.run(f._id, true);
      expect(await fileDoc(f._id)).toMatchObject({
        status: 'invalid',
        errorDetail: 'processing failed 3 times and is not retried: the upload cannot be processed as it is',
      });

      peers.failure = new DomainError('INTERNAL', 'gateway unreachable for a cross-domain check');
      const g = await newFile();
      expect((await send(g._id, rows)).status).toBe('processing');
      for (let i = 0; i < 4; i++) {
        await env.processor.run(g._id, true);
        expect(await fileDoc(g._id)).toMatchObject({ status: 'processing', upload: { attempts: 1 } });
      }
      peers.failure = null;
      await env.processor.run(g._id, true);
      expect(await fileDoc(g._id)).toMatchObject({ status: 'ready', counts: { processed: 5, valid: 5 } });
    } finally {
      peers.failure = null;
    }
  });

  it('rows whose stored text would overflow a block document make the file invalid, not a retry loop', async () => {
    // within the row limit as read (8,000 characters), but JSON writes a control character in 6
    const rows = [...qtRows(1000, 'MPN-PPU', ASSETS, PERIOD)].map((r) => ({
      ...r,
      record_id: '\u0001'.repeat(4000),
      record_note: '\u0002'.repeat(4000),
    }));
    const f = await newFile();
    const done = await send(f._id, rows);
    expect(done).toMatchObject({ status: 'invalid' });
    expect(done.errorDetail).toBe(
      'the records around row 1 take more than 14 MB stored per 1000 rows: rows hold too much text',
    );
  });
});
