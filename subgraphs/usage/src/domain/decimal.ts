// Decimal strings with exact arithmetic live in the kit (shared with billing); re-exported for usage's code.
export { formatDecimal, type ParsedDecimal, parseDecimal, SCALE, sumDecimals } from '@daas/kit';
