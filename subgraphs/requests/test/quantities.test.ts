import { describe, expect, it } from 'vitest';
import { canonicalQuantity, quantityError } from '../src/domain/quantities.js';

describe('quantities', () => {
  it('respects the precision of the item', () => {
    expect(quantityError('10', 'integer', { zero: false })).toBeNull();
    expect(quantityError('10.5', 'integer', { zero: false })).toMatch(/whole number/);
    expect(quantityError('10.25', 'decimal_2', { zero: false })).toBeNull();
    expect(quantityError('10.255', 'decimal_2', { zero: false })).toMatch(/2 places/);
    expect(quantityError('1.12345678', 'decimal_8', { zero: false })).toBeNull();
    expect(quantityError('1.1', 'decimal_1', { zero: false })).toBeNull();
    expect(quantityError('-1', 'integer', { zero: false })).toBeNull();
    expect(quantityError('-2', 'integer', { zero: false })).not.toBeNull();
    expect(quantityError('1e3', 'integer', { zero: false })).not.toBeNull();
    expect(quantityError('', 'integer', { zero: false })).not.toBeNull();
  });

  it('allows zero only where asked (a change removing an item)', () => {
    expect(quantityError('0', 'integer', { zero: false })).toMatch(/greater than zero/);
    expect(quantityError('0', 'integer', { zero: true })).toBeNull();
    expect(quantityError('0.00', 'decimal_2', { zero: false })).toMatch(/greater than zero/);
  });

  it('stores one canonical form', () => {
    expect(canonicalQuantity('007')).toBe('7');
    expect(canonicalQuantity('10.50')).toBe('10.5');
    expect(canonicalQuantity('10.00')).toBe('10');
    expect(canonicalQuantity('0')).toBe('0');
    expect(canonicalQuantity('-1')).toBe('-1');
  });
});
