// Reads the rows of an upload, whatever its format, as a stream: one row at a time, never the whole file
// (JSON arrays excepted: use NDJSON for large files). Tabular formats announce their header first, so a
// missing required column is reported once for the file instead of on every row.
//
// Every reader is bounded (docs/usage.md, "Limits"): a cell, a row and an XLSX part have a largest size,
// counted while reading, so a hostile upload costs no more memory than a well-formed one. A row over a
// limit is a row error where the reader can skip it (NDJSON, JSON, XLSX); a CSV record over the limit
// ends the file (the parser cannot find the next record without reading the whole long one).
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import type { RawRow } from '../domain/records.js';
import type { UploadFormat } from '../models/index.js';
import { FormatError } from './format-error.js';
import { checkXlsx, type XlsxLimits } from './xlsx-guard.js';

export { FormatError };

export type RowEvent =
  | { kind: 'columns'; columns: string[] }
  /** `row` counts records from 1, in upload order; `error`: the row could not be read at all */
  | { kind: 'row'; row: number; values: RawRow; error?: string };

/**
 * JSON arrays are parsed whole; bigger uploads must be NDJSON, CSV or XLSX (a parsed array takes several
 * times its text in memory, and the usage process's heap is bounded).
 */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

export interface ReadLimits {
  /** characters of one cell (or JSON value) */
  maxCellChars: number;
  /** bytes of one CSV record or NDJSON line; characters of one XLSX or JSON row's values */
  maxRowBytes: number;
  xlsx: Omit<XlsxLimits, 'maxRunBytes'>;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxCellChars: 4096,
  maxRowBytes: 8192,
  xlsx: { maxSheetBytes: 512 * 1024 * 1024, maxPartBytes: 64 * 1024 * 1024, maxRatio: 100 },
};

/** Column names as written in templates; custom params keep the case of their name (v.<name>, p.<name>). */
export function normalizeColumn(name: string): string {
  const s = name.trim();
  return /^[vp]\./i.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s.toLowerCase();
}

/**
 * `open` gives the upload from its first byte; XLSX reads it twice (the zip is checked before the
 * workbook reader sees it).
 */
export function readRows(
  open: () => Readable,
  format: UploadFormat,
  limits: ReadLimits = DEFAULT_LIMITS,
): AsyncGenerator<RowEvent> {
  switch (format) {
    case 'csv':
      return csvRows(open(), limits);
    case 'ndjson':
      return ndjsonRows(open(), limits);
    case 'json':
      return jsonRows(open(), limits);
    case 'xlsx':
      return xlsxRows(open, limits);
  }
}

/** Why a row is refused for its size, if it is: a cell or the whole row too long. */
function oversized(values: RawRow, limits: ReadLimits): string | undefined {
  let total = 0;
  for (const [column, value] of Object.entries(values)) {
    if (column.length > limits.maxCellChars) {
      return `a column name is longer than ${limits.maxCellChars} characters`;
    }
    if (value.length > limits.maxCellChars) {
      return `${column.slice(0, 64)}: longer than ${limits.maxCellChars} characters`;
    }
    total += value.length;
  }
  if (total > limits.maxRowBytes) return `the row is longer than ${limits.maxRowBytes} characters`;
  return undefined;
}

/** The row, or the row refused for its size (its values dropped: a refused row stores nothing of them). */
function boundedRow(row: number, values: RawRow, limits: ReadLimits): RowEvent {
  const error = oversized(values, limits);
  return error ? { kind: 'row', row, values: {}, error } : { kind: 'row', row, values };
}

async function* csvRows(input: Readable, limits: ReadLimits): AsyncGenerator<RowEvent> {
  // the parser counts a record's bytes as it reads them and stops at the limit
  const parser = parseCsv({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: limits.maxRowBytes,
  });
  // a failed read of the stored upload is not the file's fault: it is rethrown as it is, to be retried
  let inputError: Error | null = null;
  input.on('error', (e) => {
    inputError = e;
    parser.destroy(e);
  });
  input.pipe(parser);
  let header: string[] | null = null;
  let n = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = cells.map(normalizeColumn);
        yield { kind: 'columns', columns: header };
        continue;
      }
      n++;
      yield boundedRow(n, zip(header, cells), limits);
    }
  } catch (e) {
    if (inputError) throw inputError;
    const err = e as { code?: string; lines?: number };
    if (err.code === 'CSV_MAX_RECORD_SIZE') {
      // records read ahead of the consumer are dropped with the parser: name the line, which is exact
      throw new FormatError(`the CSV record on line ${err.lines} is longer than ${limits.maxRowBytes} bytes`);
    }
    throw new FormatError(`CSV unreadable after record ${n}: ${(e as Error).message}`);
  } finally {
    input.destroy();
  }
  if (!header) throw new FormatError('the CSV file is empty (a header row is required)');
}

function zip(header: string[], cells: unknown[]): RawRow {
  const row: RawRow = {};
  for (let i = 0; i < header.length; i++) {
    const h = header[i]!;
    if (h) row[h] = cellText(cells[i]);
  }
  return row;
}

async function* ndjsonRows(input: Readable, limits: ReadLimits): AsyncGenerator<RowEvent> {
  let n = 0;
  for await (const line of boundedLines(input, limits.maxRowBytes)) {
    if (line === null) {
      yield {
        kind: 'row',
        row: ++n,
        values: {},
        error: `the line is longer than ${limits.maxRowBytes} bytes`,
      };
      continue;
    }
    if (line.trim() === '') continue;
    n++;
    yield objectRow(n, () => JSON.parse(line), limits);
  }
}

/**
 * The lines of a byte stream (LF or CRLF), each at most `max` bytes: a longer one is reported once as
 * null when it passes the limit, and its remaining bytes are skipped up to the next line, not kept.
 */
export async function* boundedLines(
  input: AsyncIterable<Buffer>,
  max: number,
): AsyncGenerator<string | null> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  const line = () => {
    let text = Buffer.concat(parts).toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    parts = [];
    size = 0;
    return text;
  };
  for await (const chunk of input) {
    let from = 0;
    while (from < chunk.length) {
      const nl = chunk.indexOf(0x0a, from);
      const end = nl === -1 ? chunk.length : nl;
      if (!skipping) {
        size += end - from;
        // one byte of slack for the CR of a CRLF line
        if (size > max + 1) {
          parts = [];
          size = 0;
          skipping = true;
          yield null;
        } else {
          parts.push(chunk.subarray(from, end));
        }
      }
      if (nl === -1) break;
      if (skipping) skipping = false;
      else yield line();
      from = nl + 1;
    }
  }
  if (!skipping && size > 0) yield line();
}

async function* jsonRows(input: Readable, limits: ReadLimits): AsyncGenerator<RowEvent> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) {
      throw new FormatError(
        `a JSON array upload is limited to ${MAX_JSON_BYTES >> 20} MB; send NDJSON or CSV`,
      );
    }
    parts.push(chunk as Buffer);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch (e) {
    throw new FormatError(`not JSON: ${(e as Error).message}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { records?: unknown } | null)?.records;
  if (!Array.isArray(list))
    throw new FormatError('expected a JSON array of records (or { "records": [...] })');
  for (let i = 0; i < list.length; i++) yield objectRow(i + 1, () => list[i], limits);
}

function objectRow(row: number, read: () => unknown, limits: ReadLimits): RowEvent {
  let value: unknown;
  try {
    value = read();
  } catch {
    return { kind: 'row', row, values: {}, error: 'not valid JSON' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'row', row, values: {}, error: 'not a JSON object' };
  }
  const values: RawRow = {};
  for (const [k, v] of Object.entries(value)) values[normalizeColumn(k)] = cellText(v);
  return boundedRow(row, values, limits);
}

/** The records are on the first sheet (as in the template), header on its first row. */
async function* xlsxRows(open: () => Readable, limits: ReadLimits): AsyncGenerator<RowEvent> {
  // the workbook reader holds a cell's text, and the shared strings, whole: check what they unpack to first
  await checkXlsx(open(), { ...limits.xlsx, maxRunBytes: Math.max(64 * 1024, 8 * limits.maxCellChars) });
  const input = open();
  // the reader pipes its input and would wait for ever after a failed read: fail at once instead
  let inputError: Error | null = null;
  const failed = new Promise<never>((_, reject) =>
    input.on('error', (e) => {
      inputError ??= e;
      reject(e);
    }),
  );
  failed.catch(() => {});
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    entries: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  });
  let header: string[] | null = null;
  let n = 0;
  try {
    for await (const sheet of orFail(reader, failed)) {
      for await (const row of orFail(sheet as AsyncIterable<ExcelJS.Row>, failed)) {
        const cells = (row.values as unknown[]).slice(1);
        if (!header) {
          header = cells.map((c) => normalizeColumn(cellText(c)));
          if (header.join('').length > limits.maxRowBytes) {
            throw new FormatError(`the XLSX header row is longer than ${limits.maxRowBytes} characters`);
          }
          yield { kind: 'columns', columns: header };
          continue;
        }
        if (cells.every((c) => cellText(c) === '')) continue;
        n++;
        yield boundedRow(n, zip(header, cells), limits);
      }
      break;
    }
  } catch (e) {
    if (inputError || e instanceof FormatError) throw e;
    throw new FormatError(`XLSX unreadable after record ${n}: ${(e as Error).message}`);
  } finally {
    input.destroy();
  }
  if (!header) throw new FormatError('the workbook has no records sheet with a header row');
}

/** `items`, or `failed`'s error as soon as it comes (the iteration it interrupts is left behind). */
async function* orFail<T>(items: AsyncIterable<T>, failed: Promise<never>): AsyncGenerator<T> {
  const it = items[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const next = await Promise.race([it.next(), failed]);
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // an interrupted iterator may never settle its return: do not wait for it
    if (!finished) void Promise.resolve(it.return?.()).catch(() => {});
  }
}

/** The text of a cell or JSON value: numbers as written, times in ISO-8601 UTC, rich text joined. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; result?: unknown; text?: unknown };
    if (Array.isArray(v.richText))
      return v.richText
        .map((r) => r.text)
        .join('')
        .trim();
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return cellText(v.text);
  }
  return '';
}
