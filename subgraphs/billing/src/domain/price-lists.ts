// Price lists: one per product and marketplace, in one currency, with numbered versions. A version is
// DRAFT while the vendor edits it, ACTIVE once activated with an effective date, EXPIRED when a later one
// is activated. One version is active at a time: the versions live in their price list's document, so
// activating one and expiring the previous is one conditional write. The price on a day is the version
// whose effective date is the latest on or before that day (an expired version still prices the days it
// covered). Money is decimal strings, never floats.
import {
  badInput,
  conflict,
  forbidden,
  type Identity,
  type Machine,
  parseDecimal,
  seesEverything,
  type Transition,
  takeTransition,
} from '@daas/kit';

export const VERSION_STATUSES = ['draft', 'active', 'expired'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];
export type VersionAction = 'create' | 'activate' | 'expire';

export interface PricePoint {
  item: string;
  /** what the distributor pays the vendor */
  cost: string;
  /** what the reseller (or customer) pays the distributor */
  price: string;
  msrp: string | null;
}

export interface PriceListVersion {
  number: number;
  status: VersionStatus;
  effectiveAt: Date | null;
  expiredAt: Date | null;
  createdAt: Date;
  points: PricePoint[];
}

export interface PriceListFacts {
  _id: string;
  vendor: string;
  /** the marketplace's owner: sees cost */
  distributor: string;
  currency: string;
  versions: PriceListVersion[];
}

export const versionMachine: Machine<Transition<VersionStatus, VersionAction, 'vendor' | 'system'>> = {
  noun: 'price list version',
  transitions: [
    { action: 'create', from: null, to: 'draft', by: ['vendor'] },
    { action: 'activate', from: 'draft', to: 'active', by: ['vendor'] },
    { action: 'expire', from: 'active', to: 'expired', by: ['system'] },
  ],
  guards: {} as Record<never, string>,
  field: 'input.version',
};

export const CURRENCY = /^[A-Z]{3}$/;
const MONEY_DIGITS = 4;
const MAX_POINTS = 1000;

export function parseCurrency(value: string, field: string): string {
  const c = value.trim().toUpperCase();
  if (!CURRENCY.test(c)) throw badInput(field, 'an ISO-4217 code such as USD');
  return c;
}

/** A non-negative amount with at most 4 decimals, as its canonical decimal string. */
export function parseMoney(value: string, field: string): string {
  const d = parseDecimal(value);
  if (!d || d.scaled < 0n) throw badInput(field, 'a non-negative decimal such as 12.50');
  if (d.decimals > MONEY_DIGITS) throw badInput(field, `at most ${MONEY_DIGITS} decimals`);
  return value.trim();
}

/** Validates a version's points against the product's items (ids it may price). */
export function parsePoints(
  points: { item: string; cost: string; price: string; msrp?: string | null }[],
  productItems: ReadonlySet<string>,
): PricePoint[] {
  if (points.length > MAX_POINTS) throw badInput('input.points', `at most ${MAX_POINTS} points`);
  const seen = new Set<string>();
  return points.map((p, i) => {
    const field = `input.points[${i}]`;
    if (!productItems.has(p.item))
      throw badInput(`${field}.item`, `${p.item} is not an item of this product`);
    if (seen.has(p.item)) throw badInput(`${field}.item`, `${p.item} is priced twice`);
    seen.add(p.item);
    return {
      item: p.item,
      cost: parseMoney(p.cost, `${field}.cost`),
      price: parseMoney(p.price, `${field}.price`),
      msrp: p.msrp == null ? null : parseMoney(p.msrp, `${field}.msrp`),
    };
  });
}

/** Only the product's vendor manages its price lists. */
export function assertManages(identity: Identity, list: Pick<PriceListFacts, '_id' | 'vendor'>): void {
  if (identity.accountId !== list.vendor)
    throw forbidden(`only the vendor of price list ${list._id} may change it`);
}

/** Cost is the vendor's and the distributor's business: a reseller never sees it (field-level tenancy). */
export function seesCost(identity: Identity, list: Pick<PriceListFacts, 'vendor' | 'distributor'>): boolean {
  return (
    seesEverything(identity) || identity.accountId === list.vendor || identity.accountId === list.distributor
  );
}

/** The new draft version: the next number. */
export function newVersion(list: PriceListFacts, points: PricePoint[], now: Date): PriceListVersion {
  takeTransition(versionMachine, null, 'create', 'vendor');
  const number = Math.max(0, ...list.versions.map((v) => v.number)) + 1;
  return { number, status: 'draft', effectiveAt: null, expiredAt: null, createdAt: now, points };
}

/**
 * The versions after activating `number` from `effectiveAt`: it becomes ACTIVE, the one active before
 * EXPIRED at that date. An effective date before the active version's would reorder history: refused.
 * Once a version has priced, a later one takes effect now or later, never in the past: the price a
 * request or a period was given by the version effective on its date stays its price (docs/billing.md).
 */
export function activate(
  list: PriceListFacts,
  number: number,
  effectiveAt: Date,
  now: Date,
): PriceListVersion[] {
  const target = list.versions.find((v) => v.number === number);
  if (!target) throw badInput('input.version', `price list ${list._id} has no version ${number}`);
  takeTransition(
    versionMachine,
    { _id: `${list._id} v${number}`, status: target.status },
    'activate',
    'vendor',
  );
  if (target.points.length === 0) throw conflict(`version ${number} has no price points`, 'DRAFT');
  const active = list.versions.find((v) => v.status === 'active');
  if (active?.effectiveAt && effectiveAt < active.effectiveAt) {
    throw badInput(
      'input.effectiveDate',
      `must not be before the active version's (${active.effectiveAt.toISOString()})`,
    );
  }
  const priced = list.versions.some((v) => v.status !== 'draft');
  if (priced && effectiveAt < now) {
    throw badInput(
      'input.effectiveDate',
      'must not be in the past once a version has priced (what was priced at a date keeps its price)',
    );
  }
  return list.versions.map((v) => {
    if (v.number === number) return { ...v, status: 'active', effectiveAt };
    if (v.status === 'active') {
      takeTransition(
        versionMachine,
        { _id: `${list._id} v${v.number}`, status: v.status },
        'expire',
        'system',
      );
      return { ...v, status: 'expired', expiredAt: effectiveAt };
    }
    return v;
  });
}

/** The version that prices day `at`: the latest effective on or before it, active or since expired. */
export function versionAt(versions: readonly PriceListVersion[], at: Date): PriceListVersion | null {
  let best: PriceListVersion | null = null;
  for (const v of versions) {
    if (v.status === 'draft' || !v.effectiveAt || v.effectiveAt > at) continue;
    if (!best || v.effectiveAt > best.effectiveAt!) best = v;
  }
  return best;
}
