// The billing domain's plain rules: period arithmetic from the anchor, the billing request machine
// (every action × party × status), observation of a timeline, and price versions.
import { isDomainError } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import { observe, type Segment } from '../src/domain/asset-billing.js';
import {
  BILLING_REQUEST_STATUSES,
  BILLING_REQUEST_TRANSITIONS,
  type BillingParty,
  type BillingRequestAction,
  takeBillingTransition,
} from '../src/domain/billing-request-machine.js';
import { periodOf } from '../src/domain/periods.js';
import { activate, type PriceListFacts, versionAt } from '../src/domain/price-lists.js';

const day = (d: Date) => d.toISOString().slice(0, 10);

describe('periods', () => {
  it('count from the anchor: the 31st ends short months on their last day and comes back', () => {
    const anchor = new Date('2026-01-31T00:00:00Z');
    const ends = [0, 1, 2, 3].map((n) => day(periodOf(anchor, 'monthly', n).to));
    expect(ends).toEqual(['2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31']);
    expect(day(periodOf(new Date('2024-02-29T00:00:00Z'), 'yearly', 0).to)).toBe('2025-02-28');
    expect(day(periodOf(new Date('2024-02-29T00:00:00Z'), 'yearly', 3).to)).toBe('2028-02-29');
  });
});

describe('billing request machine', () => {
  const parties: BillingParty[] = ['issuer', 'operator', 'system'];
  const actions: BillingRequestAction[] = ['create', 'create_unpriced', 'approve', 'fail'];
  it('allows exactly its table, refusing the rest with FORBIDDEN before CONFLICT', () => {
    for (const action of actions) {
      for (const party of parties) {
        for (const status of [null, ...BILLING_REQUEST_STATUSES]) {
          const row = BILLING_REQUEST_TRANSITIONS.find(
            (t) => t.action === action && t.from === status && t.by.includes(party),
          );
          const subject = status === null ? null : { _id: 'BRV-1000-0000-0001-0001', status };
          const mayEver = BILLING_REQUEST_TRANSITIONS.some(
            (t) => t.action === action && t.by.includes(party),
          );
          let outcome: string;
          try {
            outcome = takeBillingTransition(subject, action, party).to;
          } catch (e) {
            if (!isDomainError(e)) throw e;
            outcome = e.code;
          }
          expect({ action, party, status, outcome }).toEqual({
            action,
            party,
            status,
            outcome: row ? row.to : mayEver ? 'CONFLICT' : 'FORBIDDEN',
          });
        }
      }
    }
  });
});

describe('observing an asset', () => {
  const s = (from: string, state: Segment['state'], q: string): Segment => ({
    from: new Date(`${from}T00:00:00Z`),
    state,
    items: [{ item: 'PRD-100-000-001-0001', mpn: 'SEAT', quantity: q }],
  });
  const billedUntil = new Date('2026-02-15T00:00:00Z');
  it('starts a segment on the day a change is seen, keeps the later of two on one day, never rewrites billed days', () => {
    const t = [s('2026-01-15', 'active', '1')];
    expect(
      observe(t, { state: 'active', items: t[0]!.items }, new Date('2026-03-01T10:00:00Z'), billedUntil),
    ).toBeNull();
    const changed = observe(t, s('x', 'active', '2'), new Date('2026-03-01T10:00:00Z'), billedUntil)!;
    expect(changed.map((x) => [day(x.from), x.items[0]!.quantity])).toEqual([
      ['2026-01-15', '1'],
      ['2026-03-01', '2'],
    ]);
    const again = observe(changed, s('x', 'active', '3'), new Date('2026-03-01T18:00:00Z'), billedUntil)!;
    expect(again.map((x) => [day(x.from), x.items[0]!.quantity])).toEqual([
      ['2026-01-15', '1'],
      ['2026-03-01', '3'],
    ]);
    // seen late (the period it happened in is billed already): from the first unbilled day
    const late = observe(t, s('x', 'suspended', '1'), new Date('2026-02-01T00:00:00Z'), billedUntil)!;
    expect(day(late.at(-1)!.from)).toBe('2026-02-15');
    // terminated is final
    const ended = [...t, s('2026-04-01', 'terminated', '1')];
    expect(observe(ended, s('x', 'active', '1'), new Date('2026-05-01T00:00:00Z'), billedUntil)).toBeNull();
  });
});

describe('price versions', () => {
  const v = (number: number, status: 'draft' | 'active' | 'expired', effective: string | null) => ({
    number,
    status,
    effectiveAt: effective ? new Date(effective) : null,
    expiredAt: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    points: [{ item: 'PRD-100-000-001-0001', cost: '1', price: '2', msrp: null }],
  });
  const list: PriceListFacts = {
    _id: 'PL-100-100-100',
    vendor: 'VA-100-001',
    distributor: 'PA-200-001',
    currency: 'USD',
    versions: [v(1, 'active', '2026-01-01T00:00:00Z'), v(2, 'draft', null)],
  };
  it('one active at a time; the previous one still prices the days before the new effective date', () => {
    const after = activate(list, 2, new Date('2026-06-01T00:00:00Z'), new Date('2026-05-20T00:00:00Z'));
    expect(after.map((x) => x.status)).toEqual(['expired', 'active']);
    expect(versionAt(after, new Date('2026-05-31T00:00:00Z'))!.number).toBe(1);
    expect(versionAt(after, new Date('2026-06-01T00:00:00Z'))!.number).toBe(2);
    expect(versionAt(after, new Date('2025-12-31T00:00:00Z'))).toBeNull();
  });
  it("refuses an effective date before the active version's", () => {
    expect(() =>
      activate(list, 2, new Date('2025-06-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z')),
    ).toThrow(/must not be before/);
  });
  it('refuses a later version effective in the past: what a past date was priced at never changes', () => {
    const now = new Date('2026-05-20T00:00:00Z');
    expect(() => activate(list, 2, new Date('2026-05-19T00:00:00Z'), now)).toThrow(/must not be in the past/);
    expect(activate(list, 2, now, now).map((x) => x.status)).toEqual(['expired', 'active']);
    // the first version may be backdated: before it nothing was priced
    const first = { ...list, versions: [v(1, 'draft', null)] };
    expect(activate(first, 1, new Date('2020-01-01T00:00:00Z'), now)[0]!.status).toBe('active');
  });
});
