// The lines of one billing request: per segment of the period and per billed item, quantity × unit price ×
// (days of the segment billed / days of the period), rounded once to the currency's cents. Suspended and
// terminated days are not billed. The vendor side is priced at cost, the provider side at price.
import { childId, mulRatio, scaledOf, sumDecimals } from '@daas/kit';
import type { Segment } from './asset-billing.js';
import { daysBetween, type PeriodBounds } from './periods.js';
import type { PricePoint } from './price-lists.js';

export const BILLING_SIDES = ['vendor', 'provider'] as const;
export type BillingSide = (typeof BILLING_SIDES)[number];

export const CENTS = 2;

/** BRV-/BRP-<asset digits>-<period + 1>: the id is the request's exactly-once key (flows/scheduler.ts). */
export function billingRequestId(side: BillingSide, asset: string, period: number): string {
  // the id's sequence is 1-based, the period number 0-based
  return childId(side === 'vendor' ? 'vendorBillingRequest' : 'providerBillingRequest', asset, period + 1);
}

export interface BillingLine {
  item: string;
  mpn: string;
  from: Date;
  to: Date;
  days: number;
  periodDays: number;
  quantity: string;
  unitPrice: string | null;
  amount: string | null;
  /** pay-as-you-go lines: the usage file reconciled into it, and how many of its records */
  usageFile?: string;
  records?: number;
}

/** The active stretches of the period: [from, to) with the items of each. */
export function activeStretches(segments: readonly Segment[], period: PeriodBounds) {
  const out: { from: Date; to: Date; items: Segment['items'] }[] = [];
  for (const [i, s] of segments.entries()) {
    const from = new Date(Math.max(s.from.getTime(), period.from.getTime()));
    const next = segments[i + 1]?.from ?? period.to;
    const to = new Date(Math.min(next.getTime(), period.to.getTime()));
    if (s.state === 'active' && to > from) out.push({ from, to, items: s.items });
  }
  return out;
}

export function billingLines(
  segments: readonly Segment[],
  period: PeriodBounds,
  side: BillingSide,
  prices: ReadonlyMap<string, PricePoint> | null,
): BillingLine[] {
  const periodDays = period.periodDays ?? daysBetween(period.from, period.to);
  const lines: BillingLine[] = [];
  for (const stretch of activeStretches(segments, period)) {
    const days = daysBetween(stretch.from, stretch.to);
    for (const it of stretch.items) {
      const quantity = it.quantity === '-1' ? '1' : it.quantity;
      if (scaledOf(quantity) === 0n) continue;
      const point = prices?.get(it.item);
      const unitPrice = point ? (side === 'vendor' ? point.cost : point.price) : null;
      const amount =
        unitPrice === null ? null : mulRatio(quantity, unitPrice, BigInt(days), BigInt(periodDays), CENTS);
      lines.push({
        item: it.item,
        mpn: it.mpn,
        from: stretch.from,
        to: stretch.to,
        days,
        periodDays,
        quantity,
        unitPrice,
        amount,
      });
    }
  }
  return lines;
}

export const totalOf = (lines: readonly BillingLine[]) => sumDecimals(lines.map((l) => l.amount));

/** Whether nothing of the asset is billable from `from` on: it was terminated before or on that day. */
export function endedBy(segments: readonly Segment[], from: Date): boolean {
  const last = segments.at(-1);
  return last?.state === 'terminated' && last.from <= from;
}
