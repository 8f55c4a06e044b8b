// One usage record per row of an upload (docs/domain.md#usage-records), validated against the file's schema, the product's items,
// the assets and the period. Pure: what the row names elsewhere (items, assets) is handed in as facts.
import { checkText, isDomainError } from '@daas/kit';
import { formatDecimal, type ParsedDecimal, parseDecimal } from './decimal.js';
import { dayStart, type Period, parseUtc, periodEnd } from './period.js';

export const USAGE_SCHEMAS = ['qt', 'tr', 'pr', 'cr'] as const;
export type UsageSchema = (typeof USAGE_SCHEMAS)[number];

/** The records tab of the reference platform's template, in its order. */
export const RECORD_COLUMNS = [
  'record_id',
  'record_note',
  'item_search_criteria',
  'item_search_value',
  'amount',
  'quantity',
  'start_time_utc',
  'end_time_utc',
  'asset_search_criteria',
  'asset_search_value',
  'item_name',
  'item_mpn',
  'item_unit',
  'item_precision',
  'category_id',
  'asset_recon_id',
  'tier',
] as const;
export type RecordColumn = (typeof RECORD_COLUMNS)[number];

/** A row as read from any format: column name -> text. Custom params are `v.<name>` (vendor) / `p.<name>`. */
export type RawRow = Record<string, string>;

export const PRECISION_DIGITS = {
  INTEGER: 0,
  DECIMAL_1: 1,
  DECIMAL_2: 2,
  DECIMAL_4: 4,
  DECIMAL_8: 8,
} as const;
export type ItemPrecision = keyof typeof PRECISION_DIGITS;

export interface ItemFacts {
  id: string;
  mpn: string;
  type: 'PPU' | 'RESERVATION';
  precision: ItemPrecision;
  unit: string;
}

export interface AssetFacts {
  id: string;
  externalId: string | null;
  productId: string | null;
  marketplaceId: string | null;
  activatedAt: Date | null;
  terminatedAt: Date | null;
}

/** What a file's rows are checked against. */
export interface FileRules {
  schema: UsageSchema;
  productId: string;
  marketplaceId: string;
  period: Period;
  /** ppu.dynamic: an unknown MPN declares a new item (item_name, item_unit, item_precision) */
  dynamicItems: boolean;
  /** item types that may receive usage: PPU (ppu capability), RESERVATION (reservation.consumption) */
  itemTypes: readonly ItemFacts['type'][];
}

/** How a row names its asset. */
export type AssetRef = { by: 'id'; value: string } | { by: 'parameter'; name: string; value: string };

/** Columns a file of the schema must have (a missing one is a format error of the whole file). */
export function requiredColumns(schema: UsageSchema): RecordColumn[] {
  const base: RecordColumn[] = ['item_search_value', 'start_time_utc', 'end_time_utc', 'asset_search_value'];
  if (schema === 'qt') return [...base, 'quantity'];
  if (schema === 'tr') return [...base, 'amount', 'tier'];
  return [...base, 'amount'];
}

export function missingColumns(columns: Iterable<string>, schema: UsageSchema): RecordColumn[] {
  const have = new Set(columns);
  return requiredColumns(schema).filter((c) => !have.has(c));
}

/** The asset reference of a row, or the reason it has none. */
export function assetRefOf(row: RawRow): AssetRef | string {
  const criteria = (row.asset_search_criteria || 'asset.id').trim();
  const value = (row.asset_search_value ?? '').trim();
  if (!value) return 'asset_search_value: required';
  if (criteria === 'asset.id') return { by: 'id', value };
  const m = /^parameter\.([A-Za-z0-9_.-]+)$/.exec(criteria);
  if (m) return { by: 'parameter', name: m[1]!, value };
  return `asset_search_criteria: unknown criteria ${JSON.stringify(criteria)} (asset.id or parameter.<name>)`;
}

export const parameterKey = (name: string, value: string) => `${name}\u0000${value}`;

/** The assets named by rows, resolved by the caller (null / empty: none found or not visible). */
export interface AssetLookup {
  byId: Map<string, AssetFacts | null>;
  byParameter: Map<string, AssetFacts[]>;
}

export interface RecordFields {
  recordId: string | null;
  note: string | null;
  itemId: string | null;
  mpn: string | null;
  /** dynamic items only */
  itemName: string | null;
  itemUnit: string | null;
  itemPrecision: ItemPrecision | null;
  assetId: string | null;
  quantity: string | null;
  amount: string | null;
  tier: number | null;
  startTime: Date | null;
  endTime: Date | null;
  categoryId: string | null;
  assetReconId: string | null;
  params: { name: string; value: string }[];
}

export interface CheckedRow {
  fields: RecordFields;
  /** empty when the row is valid; otherwise "<column>: <what is wrong>" */
  errors: string[];
}

const text = (v: string | undefined) => {
  const s = (v ?? '').trim();
  return s.length > 0 ? s : null;
};

function decimalOf(row: RawRow, column: 'quantity' | 'amount', errors: string[]): ParsedDecimal | null {
  const raw = text(row[column]);
  if (raw === null) return null;
  const d = parseDecimal(raw);
  if (!d) errors.push(`${column}: not a decimal number (${JSON.stringify(raw)})`);
  return d;
}

/**
 * Every cell is printable text, as every API argument is (the kit's text rules): what a row carries reaches
 * reports and the other party's screens. Only the note may span lines; lengths are bounded by the reader.
 */
function printable(row: RawRow, errors: string[]): void {
  for (const [column, value] of Object.entries(row)) {
    try {
      checkText(value, column, { max: Number.POSITIVE_INFINITY, multiline: column === 'record_note' });
    } catch (e) {
      if (!isDomainError(e)) throw e;
      errors.push(e.message);
    }
  }
}

export function checkRow(
  row: RawRow,
  rules: FileRules,
  items: ReadonlyMap<string, ItemFacts>,
  assets: AssetLookup,
): CheckedRow {
  const errors: string[] = [];
  printable(row, errors);
  const quantity = decimalOf(row, 'quantity', errors);
  const amount = decimalOf(row, 'amount', errors);

  // the schema's required values
  if (rules.schema === 'qt') {
    if (!text(row.quantity)) errors.push('quantity: required for schema qt');
    else if (quantity && quantity.scaled < 0n) errors.push('quantity: may not be negative');
  } else if (!text(row.amount)) {
    errors.push(`amount: required for schema ${rules.schema}`);
  }
  let tier: number | null = null;
  const tierText = text(row.tier);
  if (tierText !== null) {
    if (!/^\d{1,2}$/.test(tierText)) errors.push(`tier: not a tier level (${JSON.stringify(tierText)})`);
    else tier = Number(tierText);
  }
  if (rules.schema === 'tr' && tierText === null) errors.push('tier: required for schema tr');

  // the item
  let item: ItemFacts | null = null;
  let dynamic: Pick<RecordFields, 'itemName' | 'itemUnit' | 'itemPrecision'> = {
    itemName: null,
    itemUnit: null,
    itemPrecision: null,
  };
  const criteria = text(row.item_search_criteria) ?? 'item.mpn';
  const mpn = text(row.item_search_value);
  if (criteria !== 'item.mpn') {
    errors.push(`item_search_criteria: unknown criteria ${JSON.stringify(criteria)} (item.mpn)`);
  } else if (!mpn) {
    errors.push('item_search_value: required');
  } else {
    item = items.get(mpn) ?? null;
    if (item && !rules.itemTypes.includes(item.type)) {
      errors.push(
        `item_search_value: item ${mpn} is a ${item.type.toLowerCase()} item and takes no usage here`,
      );
    } else if (!item && rules.dynamicItems) {
      dynamic = dynamicItem(row, mpn, errors);
    } else if (!item) {
      errors.push(`item_search_value: the product has no item with MPN ${JSON.stringify(mpn)}`);
    }
  }
  const precision = item?.precision ?? dynamic.itemPrecision;
  if (precision && quantity && quantity.decimals > PRECISION_DIGITS[precision]) {
    errors.push(`quantity: more decimals than the item's precision ${precision.toLowerCase()}`);
  }

  // the period
  const start = checkTime(row, 'start_time_utc', errors);
  const end = checkTime(row, 'end_time_utc', errors);
  if (start && end) {
    if (end < start) errors.push('end_time_utc: before start_time_utc');
    if (start < dayStart(rules.period.from) || end > periodEnd(rules.period)) {
      errors.push(
        `start_time_utc: the record is outside the file's period ${rules.period.from}..${rules.period.to}`,
      );
    }
  }

  // the asset
  let assetId: string | null = null;
  const ref = assetRefOf(row);
  if (typeof ref === 'string') {
    errors.push(ref);
  } else {
    const asset = findAsset(ref, assets, errors);
    if (asset) {
      assetId = asset.id;
      if (asset.productId !== rules.productId) {
        errors.push(`asset_search_value: asset ${asset.id} is not of product ${rules.productId}`);
      } else if (asset.marketplaceId !== rules.marketplaceId) {
        errors.push(`asset_search_value: asset ${asset.id} is not in marketplace ${rules.marketplaceId}`);
      } else if (start && end && !activeDuring(asset, start, end)) {
        errors.push(`asset_search_value: asset ${asset.id} was not active between start and end time`);
      }
    }
  }

  const params = Object.entries(row)
    .filter(([k, v]) => /^[vp]\.[A-Za-z0-9_.-]+$/.test(k) && text(v) !== null)
    .map(([name, value]) => ({ name, value: value.trim() }));

  return {
    errors,
    fields: {
      recordId: text(row.record_id),
      note: text(row.record_note),
      itemId: item?.id ?? null,
      mpn,
      ...dynamic,
      assetId,
      quantity: quantity ? formatDecimal(quantity.scaled) : null,
      amount: amount ? formatDecimal(amount.scaled) : null,
      tier,
      startTime: start,
      endTime: end,
      categoryId: text(row.category_id),
      assetReconId: text(row.asset_recon_id),
      params,
    },
  };
}

function dynamicItem(row: RawRow, mpn: string, errors: string[]) {
  const name = text(row.item_name);
  const unit = text(row.item_unit);
  const precisionText =
    text(row.item_precision)?.toUpperCase().replace(/[()]/g, '_').replace(/_$/, '') ?? null;
  if (!name) errors.push(`item_name: required to declare the dynamic item ${mpn}`);
  if (!unit) errors.push(`item_unit: required to declare the dynamic item ${mpn}`);
  const declaredMpn = text(row.item_mpn);
  if (declaredMpn && declaredMpn !== mpn) errors.push('item_mpn: differs from item_search_value');
  let precision: ItemPrecision | null = null;
  if (!precisionText) errors.push(`item_precision: required to declare the dynamic item ${mpn}`);
  else if (precisionText in PRECISION_DIGITS) precision = precisionText as ItemPrecision;
  else errors.push(`item_precision: unknown precision ${JSON.stringify(row.item_precision)}`);
  return { itemName: name, itemUnit: unit, itemPrecision: precision };
}

function checkTime(row: RawRow, column: 'start_time_utc' | 'end_time_utc', errors: string[]): Date | null {
  const raw = text(row[column]);
  if (raw === null) {
    errors.push(`${column}: required`);
    return null;
  }
  const d = parseUtc(raw);
  if (!d) errors.push(`${column}: not an ISO-8601 time (${JSON.stringify(raw)})`);
  return d;
}

function findAsset(ref: AssetRef, assets: AssetLookup, errors: string[]): AssetFacts | null {
  if (ref.by === 'id') {
    const asset = assets.byId.get(ref.value) ?? null;
    if (!asset) errors.push(`asset_search_value: no asset ${ref.value}`);
    return asset;
  }
  const found = assets.byParameter.get(parameterKey(ref.name, ref.value)) ?? [];
  if (found.length === 0)
    errors.push(`asset_search_value: no asset with ${ref.name} = ${JSON.stringify(ref.value)}`);
  if (found.length > 1) {
    errors.push(`asset_search_value: ${found.length} assets have ${ref.name} = ${JSON.stringify(ref.value)}`);
  }
  return found.length === 1 ? found[0]! : null;
}

/** Active at some time in [start, end]: activated by the end, not terminated before the start. */
export function activeDuring(asset: AssetFacts, start: Date, end: Date): boolean {
  if (!asset.activatedAt || asset.activatedAt > end) return false;
  return !asset.terminatedAt || asset.terminatedAt >= start;
}
