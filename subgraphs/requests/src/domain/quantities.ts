// Item quantities are decimal strings (never floats), checked against the item's precision.
// "-1" means unlimited (docs/domain.md#assets); "0" on a change removes the item.

export const PRECISIONS = ['integer', 'decimal_1', 'decimal_2', 'decimal_4', 'decimal_8'] as const;
export type Precision = (typeof PRECISIONS)[number];

const DECIMALS: Record<Precision, number> = {
  integer: 0,
  decimal_1: 1,
  decimal_2: 2,
  decimal_4: 4,
  decimal_8: 8,
};

export const UNLIMITED = '-1';

/** Why `value` is not a quantity of this precision, or null when it is. */
export function quantityError(value: string, precision: Precision, opts: { zero: boolean }): string | null {
  if (value === UNLIMITED) return null;
  const places = DECIMALS[precision];
  const re = places === 0 ? /^\d{1,12}$/ : new RegExp(`^\\d{1,12}(\\.\\d{1,${places}})?$`);
  if (!re.test(value)) {
    return places === 0
      ? `${JSON.stringify(value)} is not a whole number (or -1 for unlimited)`
      : `${JSON.stringify(value)} is not a decimal with at most ${places} places (or -1 for unlimited)`;
  }
  if (!opts.zero && Number(value) === 0) return 'must be greater than zero';
  return null;
}

/** The canonical form, so "10.50" and "10.5" compare equal and "007" is stored as "7". */
export function canonicalQuantity(value: string): string {
  if (value === UNLIMITED) return value;
  const [whole, frac = ''] = value.split('.');
  const w = whole!.replace(/^0+(?=\d)/, '');
  const f = frac.replace(/0+$/, '');
  return f ? `${w}.${f}` : w;
}
