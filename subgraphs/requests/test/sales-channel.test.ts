import type { DomainError } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import { salesChannel } from '../src/domain/sales-channel.js';

const q = { product: 'PRD-100-000-001', marketplace: 'MP-30001', provider: 'PA-300-001' };
const direct = { distribution: 'CRD-00001-00001-00001', distributor: 'PA-200-001', marketplace: 'MP-30001' };
const upstream = {
  distribution: 'CRD-00002-00002-00002',
  distributor: 'PA-200-001',
  marketplace: 'MP-20001',
};

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as DomainError).code;
  }
};

describe('sales channel of a purchase', () => {
  it('sells through a path whose distribution contract the product is listed on', () => {
    expect(salesChannel(q, [{ marketplace: 'MP-30001', contract: direct.distribution }], [direct])).toBe(
      direct,
    );
    // syndication: listed on the distributor's marketplace, sold in the reseller's
    expect(salesChannel(q, [{ marketplace: 'MP-20001', contract: upstream.distribution }], [upstream])).toBe(
      upstream,
    );
  });

  it('refuses without a live path (FORBIDDEN) and without a listing on the path (CONFLICT)', () => {
    expect(
      code(() => salesChannel(q, [{ marketplace: 'MP-30001', contract: direct.distribution }], [])),
    ).toBe('FORBIDDEN');
    expect(code(() => salesChannel(q, [], [direct]))).toBe('CONFLICT');
    expect(
      code(() => salesChannel(q, [{ marketplace: 'MP-99999', contract: 'CRD-00009-00009-00009' }], [direct])),
    ).toBe('CONFLICT');
  });
});
