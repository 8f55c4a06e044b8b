// Every row rule, valid and invalid (docs/domain.md#usage-records, #reporting-schemas).
import { describe, expect, it } from 'vitest';
import { formatDecimal, parseDecimal, sumDecimals } from '../src/domain/decimal.js';
import { parsePeriod, parseUtc } from '../src/domain/period.js';
import {
  type AssetFacts,
  type AssetLookup,
  checkRow,
  type FileRules,
  type ItemFacts,
  missingColumns,
  parameterKey,
  type RawRow,
} from '../src/domain/records.js';

const PRODUCT = 'PRD-100-000-001';
const MP = 'MP-10001';
const rules = (over: Partial<FileRules> = {}): FileRules => ({
  schema: 'qt',
  productId: PRODUCT,
  marketplaceId: MP,
  period: { from: '2025-05-01', to: '2025-05-31' },
  dynamicItems: false,
  itemTypes: ['PPU'],
  ...over,
});
const ITEMS = new Map<string, ItemFacts>([
  [
    'MPN-PPU',
    { id: 'PRD-100-000-001-0002', mpn: 'MPN-PPU', type: 'PPU', precision: 'DECIMAL_2', unit: 'GB' },
  ],
  [
    'MPN-INT',
    { id: 'PRD-100-000-001-0003', mpn: 'MPN-INT', type: 'PPU', precision: 'INTEGER', unit: 'unit' },
  ],
  [
    'MPN-RES',
    { id: 'PRD-100-000-001-0001', mpn: 'MPN-RES', type: 'RESERVATION', precision: 'INTEGER', unit: 'seat' },
  ],
]);
const asset = (id: string, over: Partial<AssetFacts> = {}): AssetFacts => ({
  id,
  externalId: null,
  productId: PRODUCT,
  marketplaceId: MP,
  activatedAt: new Date('2025-04-01T00:00:00Z'),
  terminatedAt: null,
  ...over,
});
const ASSETS: AssetLookup = {
  byId: new Map([
    ['AS-1000-0000-0001', asset('AS-1000-0000-0001')],
    ['AS-1000-0000-0002', asset('AS-1000-0000-0002', { productId: 'PRD-999-999-999' })],
    ['AS-1000-0000-0003', asset('AS-1000-0000-0003', { marketplaceId: 'MP-99999' })],
    ['AS-1000-0000-0004', asset('AS-1000-0000-0004', { activatedAt: new Date('2025-06-02T00:00:00Z') })],
    ['AS-1000-0000-0005', asset('AS-1000-0000-0005', { terminatedAt: new Date('2025-04-20T00:00:00Z') })],
    ['AS-1000-0000-0006', asset('AS-1000-0000-0006', { activatedAt: null })],
    ['AS-1000-0000-0009', null],
  ]),
  byParameter: new Map([
    [parameterKey('subscription_id', 'sub-1'), [asset('AS-1000-0000-0001')]],
    [parameterKey('subscription_id', 'dup'), [asset('AS-1000-0000-0001'), asset('AS-1000-0000-0007')]],
  ]),
};

const row = (over: RawRow = {}): RawRow => ({
  record_id: 'r-1',
  item_search_criteria: 'item.mpn',
  item_search_value: 'MPN-PPU',
  quantity: '12.5',
  start_time_utc: '2025-05-01 00:00:00',
  end_time_utc: '2025-05-31 23:59:59',
  asset_search_criteria: 'asset.id',
  asset_search_value: 'AS-1000-0000-0001',
  ...over,
});

const errorsOf = (r: RawRow, over: Partial<FileRules> = {}) => checkRow(r, rules(over), ITEMS, ASSETS).errors;

describe('a usage row', () => {
  it('valid: the S5 row', () => {
    const checked = checkRow(row(), rules(), ITEMS, ASSETS);
    expect(checked.errors).toEqual([]);
    expect(checked.fields).toMatchObject({
      itemId: 'PRD-100-000-001-0002',
      assetId: 'AS-1000-0000-0001',
      quantity: '12.5',
      recordId: 'r-1',
      startTime: new Date('2025-05-01T00:00:00Z'),
    });
  });

  it('refuses control characters in any cell; only the note may span lines', () => {
    expect(errorsOf(row({ record_id: 'r\u0000-1' }))).toEqual([
      'record_id: must be printable text on one line (no control characters)',
    ]);
    expect(errorsOf(row({ 'v.region': 'eu\u001b[31m' }))).toEqual([
      'v.region: must be printable text on one line (no control characters)',
    ]);
    expect(errorsOf(row({ record_note: 'line one\nline two' }))).toEqual([]);
  });

  it('QT needs a quantity, not negative, as a decimal', () => {
    expect(errorsOf(row({ quantity: '' }))).toEqual(['quantity: required for schema qt']);
    expect(errorsOf(row({ quantity: '-1' }))).toEqual(['quantity: may not be negative']);
    expect(errorsOf(row({ quantity: '1,5' }))[0]).toMatch(/^quantity: not a decimal/);
    expect(errorsOf(row({ quantity: '1e3' }))[0]).toMatch(/^quantity: not a decimal/);
  });

  it('TR needs an amount and a tier; PR and CR an amount', () => {
    expect(errorsOf(row({ quantity: '', amount: '10.00', tier: '0' }), { schema: 'tr' })).toEqual([]);
    expect(errorsOf(row({ quantity: '', amount: '10.00' }), { schema: 'tr' })).toEqual([
      'tier: required for schema tr',
    ]);
    expect(errorsOf(row({ quantity: '', tier: '1' }), { schema: 'tr' })).toEqual([
      'amount: required for schema tr',
    ]);
    expect(errorsOf(row({ quantity: '', amount: '3' }), { schema: 'pr' })).toEqual([]);
    expect(errorsOf(row({ quantity: '' }), { schema: 'cr' })).toEqual(['amount: required for schema cr']);
    expect(errorsOf(row({ quantity: '', amount: '1', tier: 'x' }), { schema: 'tr' })[0]).toMatch(
      /^tier: not a tier/,
    );
  });

  it('the item: by MPN, of a usage-taking type, within its precision', () => {
    expect(errorsOf(row({ item_search_value: 'NOPE' }))).toEqual([
      'item_search_value: the product has no item with MPN "NOPE"',
    ]);
    expect(errorsOf(row({ item_search_value: 'MPN-RES', quantity: '1' }))[0]).toMatch(/reservation item/);
    expect(
      errorsOf(row({ item_search_value: 'MPN-RES', quantity: '1' }), { itemTypes: ['PPU', 'RESERVATION'] }),
    ).toEqual([]);
    expect(errorsOf(row({ item_search_value: 'MPN-INT', quantity: '1.5' }))[0]).toMatch(/precision integer/);
    expect(errorsOf(row({ quantity: '1.125' }))[0]).toMatch(/precision decimal_2/);
    expect(errorsOf(row({ quantity: '1.120' }))).toEqual([]);
    expect(errorsOf(row({ item_search_criteria: 'item.id' }))[0]).toMatch(/^item_search_criteria/);
    expect(errorsOf(row({ item_search_value: '' }))).toEqual(['item_search_value: required']);
  });

  it('dynamic items: an unknown MPN declares an item with name, unit and precision', () => {
    const dyn = {
      item_search_value: 'NEW-1',
      item_name: 'New',
      item_unit: 'GB',
      item_precision: 'decimal(2)',
    };
    const checked = checkRow(row(dyn), rules({ dynamicItems: true }), ITEMS, ASSETS);
    expect(checked.errors).toEqual([]);
    expect(checked.fields).toMatchObject({
      itemId: null,
      mpn: 'NEW-1',
      itemName: 'New',
      itemPrecision: 'DECIMAL_2',
    });
    expect(errorsOf(row({ item_search_value: 'NEW-1' }), { dynamicItems: true })).toEqual([
      'item_name: required to declare the dynamic item NEW-1',
      'item_unit: required to declare the dynamic item NEW-1',
      'item_precision: required to declare the dynamic item NEW-1',
    ]);
    expect(errorsOf(row({ ...dyn, item_precision: 'huge' }), { dynamicItems: true })[0]).toMatch(
      /unknown precision/,
    );
    expect(errorsOf(row({ ...dyn, item_mpn: 'OTHER' }), { dynamicItems: true })).toEqual([
      'item_mpn: differs from item_search_value',
    ]);
  });

  it('the asset: exists, of the product and marketplace, active during the record', () => {
    expect(errorsOf(row({ asset_search_value: 'AS-1000-0000-0009' }))).toEqual([
      'asset_search_value: no asset AS-1000-0000-0009',
    ]);
    expect(errorsOf(row({ asset_search_value: 'AS-1000-0000-0002' }))[0]).toMatch(/not of product/);
    expect(errorsOf(row({ asset_search_value: 'AS-1000-0000-0003' }))[0]).toMatch(/not in marketplace/);
    expect(errorsOf(row({ asset_search_value: 'AS-1000-0000-0004' }))[0]).toMatch(/not active/);
    expect(errorsOf(row({ asset_search_value: 'AS-1000-0000-0005' }))[0]).toMatch(/not active/);
    expect(errorsOf(row({ asset_search_value: 'AS-1000-0000-0006' }))[0]).toMatch(/not active/);
    // terminated mid-period, the record before the termination: fine
    const mid = {
      ...ASSETS,
      byId: new Map([['AS-1', asset('AS-1', { terminatedAt: new Date('2025-05-10T00:00:00Z') })]]),
    };
    expect(
      checkRow(row({ asset_search_value: 'AS-1', end_time_utc: '2025-05-09' }), rules(), ITEMS, mid).errors,
    ).toEqual([]);
    expect(errorsOf(row({ asset_search_value: '' }))).toEqual(['asset_search_value: required']);
    expect(errorsOf(row({ asset_search_criteria: 'asset.tier1' }))[0]).toMatch(
      /^asset_search_criteria: unknown/,
    );
  });

  it('the asset by a reconciliation parameter: exactly one match', () => {
    const by = { asset_search_criteria: 'parameter.subscription_id' };
    expect(errorsOf(row({ ...by, asset_search_value: 'sub-1' }))).toEqual([]);
    expect(errorsOf(row({ ...by, asset_search_value: 'none' }))[0]).toMatch(/no asset with subscription_id/);
    expect(errorsOf(row({ ...by, asset_search_value: 'dup' }))[0]).toMatch(/2 assets have/);
  });

  it('the period: times readable, in order, inside the file period', () => {
    expect(errorsOf(row({ start_time_utc: '' }))).toEqual(['start_time_utc: required']);
    expect(errorsOf(row({ end_time_utc: 'tomorrow' }))[0]).toMatch(/^end_time_utc: not an ISO-8601/);
    expect(errorsOf(row({ start_time_utc: '2025-05-20', end_time_utc: '2025-05-10' }))).toContain(
      'end_time_utc: before start_time_utc',
    );
    expect(errorsOf(row({ start_time_utc: '2025-04-30 23:00:00' }))[0]).toMatch(/outside the file's period/);
    expect(errorsOf(row({ end_time_utc: '2025-06-01T00:00:01Z' }))[0]).toMatch(/outside the file's period/);
    expect(errorsOf(row({ end_time_utc: '2025-06-01T00:00:00Z' }))).toEqual([]);
  });

  it('custom params are kept', () => {
    const checked = checkRow(
      row({ 'v.region': 'eu', 'p.cost_center': '7', other: 'x' }),
      rules(),
      ITEMS,
      ASSETS,
    );
    expect(checked.fields.params).toEqual([
      { name: 'v.region', value: 'eu' },
      { name: 'p.cost_center', value: '7' },
    ]);
  });

  it('required columns per schema', () => {
    expect(
      missingColumns(['item_search_value', 'start_time_utc', 'end_time_utc', 'asset_search_value'], 'qt'),
    ).toEqual(['quantity']);
    expect(missingColumns(['quantity'], 'tr')).toEqual([
      'item_search_value',
      'start_time_utc',
      'end_time_utc',
      'asset_search_value',
      'amount',
      'tier',
    ]);
  });
});

describe('decimals, periods and times', () => {
  it('are exact', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(formatDecimal(parseDecimal('-0.00')!.scaled)).toBe('0');
    expect(parseDecimal('12.50')).toEqual({ scaled: 1_250_000_000n, decimals: 1 });
    expect(parseDecimal('0.000000001')).toBeNull();
    expect(sumDecimals(['99999999999999.99999999', '0.00000001'])).toBe('100000000000000');
  });

  it('periods are whole days', () => {
    expect(parsePeriod('2025-05-01', '2025-05-31')).toEqual({ from: '2025-05-01', to: '2025-05-31' });
    expect(() => parsePeriod('2025-05-31', '2025-05-01')).toThrow(/ends before/);
    expect(() => parsePeriod('2025-02-30', '2025-03-01')).toThrow(/expected a date/);
    expect(() => parsePeriod('2025-01-01', '2026-06-01')).toThrow(/at most/);
  });

  it('times without a zone are UTC', () => {
    expect(parseUtc('2025-05-01 10:00:00')).toEqual(new Date('2025-05-01T10:00:00Z'));
    expect(parseUtc('2025-05-01T10:00:00+02:00')).toEqual(new Date('2025-05-01T08:00:00Z'));
    expect(parseUtc('2025-05-01')).toEqual(new Date('2025-05-01T00:00:00Z'));
    expect(parseUtc('01/05/2025')).toBeNull();
  });
});
