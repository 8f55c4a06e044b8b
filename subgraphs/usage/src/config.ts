// The usage subgraph's own settings (README "Configuration"), on top of the kit's.
import { ConfigError, loadConfig, positiveInt } from '@daas/kit';
import type { ReadLimits } from './ingest/rows.js';

export const usageConfigShape = {
  /** the largest upload accepted, in MB */
  USAGE_MAX_UPLOAD_MB: positiveInt(1024),
  /** records stored per block document (and checked per batch while processing) */
  USAGE_BLOCK_ROWS: positiveInt(1000),
  /** a file in processing with no progress for this long is resumed by a sweep (a crashed processor) */
  USAGE_STALE_SECONDS: positiveInt(20),
  /** an upload body that sends nothing for this long fails (a stalled or vanished client) */
  USAGE_UPLOAD_IDLE_MS: positiveInt(60_000),
  /** runs of one upload that may fail (or die) before the file is given up as INVALID */
  USAGE_MAX_ATTEMPTS: positiveInt(3),
  /** the longest cell (characters) of any format; a longer one makes its row invalid */
  USAGE_MAX_CELL_CHARS: positiveInt(4096),
  /** the longest row (bytes): a CSV record (the file is invalid), an NDJSON line or XLSX row (the row is) */
  USAGE_MAX_ROW_BYTES: positiveInt(8192),
  /** the sheets of an XLSX upload together, unpacked, in MB */
  USAGE_XLSX_MAX_SHEET_MB: positiveInt(512),
  /** any other part of an XLSX upload (shared strings, styles: held in memory whole), unpacked, in MB */
  USAGE_XLSX_MAX_PART_MB: positiveInt(64),
  /** the largest unpacked : packed ratio of an XLSX part past its first MB (a zip bomb) */
  USAGE_XLSX_MAX_RATIO: positiveInt(100),
};

export interface UsageConfig {
  maxUploadBytes: number;
  blockRows: number;
  staleMs: number;
  uploadIdleMs: number;
  maxAttempts: number;
  limits: ReadLimits;
}

/**
 * A block of records is one document (records/layout.ts), so the largest row times the rows of a block
 * must leave room under the database's 16 MB document limit.
 */
const MAX_BLOCK_TEXT = 12 * 1024 * 1024;

export function loadUsageConfig(env: Record<string, string | undefined> = process.env): UsageConfig {
  const c = loadConfig(usageConfigShape, env);
  if (c.USAGE_MAX_ROW_BYTES * c.USAGE_BLOCK_ROWS > MAX_BLOCK_TEXT) {
    throw new ConfigError([
      `USAGE_MAX_ROW_BYTES × USAGE_BLOCK_ROWS must stay under ${MAX_BLOCK_TEXT >> 20} MB (a block is one document)`,
    ]);
  }
  return {
    maxUploadBytes: c.USAGE_MAX_UPLOAD_MB * 1024 * 1024,
    blockRows: c.USAGE_BLOCK_ROWS,
    staleMs: c.USAGE_STALE_SECONDS * 1000,
    uploadIdleMs: c.USAGE_UPLOAD_IDLE_MS,
    maxAttempts: c.USAGE_MAX_ATTEMPTS,
    limits: {
      maxCellChars: c.USAGE_MAX_CELL_CHARS,
      maxRowBytes: c.USAGE_MAX_ROW_BYTES,
      xlsx: {
        maxSheetBytes: c.USAGE_XLSX_MAX_SHEET_MB * 1024 * 1024,
        maxPartBytes: c.USAGE_XLSX_MAX_PART_MB * 1024 * 1024,
        maxRatio: c.USAGE_XLSX_MAX_RATIO,
      },
    },
  };
}
