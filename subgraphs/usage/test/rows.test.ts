// The same records read from CSV, NDJSON, JSON and XLSX give the same rows; broken files are format errors.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { toCsv, toJson, toNdjson, toXlsx, type UsageRow } from '../../../scripts/lib/usage-files.js';
import { FormatError, type RowEvent, readRows } from '../src/ingest/rows.js';
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

async function collect(body: Buffer | string, format: UploadFormat): Promise<RowEvent[]> {
  const out: RowEvent[] = [];
  for await (const ev of readRows(() => Readable.from([Buffer.from(body)]), format)) out.push(ev);
  return out;
}

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
