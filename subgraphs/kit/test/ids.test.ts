import { childId, DomainError, isId, kindsOf, newId, parentOf, parseId } from '@daas/kit';
import { describe, expect, it } from 'vitest';

describe('ids', () => {
  it('generates ids in the reference formats', () => {
    expect(newId('product')).toMatch(/^PRD-\d{3}-\d{3}-\d{3}$/);
    expect(newId('asset')).toMatch(/^AS-\d{4}-\d{4}-\d{4}$/);
    expect(newId('marketplace')).toMatch(/^MP-\d{5}$/);
    expect(newId('hub')).toMatch(/^HB-\d{4}-\d{4}$/);
    expect(newId('distributionContract')).toMatch(/^CRD-\d{5}-\d{5}-\d{5}$/);
    expect(newId('usageFile', new Date('2025-05-03T00:00:00Z'))).toMatch(/^UF-2025-05-\d{4}-\d{4}$/);
  });

  it('derives child ids from their parent and back', () => {
    expect(childId('assetRequest', 'AS-1895-0864-1238', 1)).toBe('PR-1895-0864-1238-001');
    expect(childId('item', 'PRD-276-377-545', 1)).toBe('PRD-276-377-545-0001');
    expect(childId('listingRequest', 'LST-316-530-321', 12)).toBe('LSTR-316-530-321-012');
    expect(childId('tierConfigRequest', 'TC-228-098-338', 1)).toBe('TCR-228-098-338-001');
    expect(childId('usageRecord', 'UF-2021-01-3453-7567', 42)).toBe('UR-2021-01-3453-7567-0000-0042');
    expect(parentOf('assetRequest', 'PR-1895-0864-1238-001')).toBe('AS-1895-0864-1238');
    expect(parentOf('usageRecord', 'UR-2021-01-3453-7567-0000-0042')).toBe('UF-2021-01-3453-7567');
    expect(() => childId('assetRequest', 'PRD-276-377-545', 1)).toThrow();
  });

  it('validates input ids with an error naming the field and the kind it got', () => {
    expect(parseId('VA-392-495', 'vendor', 'vendorAccount')).toBe('VA-392-495');
    expect(parseId('PA-392-495', 'account', 'vendorAccount', 'providerAccount')).toBe('PA-392-495');
    try {
      parseId('PRD-276-377-545', 'contract', 'distributionContract');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('BAD_USER_INPUT');
      expect((e as DomainError).details.field).toBe('contract');
      expect((e as DomainError).message).toMatch(/CRD-ddddd-ddddd-ddddd/);
      expect((e as DomainError).message).toMatch(/is a product id/);
    }
    expect(() => parseId('', 'x', 'asset')).toThrow(/required/);
    expect(() => parseId(42, 'x', 'asset')).toThrow(/required/);
  });

  it('recognises kinds', () => {
    expect(isId('asset', 'AS-1895-0864-1238')).toBe(true);
    expect(isId('asset', 'AS-1895-0864-123')).toBe(false);
    expect(kindsOf('PR-1895-0864-1238-001')).toEqual(['assetRequest']);
  });
});
