// Usage into billing (domain rules; flows/usage.ts writes). The closed records of a usage file are billed
// in the billing period of their asset that contains their start (or, without one, the first day of the
// file's period), as one line per file and item on that period's two requests: quantity × the unit price
// of the version that priced the period (cost on the vendor side, price on the provider side), rounded
// once to cents. A record no open period takes is counted outside, with the reason; a record whose period
// is not billed yet makes the whole file wait, so a file is reconciled once, whole.
import { mulRatio, sumDecimals } from '@daas/kit';
import { CENTS } from './lines.js';
import { type BillingPeriod, daysBetween, type PeriodBounds, periodOf } from './periods.js';

/** A closed usage record, as the usage domain shows it. */
export interface UsageRecordFacts {
  id: string;
  asset: string | null;
  item: string | null;
  mpn: string | null;
  /** decimal string; null for records that report amounts (TR, PR, CR schemas), not quantities */
  quantity: string | null;
  startTime: Date | null;
}

/** What reconciliation needs of an asset's billing. */
export interface BilledAsset {
  _id: string;
  status: 'active' | 'ended';
  anchorAt: Date;
  period: BillingPeriod;
  billedPeriods: number;
}

export interface UsageGroup {
  asset: string;
  period: PeriodBounds;
  item: string;
  mpn: string;
  quantity: string;
  records: number;
}

export interface ReconciliationPlan {
  groups: UsageGroup[];
  outside: { record: string; reason: string }[];
  /** a record's period has not been billed yet: reconcile the file later, whole */
  waiting: string | null;
}

/** The period of the asset's billing that contains `at`, or null before its anchor. */
export function periodContaining(anchor: Date, period: BillingPeriod, at: Date): PeriodBounds | null {
  if (at < anchor) return null;
  // months from the anchor, then step: a period is at least 28 days, so one or two steps at most
  const months = period === 'monthly' ? 1 : 12;
  const span = (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + at.getUTCMonth() - anchor.getUTCMonth();
  let n = Math.max(0, Math.floor(span / months) - 1);
  let p = periodOf(anchor, period, n);
  while (p.to <= at) p = periodOf(anchor, period, ++n);
  return p;
}

export function planReconciliation(
  records: readonly UsageRecordFacts[],
  fileFrom: Date,
  billings: ReadonlyMap<string, BilledAsset>,
): ReconciliationPlan {
  const groups = new Map<string, UsageGroup>();
  const outside: ReconciliationPlan['outside'] = [];
  let waiting: string | null = null;
  for (const r of records) {
    const out = (reason: string) => outside.push({ record: r.id, reason });
    if (!r.asset || !r.item) {
      out('no asset or item');
      continue;
    }
    if (r.quantity === null) {
      out('not a quantity record');
      continue;
    }
    const b = billings.get(r.asset);
    if (!b) {
      out(`asset ${r.asset} is not billed`);
      continue;
    }
    const period = periodContaining(b.anchorAt, b.period, r.startTime ?? fileFrom);
    if (!period) {
      out(`before the billing of ${r.asset} started`);
      continue;
    }
    if (period.number >= b.billedPeriods) {
      if (b.status === 'ended') out(`after the billing of ${r.asset} ended`);
      else waiting ??= `period ${period.number} of ${r.asset} is not billed yet`;
      continue;
    }
    const key = `${r.asset}|${period.number}|${r.item}`;
    const g = groups.get(key);
    if (g) {
      g.quantity = sumDecimals([g.quantity, r.quantity]);
      g.records++;
    } else {
      groups.set(key, {
        asset: r.asset,
        period,
        item: r.item,
        mpn: r.mpn ?? '',
        quantity: sumDecimals([r.quantity]),
        records: 1,
      });
    }
  }
  return { groups: [...groups.values()], outside, waiting };
}

/** A pay-as-you-go line: the whole period, quantity × unit price (per unit), rounded once to cents. */
export function usageLine(g: UsageGroup, unitPrice: string, usageFile: string) {
  const periodDays = daysBetween(g.period.from, g.period.to);
  return {
    item: g.item,
    mpn: g.mpn,
    from: g.period.from,
    to: g.period.to,
    days: periodDays,
    periodDays,
    quantity: g.quantity,
    unitPrice,
    amount: mulRatio(g.quantity, unitPrice, 1n, 1n, CENTS),
    usageFile,
    records: g.records,
  };
}
