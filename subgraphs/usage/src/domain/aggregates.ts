// Consumption per asset × item × period, combined from the per-file sums: what was reported (files that
// are valid and not rejected or deleted) and what was accepted (accepted and closed files).
import { formatDecimal, parseDecimal } from './decimal.js';
import type { UsageFileStatus } from './usage-file-machine.js';

export interface FileSum {
  assetId: string;
  itemId: string | null;
  mpn: string;
  periodFrom: string;
  periodTo: string;
  quantity: string;
  amount: string;
}

export interface Aggregate {
  assetId: string;
  itemId: string | null;
  mpn: string;
  period: { from: string; to: string };
  consumed: string;
  accepted: string;
  amount: string;
  files: number;
}

const REPORTED: ReadonlySet<UsageFileStatus> = new Set(['ready', 'pending', 'accepted', 'closed']);
const ACCEPTED: ReadonlySet<UsageFileStatus> = new Set(['accepted', 'closed']);

export function combine(sums: { sum: FileSum; fileStatus: UsageFileStatus }[]): Aggregate[] {
  const groups = new Map<string, { a: Aggregate; consumed: bigint; accepted: bigint; amount: bigint }>();
  for (const { sum, fileStatus } of sums) {
    if (!REPORTED.has(fileStatus)) continue;
    const key = [sum.assetId, sum.mpn, sum.periodFrom, sum.periodTo].join('|');
    let g = groups.get(key);
    if (!g) {
      g = {
        a: {
          assetId: sum.assetId,
          itemId: sum.itemId,
          mpn: sum.mpn,
          period: { from: sum.periodFrom, to: sum.periodTo },
          consumed: '0',
          accepted: '0',
          amount: '0',
          files: 0,
        },
        consumed: 0n,
        accepted: 0n,
        amount: 0n,
      };
      groups.set(key, g);
    }
    const q = parseDecimal(sum.quantity)?.scaled ?? 0n;
    g.consumed += q;
    if (ACCEPTED.has(fileStatus)) g.accepted += q;
    g.amount += parseDecimal(sum.amount)?.scaled ?? 0n;
    g.a.files++;
  }
  return [...groups.values()]
    .map((g) => ({
      ...g.a,
      consumed: formatDecimal(g.consumed),
      accepted: formatDecimal(g.accepted),
      amount: formatDecimal(g.amount),
    }))
    .sort(
      (x, y) =>
        x.period.from.localeCompare(y.period.from) ||
        x.assetId.localeCompare(y.assetId) ||
        x.mpn.localeCompare(y.mpn),
    );
}
