// The effect of every request type × moment on its asset (docs/domain.md#what-a-request-does-to-its-asset), written out below
// as the specification, and the rules for opening requests on an asset.
import { DomainError } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import { ASSET_OUTCOMES, ASSET_STATUSES } from '../src/domain/asset-outcomes.js';
import { REQUEST_TYPES } from '../src/domain/asset-request-machine.js';
import { applyItems, changeItems, openRequest, outcomeFields, updateParams } from '../src/domain/assets.js';

// type        moment    asset must be   becomes       carries  stamps
const SPEC = `
  purchase    created   -               processing    -        -
  purchase    approved  processing      active        params   activatedAt
  purchase    failed    processing      terminated    -        terminatedAt
  purchase    revoked   processing      terminated    -        terminatedAt
  change      created   active          -             -        -
  change      approved  active          -             items    -
  change      failed    active          -             -        -
  change      revoked   active          -             -        -
  suspend     created   active          -             -        -
  suspend     approved  active          suspended     -        -
  suspend     failed    active          -             -        -
  suspend     revoked   active          -             -        -
  resume      created   suspended       -             -        -
  resume      approved  suspended       active        -        -
  resume      failed    suspended       -             -        -
  resume      revoked   suspended       -             -        -
  cancel      created   active          terminating   -        -
  cancel      approved  terminating     terminated    -        terminatedAt
  cancel      failed    terminating     active        -        -
  cancel      revoked   terminating     active        -        -
  adjustment  created   active          -             -        -
  adjustment  approved  active          -             params   -
  adjustment  failed    active          -             -        -
  adjustment  revoked   active          -             -        -
`;

const dash = (v: string) => (v === '-' ? undefined : v);

describe('asset outcome table', () => {
  const rows = SPEC.trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));

  it('covers every type and moment exactly as specified', () => {
    expect(rows).toHaveLength(REQUEST_TYPES.length * 4);
    for (const [type, moment, expectS, to, apply, stamp] of rows) {
      const cell = ASSET_OUTCOMES[type as keyof typeof ASSET_OUTCOMES][moment as 'created'];
      expect(cell.expect.join(',') || '-', `${type} ${moment}`).toBe(expectS);
      expect(cell.to, `${type} ${moment}`).toBe(dash(to!));
      expect(cell.apply, `${type} ${moment}`).toBe(dash(apply!));
      expect(cell.stamp, `${type} ${moment}`).toBe(dash(stamp!));
    }
  });

  it('turns each outcome into the asset fields it sets', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const asset = { items: [{ itemId: 'PRD-100-000-001-0001', mpn: 'A', quantity: '10' }] };
    const request = {
      items: [{ itemId: 'PRD-100-000-001-0001', mpn: 'A', quantity: '15' }],
      params: [{ name: 'license_key', value: 'K-1', valueError: 'old' }],
    };
    expect(outcomeFields(ASSET_OUTCOMES.change.approved, asset, request, now)).toEqual({
      pendingRequest: null,
      items: [{ itemId: 'PRD-100-000-001-0001', mpn: 'A', quantity: '15' }],
    });
    expect(outcomeFields(ASSET_OUTCOMES.purchase.approved, asset, request, now)).toEqual({
      pendingRequest: null,
      params: [{ name: 'license_key', value: 'K-1', valueError: null }],
      activatedAt: now,
    });
    expect(outcomeFields(ASSET_OUTCOMES.cancel.approved, asset, request, now)).toEqual({
      pendingRequest: null,
      terminatedAt: now,
    });
    expect(outcomeFields(ASSET_OUTCOMES.suspend.failed, asset, request, now)).toEqual({
      pendingRequest: null,
    });
  });
});

describe('opening a request on an asset', () => {
  const types = REQUEST_TYPES.filter((t) => t !== 'purchase');
  const code = (fn: () => unknown) => {
    try {
      fn();
      return 'ok';
    } catch (e) {
      return (e as DomainError).code;
    }
  };

  it('needs the asset in the statuses of the creation cell, by the right party, with hold where needed', () => {
    for (const type of types) {
      const by = type === 'adjustment' ? 'vendor' : 'provider';
      const other = by === 'vendor' ? 'provider' : 'vendor';
      for (const status of ASSET_STATUSES) {
        const asset = { _id: 'AS-1000-0000-0001', status, pendingRequest: null };
        const allowed = ASSET_OUTCOMES[type].created.expect.includes(status);
        expect(
          code(() => openRequest(asset, type, by, { hold: true })),
          `${type} on ${status}`,
        ).toBe(allowed ? 'ok' : 'CONFLICT');
        expect(code(() => openRequest(asset, type, other, { hold: true }))).toBe('FORBIDDEN');
        expect(code(() => openRequest(asset, type, null, { hold: true }))).toBe('FORBIDDEN');
      }
    }
    const active = { _id: 'AS-1000-0000-0001', status: 'active' };
    expect(code(() => openRequest(active, 'suspend', 'provider', { hold: false }))).toBe('CONFLICT');
    expect(
      code(() => openRequest({ ...active, status: 'suspended' }, 'resume', 'provider', { hold: false })),
    ).toBe('CONFLICT');
    expect(code(() => openRequest(active, 'change', 'provider', { hold: false }))).toBe('ok');
  });

  it('refuses a second open request', () => {
    const asset = {
      _id: 'AS-1000-0000-0001',
      status: 'active',
      pendingRequest: { id: 'PR-1000-0000-0001-002', type: 'change' as const },
    };
    for (const type of types.filter((t) => t !== 'adjustment')) {
      expect(code(() => openRequest(asset, type, 'provider', { hold: true }))).toBe('CONFLICT');
    }
    try {
      openRequest(asset, 'cancel', 'provider', { hold: true });
    } catch (e) {
      expect((e as DomainError).message).toContain('PR-1000-0000-0001-002');
    }
  });

  it('computes change items and their application: new quantity, 0 removes, new items added', () => {
    const current = [
      { itemId: 'I1', mpn: 'A', quantity: '10' },
      { itemId: 'I2', mpn: 'B', quantity: '5' },
    ];
    const requested = [
      { itemId: 'I1', mpn: 'A', quantity: '15' },
      { itemId: 'I2', mpn: 'B', quantity: '0' },
      { itemId: 'I3', mpn: 'C', quantity: '2' },
    ];
    expect(changeItems(current, requested).map((i) => i.oldQuantity)).toEqual(['10', '5', null]);
    expect(applyItems(current, requested)).toEqual([
      { itemId: 'I1', mpn: 'A', quantity: '15' },
      { itemId: 'I3', mpn: 'C', quantity: '2' },
    ]);
    expect(() => changeItems(current, [{ itemId: 'I9', mpn: 'Z', quantity: '0' }])).toThrow(DomainError);
    expect(() => changeItems(current, [requested[0]!, requested[0]!])).toThrow(DomainError);
  });

  it('updates params by name only', () => {
    const params = [{ name: 'tenant_name', value: null, valueError: null }];
    expect(updateParams(params, [{ name: 'tenant_name', value: 'acme' }])).toEqual([
      { name: 'tenant_name', value: 'acme', valueError: null },
    ]);
    expect(() => updateParams(params, [{ name: 'nope', value: 'x' }])).toThrow(/nope/);
  });
});
