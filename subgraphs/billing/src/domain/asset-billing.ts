// What billing knows of an asset: a timeline of segments, each the asset's state and recurring item
// quantities from a day on, as the billing service observed them (domain rules; flows/observe.ts writes).
// A change is billed from the day it was observed; two observations on one day keep the later one.
import { conflict, forbidden, type Identity, seesEverything } from '@daas/kit';
import type { BillingPeriod } from './periods.js';
import { addMonths, billingPeriodOfItem, dayOf } from './periods.js';

/** ACTIVE days are billed; SUSPENDED and TERMINATED days are not. */
export type SegmentState = 'active' | 'suspended' | 'terminated';

export interface SegmentItem {
  item: string;
  mpn: string;
  /** decimal string; "-1" (unlimited) is billed as one unit */
  quantity: string;
}

export interface Segment {
  from: Date;
  state: SegmentState;
  items: SegmentItem[];
}

/** An asset as the requests domain shows it (a snapshot), reduced to what billing needs. */
export interface AssetSnapshot {
  id: string;
  status: string;
  product: string;
  marketplace: string;
  vendor: string;
  /** the account that sold the asset (distributor or reseller) */
  provider: string;
  /** the marketplace's distributor */
  distributor: string;
  items: {
    item: string;
    mpn: string;
    quantity: string;
    period: string;
    type: string;
    /** billing periods of the item's commitment; null or absent: none */
    commitment?: number | null;
  }[];
}

/**
 * A commitment: the asset is committed until `endsAt`, then renews for `months` more (automatically,
 * unless `renew` was turned off) or its billing ends there.
 */
export interface Commitment {
  months: number;
  endsAt: Date;
  renew: boolean;
  renewals: number;
}

/** The asset's state for billing, or null while it is not billable yet (draft, processing). */
export function segmentState(assetStatus: string): SegmentState | null {
  switch (assetStatus.toLowerCase()) {
    case 'active':
    case 'terminating':
      return 'active';
    case 'suspended':
      return 'suspended';
    case 'terminated':
      return 'terminated';
    default:
      return null;
  }
}

/**
 * The asset's billing period: monthly when it has a monthly recurring item, else yearly, else monthly
 * when it has a pay-as-you-go item, else null (nothing to bill). Only items of that period are billed (docs/billing.md).
 */
export function billingPeriodOf(snapshot: AssetSnapshot): BillingPeriod | null {
  const periods = snapshot.items
    .filter((i) => i.type.toLowerCase() === 'reservation')
    .map((i) => billingPeriodOfItem(i.period));
  if (periods.includes('monthly')) return 'monthly';
  if (periods.includes('yearly')) return 'yearly';
  // pay-as-you-go only: billed monthly, its usage reconciled into the months (domain/usage.ts)
  return snapshot.items.some((i) => i.type.toLowerCase() === 'ppu') ? 'monthly' : null;
}

export function billedItems(snapshot: AssetSnapshot, period: BillingPeriod): SegmentItem[] {
  return snapshot.items
    .filter((i) => i.type.toLowerCase() === 'reservation' && billingPeriodOfItem(i.period) === period)
    .map((i) => ({ item: i.item, mpn: i.mpn, quantity: i.quantity }))
    .sort((a, b) => a.item.localeCompare(b.item));
}

/** The longest commitment of the billed items, from the anchor; null without one. */
export function commitmentOf(
  snapshot: AssetSnapshot,
  period: BillingPeriod,
  anchor: Date,
): Commitment | null {
  const periods = Math.max(
    0,
    ...snapshot.items
      .filter((i) => i.type.toLowerCase() === 'reservation' && billingPeriodOfItem(i.period) === period)
      .map((i) => i.commitment ?? 0),
  );
  if (periods <= 0) return null;
  const months = periods * (period === 'monthly' ? 1 : 12);
  return { months, endsAt: addMonths(anchor, months), renew: true, renewals: 0 };
}

/** The commitment once billing reaches `nextFrom`: renewed for every term that ended, if it renews. */
export function renewedBy(c: Commitment | null | undefined, nextFrom: Date): Commitment | null {
  if (!c?.renew) return c ?? null;
  let { endsAt, renewals } = c;
  while (endsAt <= nextFrom) {
    renewals++;
    endsAt = addMonths(endsAt, c.months);
  }
  return { ...c, endsAt, renewals };
}

/** The timeline billed: a commitment that will not renew ends the asset's billing at its end. */
export function effectiveSegments(segments: readonly Segment[], c: Commitment | null | undefined): Segment[] {
  if (!c || c.renew) return [...segments];
  return [...segments.filter((s) => s.from < c.endsAt), { from: c.endsAt, state: 'terminated', items: [] }];
}

/**
 * Whose the asset is from `day` on, after a transfer to `provider` seen that day: from the period's first
 * day the current period is simply the new provider's; later in the period, the period is cut there (its
 * days so far billed to the old provider) and the next period starts on that day (re-anchored), so no day
 * is billed twice or skipped. Back to the current provider before the cut: the cut is undone.
 */
export function transferTo(
  b: { provider: string; nextProvider?: string | null; cutAt?: Date | null },
  provider: string,
  day: Date,
  periodFrom: Date,
): { provider: string; nextProvider: string | null; cutAt: Date | null } | null {
  if (provider === (b.nextProvider ?? b.provider)) return null;
  if (provider === b.provider) return { provider, nextProvider: null, cutAt: null };
  if (day <= periodFrom) return { provider, nextProvider: null, cutAt: null };
  return { provider: b.provider, nextProvider: provider, cutAt: b.cutAt ?? day };
}

/** Whether the asset's commitment renews is the seller's business: its provider, its distributor, the operator. */
export function assertRenews(
  identity: Identity,
  b: { _id: string; provider: string; distributor: string; status: string; commitment?: Commitment | null },
): Commitment {
  const party =
    seesEverything(identity) || identity.accountId === b.provider || identity.accountId === b.distributor;
  if (!party) throw forbidden(`only the provider or the distributor of ${b._id} decides its renewal`);
  if (b.status === 'ended') throw conflict(`the billing of ${b._id} has ended`, 'ENDED');
  if (!b.commitment) throw conflict(`asset ${b._id} has no commitment`, 'ACTIVE');
  return b.commitment;
}

const sameSegment = (a: Omit<Segment, 'from'>, b: Omit<Segment, 'from'>) =>
  a.state === b.state &&
  a.items.length === b.items.length &&
  a.items.every((x, i) => x.item === b.items[i]!.item && x.quantity === b.items[i]!.quantity);

/**
 * The timeline after observing `next` at `at`, or null when nothing changed. Segments before `billedUntil`
 * are history that was billed: an observation never rewrites them (it starts no earlier than that day).
 */
export function observe(
  segments: readonly Segment[],
  next: Omit<Segment, 'from'>,
  at: Date,
  billedUntil: Date,
): Segment[] | null {
  const last = segments.at(-1);
  if (last && sameSegment(last, next)) return null;
  if (last?.state === 'terminated') return null; // terminated is final
  const day = new Date(Math.max(dayOf(at).getTime(), billedUntil.getTime()));
  const kept = segments.filter((s) => s.from < day);
  return [...kept, { state: next.state, items: next.items, from: day }];
}

/** Segments whose days end before `from` are no longer needed (the last one before it still is). */
export function prune(segments: readonly Segment[], from: Date): Segment[] {
  let first = 0;
  for (let i = 0; i < segments.length; i++) if (segments[i]!.from <= from) first = i;
  return segments.slice(first);
}
