// Usage uploads in every accepted format from the same rows: for tests, the benchmark and demo data.
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';

export type UsageRow = Record<string, string>;

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

function columnsOf(rows: Iterable<UsageRow> | UsageRow[], given?: string[]): string[] {
  if (given) return given;
  const cols = new Set<string>();
  for (const r of rows as UsageRow[]) for (const k of Object.keys(r)) cols.add(k);
  return [...cols];
}

export function toCsv(rows: UsageRow[], columns = columnsOf(rows)): string {
  return (
    [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c] ?? '')).join(','))].join('\n') +
    '\n'
  );
}

export const toNdjson = (rows: UsageRow[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
export const toJson = (rows: UsageRow[]) => JSON.stringify(rows);

export async function toXlsx(rows: UsageRow[], columns = columnsOf(rows)): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (b: Buffer) => parts.push(b));
  await writeXlsx(sink, columns, rows);
  return Buffer.concat(parts);
}

/** Streams a workbook with a `records` sheet of `rows` (any iterable, so millions never sit in memory). */
export async function writeXlsx(
  out: NodeJS.WritableStream,
  columns: string[],
  rows: Iterable<UsageRow>,
): Promise<void> {
  const done = new Promise((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out as never,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = wb.addWorksheet('records');
  sheet.addRow(columns).commit();
  for (const r of rows) sheet.addRow(columns.map((c) => r[c] ?? '')).commit();
  sheet.commit();
  await wb.commit();
  await done;
}

/** CSV text of generated rows, produced lazily. */
export function csvStream(columns: string[], rows: Iterable<UsageRow>): Readable {
  return Readable.from(
    (function* () {
      yield `${columns.join(',')}\n`;
      let buf = '';
      for (const r of rows) {
        buf += `${columns.map((c) => csvCell(r[c] ?? '')).join(',')}\n`;
        if (buf.length > 64 * 1024) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    })(),
  );
}

export const QT_COLUMNS = [
  'record_id',
  'item_search_criteria',
  'item_search_value',
  'quantity',
  'start_time_utc',
  'end_time_utc',
  'asset_search_criteria',
  'asset_search_value',
];

/** `count` QT rows spread over `assets` for one MPN in one period. */
export function* qtRows(
  count: number,
  mpn: string,
  assets: string[],
  period: { from: string; to: string },
): Generator<UsageRow> {
  for (let i = 1; i <= count; i++) {
    yield {
      record_id: `r-${i}`,
      item_search_criteria: 'item.mpn',
      item_search_value: mpn,
      quantity: String((i % 97) + 0.5),
      start_time_utc: `${period.from} 00:00:00`,
      end_time_utc: `${period.to} 23:59:59`,
      asset_search_criteria: 'asset.id',
      asset_search_value: assets[i % assets.length]!,
    };
  }
}
