// The same records read from CSV, NDJSON, JSON and XLSX give the same rows; broken files are format errors.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { toCsv, toJson, toNdjson, toXlsx, type UsageRow } from '../../../scripts/lib/usage-files.js';
import { xlsxOf, zipOf } from '../../../tests/support/usage-world.js';
import { DEFAULT_LIMITS, FormatError, type ReadLimits, type RowEvent, readRows } from '../src/ingest/rows.js';
import type { UploadFormat } from '../src/models/index.js';

const ROWS: UsageRow[] = [
  {
    record_id: 'a,1',
    item_search_criteria: 'item.mpn',
    item_search_value: 'MPN-PPU',
    quantity: '12.5',
    start_time_utc: '2025-05-01 00:00:00',
    end_time_utc: '2025-05-31 23:59:59',
    asset_search_criteria: 'asset.id',
    asset_search_value: 'AS-1000-0000-0001',
    'v.Region': 'eu "west"',
  },
  {
    record_id: 'b',
    item_search_criteria: 'item.mpn',
    item_search_value: 'MPN-PPU',
    quantity: '3',
    start_time_utc: '2025-05-02 00:00:00',
    end_time_utc: '2025-05-03 00:00:00',
    asset_search_criteria: 'parameter.subscription_id',
    asset_search_value: 'sub-1',
    'v.Region': '',
  },
];

async function collect(
  body: Buffer | string,
  format: UploadFormat,
  limits: ReadLimits = DEFAULT_LIMITS,
): Promise<RowEvent[]> {
  const out: RowEvent[] = [];
  for await (const ev of readRows(() => Readable.from([Buffer.from(body)]), format, limits)) out.push(ev);
  return out;
}

/** `head`, then 1 MB pieces of `x` for ever: a line or record without an end. */
function endless(head: string): Readable {
  return Readable.from(
    (function* () {
      yield Buffer.from(head);
      for (;;) yield Buffer.alloc(1024 * 1024, 'x');
    })(),
  );
}

const errorsOf = (events: RowEvent[]) => events.flatMap((e) => (e.kind === 'row' ? [e.error ?? 'ok'] : []));

const rowsOf = (events: RowEvent[]) => events.filter((e) => e.kind === 'row');

describe('reading uploads', () => {
  it('CSV, NDJSON, JSON and XLSX give the same rows', async () => {
    const csv = rowsOf(await collect(toCsv(ROWS), 'csv'));
    expect(csv).toHaveLength(2);
    expect(csv[0]).toEqual({ kind: 'row', row: 1, values: { ...ROWS[0] } });
    expect(rowsOf(await collect(toNdjson(ROWS), 'ndjson'))).toEqual(csv);
    expect(rowsOf(await collect(toJson(ROWS), 'json'))).toEqual(csv);
    expect(rowsOf(await collect(JSON.stringify({ records: ROWS }), 'json'))).toEqual(csv);
    expect(rowsOf(await collect(await toXlsx(ROWS), 'xlsx'))).toEqual(csv);
  });

  it('tabular formats announce their columns, normalised', async () => {
    const events = await collect(' Record_ID ,QUANTITY,v.Region\nx,1,eu\n', 'csv');
    expect(events[0]).toEqual({ kind: 'columns', columns: ['record_id', 'quantity', 'v.Region'] });
    expect(events[1]).toEqual({
      kind: 'row',
      row: 1,
      values: { record_id: 'x', quantity: '1', 'v.Region': 'eu' },
    });
  });

  it('XLSX numbers and times become text', async () => {
    const rows = rowsOf(await collect(await toXlsx([{ quantity: '1' }]), 'xlsx'));
    expect(rows[0]).toMatchObject({ values: { quantity: '1' } });
  });

  it('an unreadable NDJSON line is a row error, not a file error', async () => {
    const events = await collect('{"quantity":"1"}\nnot json\n[1]\n', 'ndjson');
    expect(events.map((e) => (e.kind === 'row' ? (e.error ?? 'ok') : e.kind))).toEqual([
      'ok',
      'not valid JSON',
      'not a JSON object',
    ]);
  });

  it('broken files are format errors', async () => {
    await expect(collect('', 'csv')).rejects.toThrow(FormatError);
    await expect(collect('a,b\n"unclosed,1\n', 'csv')).rejects.toThrow(FormatError);
    await expect(collect('{"records": 3}', 'json')).rejects.toThrow(FormatError);
    await expect(collect('not a zip', 'xlsx')).rejects.toThrow(FormatError);
  });
});

describe('limits (a hostile upload costs no more memory than a good one)', () => {
  const long = 'y'.repeat(DEFAULT_LIMITS.maxCellChars + 1);

  it('a cell longer than the limit makes its row invalid, its values dropped, in every format', async () => {
    const rows = [
      { record_id: 'a', quantity: '1' },
      { record_id: long, quantity: '2' },
      { record_id: 'c', quantity: '3' },
    ];
    for (const [format, body] of [
      ['csv', toCsv(rows)],
      ['ndjson', toNdjson(rows)],
      ['json', toJson(rows)],
      ['xlsx', await toXlsx(rows)],
    ] as const) {
      const events = rowsOf(await collect(body, format));
      expect(errorsOf(events), format).toEqual(['ok', 'record_id: longer than 4096 characters', 'ok']);
      expect(events[1], format).toMatchObject({ values: {} });
    }
  });

  it('a row longer than the limit is invalid (NDJSON, JSON, XLSX) or ends the file (CSV)', async () => {
    const cells = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`v.c${i}`, 'z'.repeat(3000)]));
    const rows = [{ quantity: '1' }, { quantity: '2', ...cells }];
    expect(errorsOf(await collect(toJson(rows), 'json'))).toEqual([
      'ok',
      'the row is longer than 8192 characters',
    ]);
    expect(errorsOf(await collect(await toXlsx(rows), 'xlsx'))).toEqual([
      'ok',
      'the row is longer than 8192 characters',
    ]);
    expect(errorsOf(await collect(toNdjson(rows), 'ndjson'))).toEqual([
      'ok',
      'the line is longer than 8192 bytes',
    ]);
    await expect(collect(toCsv(rows), 'csv')).rejects.toThrow(
      'the CSV record on line 3 is longer than 8192 bytes',
    );
  });

  it('a line or record without an end is refused once past the limit, not read to its end', async () => {
    const ndjson = readRows(() => endless('{"quantity":"1"}\n{"record_id":"'), 'ndjson');
    expect((await ndjson.next()).value).toEqual({ kind: 'row', row: 1, values: { quantity: '1' } });
    expect((await ndjson.next()).value).toMatchObject({
      row: 2,
      error: 'the line is longer than 8192 bytes',
    });
    await ndjson.return(undefined);
    await expect(collectAll(readRows(() => endless('quantity,record_id\n1,'), 'csv'))).rejects.toThrow(
      'the CSV record on line 2 is longer than 8192 bytes',
    );
  });

  it('XLSX: a zip bomb cell, a part too large or too compressed is refused before a row is read', async () => {
    const header = ['record_id', 'quantity'];
    // 16 MB of one cell in a few KB: refused at the cell, long before 16 MB is unpacked
    const bomb = xlsxOf([header, [16 * 1024 * 1024, '1']]);
    expect(bomb.length).toBeLessThan(32 * 1024);
    await expect(collect(bomb, 'xlsx')).rejects.toThrow(
      'XLSX part "xl/worksheets/sheet1.xml" has a cell or tag longer than 64 KB',
    );
    // shared strings alike: 3 MB from a few KB
    const sst = Buffer.from(`<sst>${'<si><t>s</t></si>'.repeat(200_000)}</sst>`);
    await expect(collect(zipOf([{ name: 'xl/sharedStrings.xml', data: sst }]), 'xlsx')).rejects.toThrow(
      'XLSX part "xl/sharedStrings.xml" unpacks to more than 100 times its packed size (a zip bomb)',
    );
    // a part the reader holds whole has its own, smaller limit; stored (not deflated) parts count too
    const parts = { ...DEFAULT_LIMITS, xlsx: { ...DEFAULT_LIMITS.xlsx, maxPartBytes: 1024 * 1024 } };
    await expect(
      collect(zipOf([{ name: 'xl/sharedStrings.xml', data: sst, store: true }]), 'xlsx', parts),
    ).rejects.toThrow('XLSX part "xl/sharedStrings.xml" unpacks to more than 1 MB');
    // the sheets together: 40,000 rows unpack to about 4 MB
    const rows = xlsxOf([header, ...Array.from({ length: 40_000 }, (_, i) => [`r-${i}`, '1'])]);
    const sheets = { ...DEFAULT_LIMITS, xlsx: { ...DEFAULT_LIMITS.xlsx, maxSheetBytes: 1024 * 1024 } };
    await expect(collect(rows, 'xlsx', sheets)).rejects.toThrow(
      "the workbook's sheets unpack to more than 1 MB",
    );
    // and a workbook within every limit reads as before
    expect(rowsOf(await collect(xlsxOf([header, ['a', '1']]), 'xlsx'))).toEqual([
      { kind: 'row', row: 1, values: { record_id: 'a', quantity: '1' } },
    ]);
  });
});

async function collectAll<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
