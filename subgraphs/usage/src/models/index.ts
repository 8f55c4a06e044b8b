// The usage database. Usage files are entities written through the change store (their status changes are
// events on the feed). Records, per-file aggregates and stored uploads are bulk rows owned by one file:
// written in batches, keyed deterministically by file and row so that re-processing is idempotent
// (docs/usage.md explains why they bypass the change store).
import { type EntityDoc, type EntityWriters, entityKind, entityModel } from '@daas/kit';
import { type Connection, Schema } from 'mongoose';
import type { RecordFields, UsageSchema } from '../domain/records.js';
import type { UsageFileStatus } from '../domain/usage-file-machine.js';

export type UploadFormat = 'csv' | 'xlsx' | 'json' | 'ndjson';

export interface UsageUpload {
  /** bumped by every upload; records and stored chunks carry the generation they belong to */
  generation: number;
  format: UploadFormat;
  fileName: string | null;
  startedAt: Date;
  /** records per stored block, fixed when the upload starts (so a setting changed later reads it right) */
  blockRows?: number;
  /** bumped by reprocessing: a new run writes a new set of record blocks */
  run?: number;
  /** set once the upload is stored (the file moves to processing) */
  chunks?: number;
  bytes?: number;
  /** runs of this upload started so far (the first one counts as 1; processor.ts gives up past the limit) */
  attempts?: number;
}

export interface UsageCounts {
  /** rows read so far (while processing) or in total */
  processed: number;
  valid: number;
  invalid: number;
}

export interface UsageFileDoc extends EntityDoc {
  name: string;
  description?: string | null;
  note?: string | null;
  externalId?: string | null;
  status: UsageFileStatus;
  schema?: UsageSchema;
  currency?: string;
  period?: { from: string; to: string };
  environment?: 'production';
  productId: string;
  contractId?: string;
  marketplaceId?: string;
  vendor: string;
  provider: string;
  /** assets that valid records of this file report on */
  assetIds: string[];
  /** the product's dynamic-item setting and usable item types when the file was created */
  dynamicItems?: boolean;
  itemTypes?: ('PPU' | 'RESERVATION')[];
  upload?: UsageUpload | null;
  /** progress while processing, the outcome after */
  counts?: UsageCounts;
  errorDetail?: string | null;
  acceptanceNote?: string | null;
  rejectionNote?: string | null;
  idempotencyKey?: string;
}

/**
 * What a row of an upload becomes, as stored inside a block (the file, the upload it came from and the
 * tenancy are the block's).
 */
export interface StoredRecord extends RecordFields {
  row: number;
  valid: boolean;
  errors: string[];
}

/** A record as the API reads it: its row, its file, and how it was closed. */
export interface UsageRecordDoc extends StoredRecord {
  /** UR-…: the file's id and the row number, so processing a row twice writes the same record */
  _id: string;
  usageFile: string;
  generation: number;
  externalBillingId?: string | null;
  externalBillingNote?: string | null;
  closedAt?: Date | null;
  _acl: string[];
}

/**
 * Records are stored many to a document (docs/usage.md, "Records live in blocks"): `r` blocks hold every
 * record of a fixed range of rows, `e` blocks the invalid ones in row order (the error list and report).
 */
export interface RecordBlockDoc {
  /** `<file>:<generation>.<run>:<kind>:<index, zero-padded>` */
  _id: string;
  usageFile: string;
  generation: number;
  /** bumped by reprocessing, which reads the same upload again */
  run: number;
  kind: 'r' | 'e';
  /**
   * The block's records as one JSON text (records/store.ts): FerretDB stores a document with a type
   * description of every nested field, so a thousand nested records cost several times one string.
   */
  data: string;
  _acl: string[];
}

/** How a record was closed (one document per closed record), or every open one of a file (`…:all`). */
export interface RecordCloseDoc {
  /** the record's id, or `<file>#<generation>:all` for a bulk close */
  _id: string;
  usageFile: string;
  generation: number;
  run: number;
  row?: number;
  externalBillingId: string;
  externalBillingNote: string | null;
  closedAt: Date;
}

/** Sum of one file's valid records per asset × item (the file's period is the aggregate's period). */
export interface UsageAggregateDoc {
  /** `<file>|<asset>|<mpn>` */
  _id: string;
  usageFile: string;
  assetId: string;
  itemId: string | null;
  mpn: string;
  productId: string;
  periodFrom: string;
  periodTo: string;
  quantity: string;
  amount: string;
  records: number;
  _acl: string[];
}

/** One piece of a stored upload, in order; processing reads them back as a stream. */
export interface UploadChunkDoc {
  /** `<file>:<generation>:<seq, zero-padded>` */
  _id: string;
  usageFile: string;
  generation: number;
  seq: number;
  data: Buffer;
  /** data is gzipped (every chunk stored since this was introduced) */
  gzip?: boolean;
}

export function usageModels(conn: Connection) {
  return {
    UsageFile: entityModel<UsageFileDoc>(
      conn,
      'UsageFile',
      'usage_files',
      {
        name: String,
        description: String,
        note: String,
        externalId: String,
        status: String,
        schema: String,
        currency: String,
        period: { from: String, to: String },
        environment: String,
        productId: String,
        contractId: String,
        marketplaceId: String,
        vendor: String,
        provider: String,
        assetIds: [String],
        upload: Schema.Types.Mixed,
        counts: Schema.Types.Mixed,
        errorDetail: String,
        acceptanceNote: String,
        rejectionNote: String,
      },
      [
        // Asset.usageFiles (_acl left out: two arrays cannot share a compound index)
        [{ assetIds: 1, createdAt: -1, _id: -1 }],
        // the processor's stale and lost files
        [{ status: 1, updatedAt: 1 }],
        // usageFiles(filter: product, status) of a tenant, and of the operator
        [{ _acl: 1, productId: 1, status: 1, createdAt: -1, _id: -1 }],
        [{ _acl: 1, status: 1, createdAt: -1, _id: -1 }],
        [{ productId: 1, status: 1, createdAt: -1, _id: -1 }],
      ],
    ),
    // Read and written by _id only (FerretDB serves nothing else without a scan); the index serves
    // dropping an older upload's blocks on MongoDB.
    RecordBlock: bulkModel<RecordBlockDoc>(conn, 'RecordBlock', 'usage_record_blocks', [
      [{ usageFile: 1, generation: 1, run: 1 }],
    ]),
    RecordClose: bulkModel<RecordCloseDoc>(conn, 'RecordClose', 'usage_record_closes', [
      [{ usageFile: 1, generation: 1 }],
    ]),
    UsageAggregate: bulkModel<UsageAggregateDoc>(conn, 'UsageAggregate', 'usage_aggregates', [
      [{ assetId: 1, periodFrom: 1 }],
      [{ productId: 1, periodFrom: 1 }],
      [{ usageFile: 1 }],
    ]),
    UploadChunk: bulkModel<UploadChunkDoc>(conn, 'UploadChunk', 'usage_upload_chunks', [
      [{ usageFile: 1, generation: 1 }],
    ]),
  };
}

/** A schemaless collection with indexes: rows are written with the driver in batches, read lean. */
function bulkModel<T>(
  conn: Connection,
  name: string,
  collection: string,
  indexes: [Record<string, 1 | -1>][],
) {
  const schema = new Schema(
    { _id: { type: String, required: true } },
    {
      collection,
      versionKey: false,
      strict: false,
      _id: false,
    },
  );
  for (const [def] of indexes) schema.index(def);
  return conn.model<T>(name, schema as never);
}

export type UsageModels = ReturnType<typeof usageModels>;

/** Every entity kind, declared once: its model, the type its events carry, the key of its feed partition. */
export const usageEntities = (m: UsageModels) => ({
  UsageFile: entityKind(m.UsageFile, 'UsageFile', (f) => f.vendor),
});

export type UsageWriters = EntityWriters<ReturnType<typeof usageEntities>>;
