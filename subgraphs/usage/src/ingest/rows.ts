// Reads the rows of an upload, whatever its format, as a stream: one row at a time, never the whole file
// (JSON arrays excepted: use NDJSON for large files). Tabular formats announce their header first, so a
// missing required column is reported once for the file instead of on every row.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import type { RawRow } from '../domain/records.js';
import type { UploadFormat } from '../models/index.js';

export type RowEvent =
  | { kind: 'columns'; columns: string[] }
  /** `row` counts records from 1, in upload order; `error`: the row could not be read at all */
  | { kind: 'row'; row: number; values: RawRow; error?: string };

/** A whole-upload problem (unreadable file, bad header): the file is invalid, no row is judged. */
export class FormatError extends Error {}

/**
 * JSON arrays are parsed whole; bigger uploads must be NDJSON, CSV or XLSX (a parsed array takes several
 * times its text in memory, and the usage process's heap is bounded).
 */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

/** Column names as written in templates; custom params keep the case of their name (v.<name>, p.<name>). */
export function normalizeColumn(name: string): string {
  const s = name.trim();
  return /^[vp]\./i.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s.toLowerCase();
}

export function readRows(input: Readable, format: UploadFormat): AsyncGenerator<RowEvent> {
  switch (format) {
    case 'csv':
      return csvRows(input);
    case 'ndjson':
      return ndjsonRows(input);
    case 'json':
      return jsonRows(input);
    case 'xlsx':
      return xlsxRows(input);
  }
}

async function* csvRows(input: Readable): AsyncGenerator<RowEvent> {
  const parser = input.pipe(parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true }));
  let header: string[] | null = null;
  let n = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = cells.map(normalizeColumn);
        yield { kind: 'columns', columns: header };
        continue;
      }
      yield { kind: 'row', row: ++n, values: zip(header, cells) };
    }
  } catch (e) {
    throw new FormatError(`CSV unreadable after record ${n}: ${(e as Error).message}`);
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

async function* ndjsonRows(input: Readable): AsyncGenerator<RowEvent> {
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() === '') continue;
    n++;
    yield objectRow(n, () => JSON.parse(line));
  }
}

async function* jsonRows(input: Readable): AsyncGenerator<RowEvent> {
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
  for (let i = 0; i < list.length; i++) yield objectRow(i + 1, () => list[i]);
}

function objectRow(row: number, read: () => unknown): RowEvent {
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
  return { kind: 'row', row, values };
}

/** The records are on the first sheet (as in the template), header on its first row. */
async function* xlsxRows(input: Readable): AsyncGenerator<RowEvent> {
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
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const cells = (row.values as unknown[]).slice(1);
        if (!header) {
          header = cells.map((c) => normalizeColumn(cellText(c)));
          yield { kind: 'columns', columns: header };
          continue;
        }
        if (cells.every((c) => cellText(c) === '')) continue;
        yield { kind: 'row', row: ++n, values: zip(header, cells) };
      }
      break;
    }
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`XLSX unreadable after record ${n}: ${(e as Error).message}`);
  } finally {
    input.destroy();
  }
  if (!header) throw new FormatError('the workbook has no records sheet with a header row');
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
