// Decimal strings with exact arithmetic: quantities and money are never floats. A value is a scaled
// integer (BigInt) with 8 fractional digits, the finest item precision (decimal(8)).
export const SCALE = 8;
const FACTOR = 10n ** BigInt(SCALE);
const PATTERN = /^-?\d{1,24}(\.\d+)?$/;

export interface ParsedDecimal {
  scaled: bigint;
  /** digits after the point as written ("12.50" has 2) */
  decimals: number;
}

/** Parses "12.5", "-3", "0.00000001"; null when the text is not a plain decimal or is finer than 8 digits. */
export function parseDecimal(text: string): ParsedDecimal | null {
  const s = text.trim();
  if (!PATTERN.test(s)) return null;
  const negative = s.startsWith('-');
  const [whole, fraction = ''] = (negative ? s.slice(1) : s).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > SCALE) return null;
  const scaled = BigInt(whole!) * FACTOR + BigInt(trimmed.padEnd(SCALE, '0') || '0');
  return { scaled: negative ? -scaled : scaled, decimals: trimmed.length };
}

/** The scaled value of a decimal string this code wrote or validated (throws on anything else). */
export function scaledOf(text: string): bigint {
  const p = parseDecimal(text);
  if (!p) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
  return p.scaled;
}

/** The canonical text of a scaled value: no trailing zeros, no "-0". */
export function formatDecimal(scaled: bigint): string {
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  const whole = abs / FACTOR;
  const fraction = (abs % FACTOR).toString().padStart(SCALE, '0').replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : `${whole}`;
  return negative && abs !== 0n ? `-${text}` : text;
}

export function sumDecimals(values: (string | null | undefined)[]): string {
  let total = 0n;
  for (const v of values) if (v) total += parseDecimal(v)?.scaled ?? 0n;
  return formatDecimal(total);
}

/** round(a × b × num / den) to `digits` fractional digits, half away from zero: one rounding, at the end. */
export function mulRatio(a: string, b: string, num: bigint, den: bigint, digits: number): string {
  if (den <= 0n) throw new Error('denominator must be positive');
  // a×b has 16 fractional digits; keep them all until the one rounding
  const exact = scaledOf(a) * scaledOf(b) * num; // scale 16, times den
  const unit = 10n ** BigInt(2 * SCALE - digits) * den;
  const negative = exact < 0n;
  const abs = negative ? -exact : exact;
  let q = abs / unit;
  if ((abs % unit) * 2n >= unit) q += 1n;
  const scaled = q * 10n ** BigInt(SCALE - digits);
  return formatDecimal(negative ? -scaled : scaled);
}

/** The value with exactly `digits` fractional digits, for display ("12.5" → "12.50"). */
export function fixed(text: string, digits: number): string {
  const [whole, fraction = ''] = formatDecimal(scaledOf(text)).split('.');
  return digits > 0 ? `${whole}.${fraction.padEnd(digits, '0').slice(0, digits)}` : whole!;
}
