// The kit's clock (injectable time) and decimal helpers (money without floats).
import { describe, expect, it } from 'vitest';
import { acceleratedClock, clockFromEnv, ManualClock, systemClock } from '../src/clock.js';
import { fixed, formatDecimal, mulRatio, parseDecimal, sumDecimals } from '../src/decimal.js';

describe('clock', () => {
  it('a manual clock moves only when told', () => {
    const c = new ManualClock('2026-01-31T00:00:00Z');
    expect(c.now().toISOString()).toBe('2026-01-31T00:00:00.000Z');
    c.advance(86_400_000);
    expect(c.now().toISOString()).toBe('2026-02-01T00:00:00.000Z');
    c.set('2027-01-01');
    expect(c.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('an accelerated clock runs `rate` times the wall clock from its start', () => {
    let wall = 1_000;
    const c = acceleratedClock('2026-01-01T00:00:00Z', 86_400, () => wall);
    wall += 1_000; // one wall second: one day
    expect(c.now().toISOString()).toBe('2026-01-02T00:00:00.000Z');
    const frozen = acceleratedClock('2026-01-01T00:00:00Z', 0, () => wall);
    wall += 60_000;
    expect(frozen.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('comes from the environment, the wall clock by default; a bad value is refused', () => {
    expect(clockFromEnv({})).toBe(systemClock);
    const c = clockFromEnv({ CLOCK_START: '2030-05-01', CLOCK_RATE: '0' });
    expect(c.now().toISOString()).toBe('2030-05-01T00:00:00.000Z');
    expect(() => clockFromEnv({ CLOCK_START: 'soon' })).toThrow(/CLOCK_START/);
    expect(() => clockFromEnv({ CLOCK_START: '2030-05-01', CLOCK_RATE: '-1' })).toThrow(/CLOCK_RATE/);
  });
});

describe('decimal', () => {
  it('parses and formats exactly', () => {
    expect(formatDecimal(parseDecimal('0.1')!.scaled + parseDecimal('0.2')!.scaled)).toBe('0.3');
    expect(parseDecimal('1e3')).toBeNull();
    expect(parseDecimal('0.000000001')).toBeNull();
    expect(sumDecimals(['10.50', '-0.5', null])).toBe('10');
  });

  it('multiplies by a ratio with one rounding, half away from zero', () => {
    // 3 × 10.00 × 14/28 = 15
    expect(mulRatio('3', '10.00', 14n, 28n, 2)).toBe('15');
    // 1 × 9.99 × 10/31 = 3.2225806… → 3.22
    expect(mulRatio('1', '9.99', 10n, 31n, 2)).toBe('3.22');
    // 5 × 0.01 × 1/2 = 0.025 → 0.03 (half up); negative: -0.03
    expect(mulRatio('5', '0.01', 1n, 2n, 2)).toBe('0.03');
    expect(mulRatio('-5', '0.01', 1n, 2n, 2)).toBe('-0.03');
    expect(fixed('3.2', 2)).toBe('3.20');
    expect(fixed('15', 2)).toBe('15.00');
  });
});
