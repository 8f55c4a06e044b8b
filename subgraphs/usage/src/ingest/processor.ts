// Turns a stored upload into records, exactly once even if the process dies half-way.
//
// Why it is safe to run again: records are stored in blocks of a fixed range of rows whose _id is the
// file, the record set and the block number (records/layout.ts), so a block written twice is refused by
// the unique _id and ignored; the file's `counts.processed` is a checkpoint of rows known to be written
// (moved only after their block is stored), so a resumed run re-reads the upload (for counts, sums and
// the error blocks, which are deterministic) but writes record blocks only past the checkpoint. Blocks of
// an older upload or run and the file's aggregates are dropped at the start of every run. The run ends
// with one change of the file (processing -> ready | invalid) through the change store.
//
// Who runs it: the upload that stored the file, and a sweep (every replica) that picks up files left in
// `processing` whose last progress is older than the stale interval (a dead or stuck processor).
//
// When a run fails: a problem of the upload itself (FormatError: unreadable, over a limit) makes the file
// INVALID at once; a failure of the database or the gateway is retried by the sweep for as long as it
// lasts; anything else, and a process that died mid-run, counts as an attempt (`upload.attempts`, written
// before a resumed run starts, so a crash loop counts too), and after `maxAttempts` the file is given up
// as INVALID instead of being picked up again.
import { entityWriters, isDomainError, type KitEnv } from '@daas/kit';
import {
  type AssetFacts,
  type AssetLookup,
  assetRefOf,
  checkRow,
  type FileRules,
  type ItemFacts,
  missingColumns,
  parameterKey,
  type RawRow,
} from '../domain/records.js';
import { transition } from '../domain/usage-file-machine.js';
import { systemChange } from '../flows/file-changes.js';
import { failUpload } from '../flows/upload-failure.js';
import {
  type RecordBlockDoc,
  type StoredRecord,
  type UsageCounts,
  type UsageFileDoc,
  type UsageModels,
  type UsageWriters,
  usageEntities,
} from '../models/index.js';
import type { UsagePeers } from '../peers.js';
import { blockId, blockIndexOf, type RecordSet, recordSetOf } from '../records/layout.js';
import { encodeRecords, type RecordStore } from '../records/store.js';
import { Aggregator } from './aggregator.js';
import { FormatError, type ReadLimits, readRows } from './rows.js';
import type { UploadStore } from './upload-store.js';

export interface ProcessorOptions {
  /** a file in processing with no progress for this long is taken over by a sweep */
  staleMs: number;
  /** how often progress is written to the file (and so to the feed) */
  progressMs: number;
  /** runs of one upload that may fail or die before the file is given up */
  maxAttempts: number;
  /** a file uploading with no change for this long has lost its upload (its process died) */
  uploadStaleMs: number;
  limits: ReadLimits;
}

const ERRORS_IN_DETAIL = 5;
/** a block is one document; the database refuses documents over 16 MB */
const MAX_BLOCK_BYTES = 14 * 1024 * 1024;

/** The file moved on (deleted, re-uploaded) while it was processed: stop quietly. */
class Abandoned extends Error {}

export class UsageProcessor {
  private readonly running = new Map<string, Promise<void>>();
  /** files whose last run here failed for a passing reason: resuming them is not another attempt */
  private readonly passing = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly kit: Pick<KitEnv, 'changes' | 'log'>,
    private readonly models: UsageModels,
    private readonly peers: UsagePeers,
    private readonly uploads: UploadStore,
    private readonly records: RecordStore,
    private readonly opts: ProcessorOptions,
  ) {
    this.write = entityWriters(kit.changes, usageEntities(models));
  }

  private readonly write: Pick<UsageWriters, 'UsageFile'>;

  /**
   * Processes the file if it is in `processing` and not already being processed here. `resumed`: a run
   * the sweep starts, which counts as another attempt.
   */
  run(fileId: string, resumed = false): Promise<void> {
    let job = this.running.get(fileId);
    if (!job) {
      job = (resumed ? this.resume(fileId) : this.process(fileId))
        .catch((e) => {
          if (e instanceof Abandoned) return;
          const passing = isPassing(e);
          if (passing) this.passing.add(fileId);
          this.kit.log.warn(
            { file: fileId, err: (e as Error).message, passing },
            passing
              ? 'usage processing failed; will retry'
              : 'usage processing failed; counted as an attempt',
          );
        })
        .finally(() => this.running.delete(fileId));
      this.running.set(fileId, job);
    }
    return job;
  }

  /** A resumed run: one more attempt, unless the last one here failed for a passing reason. */
  private async resume(fileId: string): Promise<void> {
    if (this.passing.delete(fileId)) return this.process(fileId);
    let spent = false;
    await systemChange(this.write, fileId, (doc) => {
      if (doc.status !== 'processing') throw new Abandoned();
      const attempts = (doc.upload?.attempts ?? 1) + 1;
      if (attempts <= this.opts.maxAttempts) {
        return { kind: 'progress', set: { upload: { ...doc.upload, attempts } } };
      }
      spent = true;
      return {
        kind: 'invalidated',
        to: transition(doc, 'invalidate', 'system').to,
        set: {
          errorDetail: `processing failed ${this.opts.maxAttempts} times and is not retried: the upload cannot be processed as it is`,
          assetIds: [],
        },
      };
    });
    if (spent) {
      this.kit.log.error({ file: fileId }, 'usage processing given up after its last attempt');
      return;
    }
    return this.process(fileId);
  }

  /** Resumes interrupted processing now and every half stale interval. */
  startSweeps(): void {
    const sweep = () =>
      void this.sweep().catch((e) => this.kit.log.warn({ err: (e as Error).message }, 'usage sweep failed'));
    sweep();
    this.timer = setInterval(sweep, Math.max(1000, this.opts.staleMs / 2));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.running.values()]);
  }

  /** Resumes stale processing; gives up uploads whose process died. Returns how many files it took. */
  async sweep(): Promise<number> {
    const stale = await this.models.UsageFile.find(
      { status: 'processing', updatedAt: { $lt: new Date(Date.now() - this.opts.staleMs) } },
      { _id: 1 },
    ).lean();
    for (const f of stale) {
      if (this.running.has(f._id)) continue;
      this.kit.log.info({ file: f._id }, 'resuming interrupted usage processing');
      void this.run(f._id, true);
    }
    // a live upload changes its file at least every quarter stale interval (flows/usage-files.ts) and
    // fails by itself after the idle time: one silent for longer has lost its process
    const before = new Date(Date.now() - this.opts.uploadStaleMs);
    const lost = await this.models.UsageFile.find(
      { status: 'uploading', updatedAt: { $lt: before } },
      { _id: 1, upload: 1 },
    ).lean<Pick<UsageFileDoc, '_id' | 'upload'>[]>();
    let failed = 0;
    for (const f of lost) {
      const reason =
        'the upload did not finish (its connection or the service stopped mid-upload); upload the file again';
      if (await failUpload(this.write, f._id, f.upload?.generation ?? 0, reason, before)) {
        this.kit.log.warn({ file: f._id }, 'usage upload abandoned mid-way; file invalid');
        failed++;
      }
    }
    return stale.length + failed;
  }

  private async process(fileId: string): Promise<void> {
    const file = await this.models.UsageFile.findById(fileId).lean<UsageFileDoc>();
    if (file?.status !== 'processing' || file.upload?.chunks === undefined) return;
    this.passing.delete(fileId);
    const upload = file.upload;
    const generation = upload.generation;
    const set = recordSetOf(file);
    await this.uploads.keepOnly(fileId, generation);
    await this.records.keepOnly(set);
    await this.models.UsageAggregate.deleteMany({ usageFile: fileId });
    const checkpoint = file.counts?.processed ?? 0;

    const product = await this.peers.product(file.productId);
    if (!product)
      return this.finish(
        file,
        { processed: 0, valid: 0, invalid: 0 },
        `product ${file.productId} is no longer available`,
        new Aggregator(),
      );
    const items = new Map<string, ItemFacts>(
      product.items.filter((i) => i.status !== 'DRAFT').map((i) => [i.mpn, i]),
    );
    const rules: FileRules = {
      schema: file.schema ?? 'qt',
      productId: file.productId,
      marketplaceId: file.marketplaceId ?? '',
      period: file.period ?? { from: '1970-01-01', to: '9999-12-31' },
      dynamicItems: file.dynamicItems ?? product.dynamicItems,
      itemTypes: file.itemTypes ?? ['PPU'],
    };

    const assets: AssetLookup = { byId: new Map(), byParameter: new Map() };
    const sums = new Aggregator();
    const counts: UsageCounts = { processed: 0, valid: 0, invalid: 0 };
    const firstErrors: string[] = [];
    const errorBlocks = new ErrorBlocks(set, file._acl);
    let durable = checkpoint;
    let inflight: Promise<void> = Promise.resolve();
    let lastProgress = Date.now();
    // the rows of one block: rows are numbered from 1, and a block holds a fixed range of them
    let batch: { row: number; values: RawRow; error?: string }[] = [];
    let batchIndex = 0;

    const flush = async (final: boolean) => {
      const rows = batch;
      batch = [];
      const blocks: RecordBlockDoc[] = [];
      if (rows.length > 0) {
        await this.resolveAssets(file.productId, rows, assets);
        const stored: StoredRecord[] = [];
        for (const r of rows) {
          const checked = r.error
            ? { fields: checkRow({}, rules, items, assets).fields, errors: [r.error] }
            : checkRow(r.values, rules, items, assets);
          const valid = checked.errors.length === 0;
          counts.processed = r.row;
          if (valid) {
            counts.valid++;
            sums.add(checked.fields);
          } else {
            counts.invalid++;
            if (firstErrors.length < ERRORS_IN_DETAIL)
              firstErrors.push(`record ${r.row}: ${checked.errors.join('; ')}`);
          }
          const record = slim({ row: r.row, valid, errors: checked.errors, ...checked.fields });
          stored.push(record);
          if (!valid) errorBlocks.add(record, blocks);
        }
        // blocks up to the checkpoint are stored already (a resumed run)
        if (rows.at(-1)!.row > checkpoint) blocks.push(recordBlock(set, 'r', batchIndex, stored, file._acl));
      }
      if (final) errorBlocks.flush(blocks);
      for (const b of blocks) {
        // rows are bounded (rows.ts), but text that JSON escapes (control characters) can grow sixfold
        if (b.data.length * 3 > MAX_BLOCK_BYTES && Buffer.byteLength(b.data) > MAX_BLOCK_BYTES) {
          throw new FormatError(
            `the records around row ${rows[0]?.row ?? counts.processed} take more than ${MAX_BLOCK_BYTES >> 20} MB stored per ${set.blockRows} rows: rows hold too much text`,
          );
        }
      }
      await inflight; // one block in flight while the next one is read and checked
      if (rows.length === 0 && blocks.length === 0) return;
      const lastRow = rows.at(-1)?.row ?? durable;
      const snapshot = { ...counts };
      inflight = this.records.insert(blocks).then(async () => {
        durable = Math.max(durable, lastRow);
        if (Date.now() - lastProgress >= this.opts.progressMs) {
          lastProgress = Date.now();
          await this.progress(file, { ...snapshot, processed: durable });
        }
      });
    };

    try {
      const open = () => this.uploads.read(fileId, generation, upload.chunks ?? 0);
      for await (const ev of readRows(open, upload.format, this.opts.limits)) {
        if (ev.kind === 'columns') {
          const missing = missingColumns(ev.columns, rules.schema);
          if (missing.length > 0) {
            throw new FormatError(`missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
          }
          continue;
        }
        const index = blockIndexOf(set, ev.row);
        if (index !== batchIndex && batch.length > 0) await flush(false);
        batchIndex = index;
        batch.push(ev);
      }
      await flush(true);
      await inflight;
    } catch (e) {
      await inflight.catch(() => {});
      if (!(e instanceof FormatError)) throw e;
      return this.finish(file, counts, e.message, new Aggregator());
    }
    if (counts.processed === 0) return this.finish(file, counts, 'the upload has no records', sums);
    const detail =
      counts.invalid > 0
        ? `${counts.invalid} of ${counts.processed} records are invalid; ${firstErrors.join(' | ')}`
        : null;
    return this.finish(file, counts, detail, sums);
  }

  /** Looks up, in batches, the assets this batch names that earlier batches did not. */
  private async resolveAssets(
    productId: string,
    rows: { values: RawRow }[],
    assets: AssetLookup,
  ): Promise<void> {
    const ids = new Set<string>();
    const byName = new Map<string, Set<string>>();
    for (const r of rows) {
      const ref = assetRefOf(r.values);
      if (typeof ref === 'string') continue;
      if (ref.by === 'id') {
        if (!assets.byId.has(ref.value)) ids.add(ref.value);
      } else if (!assets.byParameter.has(parameterKey(ref.name, ref.value))) {
        const values = byName.get(ref.name) ?? new Set<string>();
        byName.set(ref.name, values);
        values.add(ref.value);
      }
    }
    if (ids.size > 0) for (const [id, a] of await this.peers.assets([...ids])) assets.byId.set(id, a);
    for (const [name, values] of byName) {
      const found = await this.peers.assetsByParameter(productId, name, [...values]);
      for (const v of values)
        assets.byParameter.set(parameterKey(name, v), found.get(v) ?? ([] as AssetFacts[]));
    }
  }

  private async progress(file: UsageFileDoc, counts: UsageCounts): Promise<void> {
    await systemChange(this.write, file._id, (doc) => {
      if (doc.status !== 'processing' || doc.upload?.generation !== file.upload?.generation)
        throw new Abandoned();
      return { kind: 'progress', set: { counts } };
    });
  }

  private async finish(
    file: UsageFileDoc,
    counts: UsageCounts,
    errorDetail: string | null,
    sums: Aggregator,
  ): Promise<void> {
    const valid = errorDetail === null;
    if (valid) {
      const rows = sums.rows().map((a) => ({
        _id: `${file._id}|${a.assetId}|${a.mpn}`,
        usageFile: file._id,
        productId: file.productId,
        periodFrom: file.period?.from ?? '',
        periodTo: file.period?.to ?? '',
        ...a,
        _acl: file._acl,
      }));
      if (rows.length > 0)
        await this.models.UsageAggregate.collection.insertMany(rows as never[], { ordered: false });
    }
    await systemChange(this.write, file._id, (doc) => {
      if (doc.status !== 'processing' || doc.upload?.generation !== file.upload?.generation)
        throw new Abandoned();
      const t = transition(doc, valid ? 'process' : 'invalidate', 'system');
      return {
        kind: valid ? 'processed' : 'invalidated',
        to: t.to,
        set: { counts, errorDetail, assetIds: valid ? sums.assetIds() : [] },
      };
    });
  }
}

/**
 * Whether a failed run may succeed when simply run again: the database or the gateway was unreachable,
 * or the file was changing under it. Anything else would fail the same way again.
 */
export function isPassing(e: unknown): boolean {
  if (isDomainError(e)) return e.code === 'INTERNAL' || e.code === 'CONFLICT';
  const err = e as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    hasErrorLabel?: (l: string) => boolean;
  };
  if (
    typeof err?.name === 'string' &&
    /^Mongo(ose)?(Network|ServerSelection|NotConnected|TopologyClosed|PoolCleared)/.test(err.name)
  )
    return true;
  if (err?.hasErrorLabel?.('RetryableWriteError') || err?.hasErrorLabel?.('ResetPool')) return true;
  if (typeof err?.code === 'string' && /^(ECONN|ETIMEDOUT|EPIPE|EAI_AGAIN|UND_ERR)/.test(err.code))
    return true;
  return typeof err?.message === 'string' && /buffering timed out|connection .* closed/i.test(err.message);
}

function recordBlock(
  set: RecordSet,
  kind: 'r' | 'e',
  index: number,
  records: StoredRecord[],
  acl: string[],
): RecordBlockDoc {
  return {
    _id: blockId(set, kind, index),
    usageFile: set.file,
    generation: set.generation,
    run: set.run,
    kind,
    data: encodeRecords(records),
    _acl: acl,
  };
}

/**
 * The invalid records in row order, blockRows to a block. A resumed run reads every row again, so it
 * rebuilds the same blocks and their inserts are ignored.
 */
class ErrorBlocks {
  private pending: StoredRecord[] = [];
  private index = 0;

  constructor(
    private readonly set: RecordSet,
    private readonly acl: string[],
  ) {}

  add(record: StoredRecord, out: RecordBlockDoc[]): void {
    this.pending.push(record);
    if (this.pending.length >= this.set.blockRows) this.flush(out);
  }

  flush(out: RecordBlockDoc[]): void {
    if (this.pending.length === 0) return;
    out.push(recordBlock(this.set, 'e', this.index++, this.pending, this.acl));
    this.pending = [];
  }
}

/** Leaves out empty fields: a block's size, and so its write and read cost, grows with them. */
function slim(record: StoredRecord): StoredRecord {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as unknown as StoredRecord;
}
