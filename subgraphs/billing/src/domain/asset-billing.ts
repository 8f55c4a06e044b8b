// What billing knows of an asset: a timeline of segments, each the asset's state and recurring item
// quantities from a day on, as the billing service observed them (domain rules; flows/observe.ts writes).
// A change is billed from the day it was observed; two observations on one day keep the later one.
import type { BillingPeriod } from './periods.js';
import { billingPeriodOfItem, dayOf } from './periods.js';

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
  items: { item: string; mpn: string; quantity: string; period: string; type: string }[];
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
