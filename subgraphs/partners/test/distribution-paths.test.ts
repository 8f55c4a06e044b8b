import { describe, expect, it } from 'vitest';
import { cascadeStatus, creationSlot, naturalKey, partyOf } from '../src/domain/contracts.js';
import { distributionPaths, type PathContract } from '../src/domain/distribution-paths.js';

const V = 'VA-100-001';
const D = 'PA-200-001';
const D2 = 'PA-200-002';
const R = 'PA-300-001';

const crd = (
  id: string,
  vendor: string,
  distributor: string,
  marketplace: string,
  status = 'active',
): PathContract => ({
  _id: id,
  type: 'distribution',
  status,
  vendor,
  distributor,
  reseller: null,
  marketplace,
});
const cry = (
  id: string,
  reseller: string,
  distributor: string,
  marketplace: string,
  status = 'active',
): PathContract => ({
  _id: id,
  type: 'syndication',
  status,
  vendor: null,
  distributor,
  reseller,
  marketplace,
});

describe('distribution paths', () => {
  it('finds direct paths only in the marketplace of the distribution contract', () => {
    const ours = [crd('CRD-1', V, D, 'MP-1'), crd('CRD-2', V, D, 'MP-2')];
    const paths = distributionPaths({ vendor: V, marketplace: 'MP-1' }, ours, []);
    expect(paths.map((p) => [p.kind, p.provider, p.distributionContract._id])).toEqual([
      ['DIRECT', D, 'CRD-1'],
    ]);
    expect(distributionPaths({ vendor: V, marketplace: 'MP-9' }, ours, [])).toEqual([]);
  });

  it('finds syndication paths through every active distribution contract of the upstream distributor', () => {
    const ours = [crd('CRD-1', V, D, 'MP-1'), crd('CRD-2', V, D, 'MP-2'), crd('CRD-3', V, D2, 'MP-3')];
    const synd = [cry('CRY-1', R, D, 'MP-R')];
    const paths = distributionPaths({ vendor: V, marketplace: 'MP-R' }, ours, synd);
    expect(
      paths.map((p) => [p.kind, p.provider, p.distributionContract._id, p.syndicationContract?._id]),
    ).toEqual([
      ['SYNDICATION', R, 'CRD-1', 'CRY-1'],
      ['SYNDICATION', R, 'CRD-2', 'CRY-1'],
    ]);
  });

  it('ignores contracts that are not active, and filters by provider', () => {
    const ours = [crd('CRD-1', V, D, 'MP-1', 'pending'), crd('CRD-2', V, D, 'MP-R')];
    const synd = [cry('CRY-1', R, D, 'MP-R'), cry('CRY-2', 'PA-300-002', D, 'MP-R', 'terminated')];
    const all = distributionPaths({ vendor: V, marketplace: 'MP-R' }, ours, synd);
    expect(all.map((p) => p.kind)).toEqual(['DIRECT', 'SYNDICATION']);
    expect(
      distributionPaths({ vendor: V, marketplace: 'MP-R', provider: R }, ours, synd).map((p) => p.kind),
    ).toEqual(['SYNDICATION']);
    expect(distributionPaths({ vendor: 'VA-999-999', marketplace: 'MP-R' }, ours, synd)).toEqual([]);
  });
});

describe('contract keys and parties', () => {
  const base = { vendor: V, distributor: D, reseller: null, agreement: 'AGP-1', marketplace: null };

  it('keys program contracts by the pair, distribution contracts by agreement and vendor', () => {
    expect(naturalKey({ ...base, type: 'program' })).toEqual({ type: 'program', distributor: D, vendor: V });
    expect(naturalKey({ ...base, type: 'distribution', agreement: 'AGD-1' })).toEqual({
      type: 'distribution',
      agreement: 'AGD-1',
      vendor: V,
    });
    expect(
      naturalKey({
        ...base,
        type: 'syndication',
        vendor: null,
        reseller: R,
        agreement: 'AGY-1',
        marketplace: 'MP-R',
      }),
    ).toEqual({ type: 'syndication', agreement: 'AGY-1', reseller: R, marketplace: 'MP-R' });
  });

  it('gives each generation of a relationship its own creation slot, and none while one is alive', () => {
    const key = naturalKey({ ...base, type: 'program' });
    expect(creationSlot(key, [])).toBe(`contract:program:${D}:${V}:0`);
    expect(creationSlot(key, [{ status: 'terminated' }, { status: 'rejected' }])).toBe(
      `contract:program:${D}:${V}:2`,
    );
    expect(() => creationSlot(key, [{ status: 'pending' }])).toThrow();
  });

  it('tells the caller its part', () => {
    const c = { ...base, _id: 'CRP-1', type: 'program' as const, status: 'pending' as const };
    expect(partyOf(c, V)).toBe('vendor');
    expect(partyOf(c, D)).toBe('distributor');
    expect(partyOf(c, 'OA-000-001')).toBeNull();
  });

  it('ends dependent contracts: active ones terminated, unfinished ones rejected', () => {
    expect(cascadeStatus('active')).toBe('terminated');
    expect(cascadeStatus('pending')).toBe('rejected');
    expect(cascadeStatus('enrolling')).toBe('rejected');
    expect(cascadeStatus('terminated')).toBeNull();
  });
});
