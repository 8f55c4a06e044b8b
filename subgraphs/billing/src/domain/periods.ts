// Billing periods as plain date arithmetic (UTC days). Period n of an asset runs from its anchor plus n
// periods to its anchor plus n+1 periods; a month added to the 31st ends on the month's last day (Jan 31
// → Feb 28 → Mar 31: always counted from the anchor, so a short month does not shift the later ones).
export const BILLING_PERIODS = ['monthly', 'yearly'] as const;
export type BillingPeriod = (typeof BILLING_PERIODS)[number];

export const DAY_MS = 86_400_000;

const MONTHS: Record<BillingPeriod, number> = { monthly: 1, yearly: 12 };

/** Midnight UTC of the day `at` falls in: billing counts whole days. */
export function dayOf(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export function addMonths(anchor: Date, months: number): Date {
  const y = anchor.getUTCFullYear();
  const m = anchor.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(anchor.getUTCDate(), last)));
}

export interface PeriodBounds {
  /** 0 for the period starting on the anchor */
  number: number;
  from: Date;
  /** exclusive */
  to: Date;
  /** a period cut short by a transfer: the days of the whole period, which its days are prorated by */
  periodDays?: number;
}

/** What places an asset's periods: its anchor, re-anchored at a transfer (domain/asset-billing.ts). */
export interface Anchored {
  anchorAt: Date;
  period: BillingPeriod;
  /** the number of the period that starts on anchorAt (0 until a transfer re-anchors) */
  anchorPeriod?: number;
  billedPeriods: number;
  /** a transfer inside the period being billed: it ends there */
  cutAt?: Date | null;
}

/** Period n of an asset's billing (n at or after its anchor period), cut short by a pending transfer. */
export function periodOfBilling(b: Anchored, n: number): PeriodBounds {
  const p = periodOf(b.anchorAt, b.period, n - (b.anchorPeriod ?? 0));
  const bounds = { ...p, number: n };
  if (b.cutAt && n === b.billedPeriods && b.cutAt > p.from && b.cutAt < p.to) {
    return { ...bounds, to: b.cutAt, periodDays: daysBetween(p.from, p.to) };
  }
  return bounds;
}

export function periodOf(anchor: Date, period: BillingPeriod, n: number): PeriodBounds {
  const months = MONTHS[period];
  return { number: n, from: addMonths(anchor, n * months), to: addMonths(anchor, (n + 1) * months) };
}

export function daysBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / DAY_MS);
}

/** The period an item's period bills in, or null for items this billing does not bill (one-time, trials). */
export function billingPeriodOfItem(itemPeriod: string): BillingPeriod | null {
  const p = itemPeriod.toLowerCase();
  return p === 'monthly' || p === 'yearly' ? p : null;
}
