// Usage records, stored many to a document. A file may have millions of records; one document each is
// what bound ingestion to the database's insert rate (FerretDB: ~5-8k documents/s), and FerretDB reads any
// filter but `_id` equality by scanning the collection. So records live in blocks found by `_id` alone
// (records/layout.ts), and closing, the one write after processing, is a document per closed record
// beside them (a block is never updated: FerretDB's updates are read-modify-write without a compare).
import { badInput, type Connection, connection, isDuplicateKey, type PageArgs, pageSize } from '@daas/kit';
import type {
  RecordBlockDoc,
  RecordCloseDoc,
  StoredRecord,
  UsageModels,
  UsageRecordDoc,
} from '../models/index.js';
import { blockId, blockIndexOf, bulkCloseId, type RecordSet, recordIdOf } from './layout.js';

export type RecordStatusFilter = 'VALID' | 'INVALID' | null;

/** A stored block with its records decoded. */
export interface RecordBlock extends Omit<RecordBlockDoc, 'data'> {
  records: StoredRecord[];
}

/** Reads a block by id (a request shares one through `sharedReader`; processing reads directly). */
export type BlockReader = (id: string) => Promise<RecordBlock | null>;

interface Closes {
  byRow: Map<number, RecordCloseDoc>;
  bulk: RecordCloseDoc | null;
}

const NO_CLOSES: Closes = { byRow: new Map(), bulk: null };

export class RecordStore {
  constructor(private readonly models: Pick<UsageModels, 'RecordBlock' | 'RecordClose'>) {}

  readBlock: BlockReader = async (id) => {
    const doc = await this.models.RecordBlock.findById(id).lean<RecordBlockDoc>();
    if (!doc) return null;
    const { data, ...rest } = doc;
    return { ...rest, records: decodeRecords(data) };
  };

  /** Unordered insert; a block an interrupted run already stored is refused by its _id and skipped. */
  async insert(blocks: RecordBlockDoc[]): Promise<void> {
    if (blocks.length === 0) return;
    try {
      await this.models.RecordBlock.collection.insertMany(blocks as never[], { ordered: false });
    } catch (e) {
      const errors = (e as { writeErrors?: unknown[] | unknown }).writeErrors;
      const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
      if (list.length === 0 || !list.every(isDuplicateKey)) throw e;
    }
  }

  /** Drops the blocks of the file's other uploads and runs ("re-upload replaces the records"). */
  async keepOnly(set: RecordSet): Promise<void> {
    await this.models.RecordBlock.deleteMany({
      usageFile: set.file,
      $or: [{ generation: { $ne: set.generation } }, { run: { $ne: set.run } }],
    });
  }

  /** A reader that reads each block once (for one request or one batch of closes). */
  sharedReader(): BlockReader {
    const seen = new Map<string, Promise<RecordBlock | null>>();
    return (id) => {
      let block = seen.get(id);
      if (!block) {
        block = this.readBlock(id);
        seen.set(id, block);
      }
      return block;
    };
  }

  /** The record at `row`, or null. */
  async get(set: RecordSet, row: number, closable: boolean, read = this.readBlock) {
    return (await this.getMany(set, [row], closable, read))[0] ?? null;
  }

  /** The records at `rows` of one set (null where there is none), their closes read in one go. */
  async getMany(
    set: RecordSet,
    rows: readonly number[],
    closable: boolean,
    read = this.readBlock,
  ): Promise<(UsageRecordDoc | null)[]> {
    const found = await Promise.all(
      rows.map(async (row) => {
        if (!Number.isInteger(row) || row < 1) return null;
        const block = await read(blockId(set, 'r', blockIndexOf(set, row)));
        const stored = block?.records.find((r) => r.row === row);
        return block && stored ? { block, stored } : null;
      }),
    );
    const present = found.filter((f) => f !== null);
    const closes =
      closable && present.length > 0
        ? await this.closesOf(
            set,
            present.map((f) => f.stored.row),
          )
        : NO_CLOSES;
    return found.map((f) => (f ? view(set, f.block, f.stored, closes) : null));
  }

  /**
   * A page of the file's records in row order; `INVALID` walks the error blocks, so a few bad rows among
   * millions are found without reading the others. `last` is the highest row number of the set.
   */
  async page(
    set: RecordSet,
    args: PageArgs,
    opts: { status: RecordStatusFilter; last: number; total: number; closable: boolean },
    read = this.readBlock,
  ): Promise<Connection<UsageRecordDoc>> {
    const first = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after) : { row: 0, hint: 0 };
    const kind = opts.status === 'INVALID' ? 'e' : 'r';
    const found: { block: RecordBlock; stored: StoredRecord; index: number }[] = [];
    let index = kind === 'r' ? blockIndexOf(set, after.row + 1) : after.hint;
    const lastIndex = blockIndexOf(set, Math.max(opts.last, 1));
    while (found.length <= first && (kind === 'e' || index <= lastIndex)) {
      const block = await read(blockId(set, kind, index));
      if (!block && kind === 'e') break;
      for (const stored of block?.records ?? []) {
        if (stored.row <= after.row || (opts.status === 'VALID' && !stored.valid)) continue;
        found.push({ block: block!, stored, index });
        if (found.length > first) break;
      }
      index++;
    }
    const page = found.slice(0, first);
    const closes = opts.closable
      ? await this.closesOf(
          set,
          page.map((f) => f.stored.row),
        )
      : NO_CLOSES;
    const edges = page.map((f) => ({
      cursor: encodeCursor(f.stored.row, f.index),
      node: view(set, f.block, f.stored, closes),
    }));
    return connection(edges, found.length > first, async () => opts.total);
  }

  /** Every invalid record of the set, in row order. */
  async *invalid(set: RecordSet): AsyncGenerator<StoredRecord> {
    for (let index = 0; ; index++) {
      const block = await this.readBlock(blockId(set, 'e', index));
      if (!block) return;
      yield* block.records;
    }
  }

  /** Every record of the set, in row order (small files and tests). */
  async *all(set: RecordSet, last: number): AsyncGenerator<UsageRecordDoc> {
    for (let index = 0; index <= blockIndexOf(set, Math.max(last, 1)); index++) {
      const block = await this.readBlock(blockId(set, 'r', index));
      if (!block) continue;
      const closes = await this.closesOf(
        set,
        block.records.map((r) => r.row),
      );
      for (const stored of block.records) yield view(set, block, stored, closes);
    }
  }

  /** Closes one record with a billing id; a second close edits the id and note and keeps the first time. */
  async close(set: RecordSet, row: number, billing: { id: string; note: string | null }, at: Date) {
    await this.upsertClose(recordIdOf(set.file, row), set, { row }, billing, at);
  }

  /** Closes every record of the set that is not closed on its own. */
  async closeAll(set: RecordSet, billing: { id: string; note: string | null }, at: Date) {
    await this.upsertClose(bulkCloseId(set), set, {}, billing, at);
  }

  /** How many valid records are closed (`valid`: how many there are). */
  async closedCount(set: RecordSet, valid: number): Promise<number> {
    if (await this.models.RecordClose.exists({ _id: bulkCloseId(set) })) return valid;
    return this.models.RecordClose.countDocuments({
      usageFile: set.file,
      generation: set.generation,
      run: set.run,
      row: { $exists: true },
    });
  }

  private async upsertClose(
    id: string,
    set: RecordSet,
    extra: { row?: number },
    billing: { id: string; note: string | null },
    at: Date,
  ) {
    const update = {
      $set: { externalBillingId: billing.id, externalBillingNote: billing.note },
      $setOnInsert: { usageFile: set.file, generation: set.generation, run: set.run, closedAt: at, ...extra },
    };
    try {
      await this.models.RecordClose.updateOne({ _id: id }, update, { upsert: true });
    } catch (e) {
      // two first closes at once: the loser's insert is refused; it only has the billing id left to set
      if (!isDuplicateKey(e)) throw e;
      await this.models.RecordClose.updateOne({ _id: id }, { $set: update.$set });
    }
  }

  /** Point reads (FerretDB serves nothing else without scanning the collection). */
  private async closesOf(set: RecordSet, rows: number[]): Promise<Closes> {
    const [bulk, ...each] = await Promise.all([
      this.models.RecordClose.findById(bulkCloseId(set)).lean<RecordCloseDoc>(),
      ...rows.map((row) =>
        this.models.RecordClose.findById(recordIdOf(set.file, row)).lean<RecordCloseDoc>(),
      ),
    ]);
    const byRow = new Map<number, RecordCloseDoc>();
    for (const c of each) if (c?.row !== undefined) byRow.set(c.row, c);
    return { byRow, bulk: bulk ?? null };
  }
}

function view(set: RecordSet, block: RecordBlock, stored: StoredRecord, closes: Closes): UsageRecordDoc {
  const own = stored.valid ? closes.byRow.get(stored.row) : undefined;
  const bulk = stored.valid ? closes.bulk : null;
  const closedAt = [own?.closedAt, bulk?.closedAt].filter((d): d is Date => d instanceof Date);
  return {
    ...stored,
    _id: recordIdOf(set.file, stored.row),
    usageFile: set.file,
    generation: set.generation,
    errors: stored.errors ?? [],
    externalBillingId: own?.externalBillingId ?? bulk?.externalBillingId ?? null,
    externalBillingNote: own ? own.externalBillingNote : (bulk?.externalBillingNote ?? null),
    closedAt: closedAt.length > 0 ? new Date(Math.min(...closedAt.map((d) => d.getTime()))) : null,
    _acl: block._acl,
  };
}

const DATES = new Set(['startTime', 'endTime']);

export const encodeRecords = (records: StoredRecord[]): string => JSON.stringify(records);

function decodeRecords(data: string): StoredRecord[] {
  return JSON.parse(data, (key, value) =>
    DATES.has(key) && typeof value === 'string' ? new Date(value) : value,
  );
}

function encodeCursor(row: number, hint: number): string {
  return Buffer.from(`${row}:${hint}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { row: number; hint: number } {
  const [row, hint] = Buffer.from(cursor, 'base64url').toString('utf8').split(':').map(Number);
  if (!Number.isInteger(row) || !Number.isInteger(hint) || row! < 0 || hint! < 0)
    throw badInput('after', 'not a cursor of this list');
  return { row: row!, hint: hint! };
}
