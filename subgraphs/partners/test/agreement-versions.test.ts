// Agreement version rules (docs/domain.md#agreements) and the shape rules of each agreement type.
import { DomainError } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import {
  type AgreementVersion,
  activateVersion,
  activeVersion,
  addVersion,
  agreementStatus,
  checkDeletable,
  checkRelations,
  deleteVersion,
  firstVersion,
  reserveContract,
  validDocument,
} from '../src/domain/agreements.js';

const now = new Date('2025-05-01T00:00:00Z');

function agreement(versions: AgreementVersion[], status = 'active') {
  return {
    _id: 'AGP-100-000-001',
    status,
    versions,
    lastVersion: Math.max(...versions.map((v) => v.version)),
  };
}

function refusal(fn: () => unknown): { code: string; field?: unknown; current?: unknown } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError)
      return { code: e.code, field: e.details.field, current: e.details.currentStatus };
    throw e;
  }
  return { code: 'ALLOWED' };
}

describe('agreement versions', () => {
  it('creates version 1 active', () => {
    const v1 = firstVersion('none', null, now);
    expect(v1).toMatchObject({ version: 1, active: true, contracts: 0 });
    expect(agreementStatus([v1])).toBe('active');
  });

  it('adds a version inactive, or active deactivating the current one', () => {
    const a = agreement([firstVersion('none', null, now)]);
    const inactive = addVersion(a, { documentType: 'none', link: null, active: false }, now);
    expect(inactive.lastVersion).toBe(2);
    expect(inactive.versions.map((v) => [v.version, v.active])).toEqual([
      [1, true],
      [2, false],
    ]);
    const active = addVersion(a, { documentType: 'external', link: 'https://x.test/t', active: true }, now);
    expect(active.versions.map((v) => [v.version, v.active])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(activeVersion(active.versions)?.version).toBe(2);
  });

  it('activating a version deactivates the current one; re-activating the active one is a CONFLICT', () => {
    const a = agreement(
      addVersion(
        agreement([firstVersion('none', null, now)]),
        { documentType: 'none', link: null, active: false },
        now,
      ).versions,
    );
    const versions = activateVersion(a, 2);
    expect(versions.map((v) => [v.version, v.active])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(refusal(() => activateVersion(a, 1))).toEqual({
      code: 'CONFLICT',
      field: undefined,
      current: 'ACTIVE',
    });
    expect(refusal(() => activateVersion(a, 7))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.version',
    });
  });

  it('deletes a version only without contracts and not the last one', () => {
    const v1 = { ...firstVersion('none', null, now), contracts: 2 };
    const v2: AgreementVersion = {
      version: 2,
      active: false,
      documentType: 'none',
      link: null,
      contracts: 0,
      createdAt: now,
    };
    const a = agreement([v1, v2]);
    expect(refusal(() => deleteVersion(a, 1))).toMatchObject({ code: 'CONFLICT', current: 'ACTIVE' });
    expect(deleteVersion(a, 2).map((v) => v.version)).toEqual([1]);
    // the active version may go too when it has no contracts, leaving the agreement inactive
    const b = agreement([{ ...v1, contracts: 0 }, v2]);
    const left = deleteVersion(b, 1);
    expect(agreementStatus(left)).toBe('inactive');
    expect(refusal(() => deleteVersion(agreement([v2]), 2))).toMatchObject({ code: 'CONFLICT' });
    expect(refusal(() => deleteVersion(a, 9))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.version',
    });
  });

  it('never reuses the number of a deleted version', () => {
    const v2: AgreementVersion = {
      version: 2,
      active: false,
      documentType: 'none',
      link: null,
      contracts: 0,
      createdAt: now,
    };
    const a = { ...agreement([firstVersion('none', null, now), v2]) };
    const afterDelete = { ...a, versions: deleteVersion(a, 2) };
    expect(
      addVersion(afterDelete, { documentType: 'none', link: null, active: false }, now).lastVersion,
    ).toBe(3);
  });

  it('counts contracts on the active version and refuses them without one', () => {
    const a = agreement([firstVersion('none', null, now)]);
    const r = reserveContract(a);
    expect(r.version).toBe(1);
    expect(r.versions[0]!.contracts).toBe(1);
    const inactive = agreement([{ ...firstVersion('none', null, now), active: false }]);
    expect(refusal(() => reserveContract(inactive))).toMatchObject({ code: 'CONFLICT', current: 'INACTIVE' });
    expect(
      refusal(() => reserveContract(agreement([firstVersion('none', null, now)], 'deleted'))),
    ).toMatchObject({
      code: 'CONFLICT',
      current: 'DELETED',
    });
  });

  it('deletes an agreement only if no contract was ever made on it', () => {
    expect(refusal(() => checkDeletable(agreement([firstVersion('none', null, now)])))).toEqual({
      code: 'ALLOWED',
    });
    expect(
      refusal(() => checkDeletable(agreement([{ ...firstVersion('none', null, now), contracts: 1 }]))),
    ).toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('checks document links', () => {
    expect(validDocument('none', null)).toBeNull();
    expect(validDocument('external', ' https://globex.test/terms ')).toBe('https://globex.test/terms');
    expect(refusal(() => validDocument('external', ''))).toMatchObject({ field: 'input.link' });
    expect(refusal(() => validDocument('external', 'ftp://x'))).toMatchObject({ field: 'input.link' });
    expect(refusal(() => validDocument('none', 'https://x.test'))).toMatchObject({ field: 'input.link' });
  });
});

describe('agreement relations', () => {
  const owner = 'PA-200-001';
  const program = { _id: 'AGP-1', owner, type: 'program' as const, status: 'active' };
  const market = { _id: 'MP-1', owner, hubs: [{ hub: 'HB-1' }] };
  const check = (
    type: Parameters<typeof checkRelations>[0],
    parent: typeof program | null,
    marketplace: typeof market | null,
    given = { parent: !!parent, marketplace: !!marketplace },
  ) => refusal(() => checkRelations(type, owner, parent, given.parent, marketplace, given.marketplace));

  it('binds a distribution agreement to a program agreement and a marketplace with hubs', () => {
    expect(check('distribution', program, market)).toEqual({ code: 'ALLOWED' });
    expect(check('distribution', null, market)).toMatchObject({ field: 'input.parent' });
    expect(check('distribution', program, null)).toMatchObject({ field: 'input.marketplace' });
    expect(check('distribution', program, { ...market, hubs: [] })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.marketplace',
    });
    expect(check('distribution', program, { ...market, owner: 'PA-999-999' })).toMatchObject({
      field: 'input.marketplace',
    });
    expect(check('distribution', { ...program, type: 'service' } as never, market)).toMatchObject({
      field: 'input.parent',
    });
    // named but not found (unknown or not visible)
    expect(check('distribution', null, market, { parent: true, marketplace: true })).toMatchObject({
      field: 'input.parent',
    });
  });

  it('gives program and service agreements neither parent nor marketplace', () => {
    expect(check('program', null, null)).toEqual({ code: 'ALLOWED' });
    expect(check('program', program, null)).toMatchObject({ field: 'input.parent' });
    expect(check('service', null, market)).toMatchObject({ field: 'input.marketplace' });
  });

  it('lets syndication and referral agreements hang under a service agreement', () => {
    const service = { ...program, _id: 'AGS-1', type: 'service' as const };
    expect(check('syndication', null, null)).toEqual({ code: 'ALLOWED' });
    expect(check('syndication', service as never, null)).toEqual({ code: 'ALLOWED' });
    expect(check('referral', program, null)).toMatchObject({ field: 'input.parent' });
  });
});
