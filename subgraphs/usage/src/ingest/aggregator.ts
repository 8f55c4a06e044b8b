// Sums one file's valid records per asset × item while the file is processed (exact decimals).
import { formatDecimal, parseDecimal } from '../domain/decimal.js';
import type { RecordFields } from '../domain/records.js';

interface Sum {
  assetId: string;
  itemId: string | null;
  mpn: string;
  quantity: bigint;
  amount: bigint;
  records: number;
}

export interface AggregateRow {
  assetId: string;
  itemId: string | null;
  mpn: string;
  quantity: string;
  amount: string;
  records: number;
}

export class Aggregator {
  private readonly sums = new Map<string, Sum>();

  add(r: RecordFields): void {
    if (!r.assetId || !r.mpn) return;
    const key = `${r.assetId}|${r.mpn}`;
    let sum = this.sums.get(key);
    if (!sum) {
      sum = { assetId: r.assetId, itemId: r.itemId, mpn: r.mpn, quantity: 0n, amount: 0n, records: 0 };
      this.sums.set(key, sum);
    }
    sum.quantity += r.quantity ? (parseDecimal(r.quantity)?.scaled ?? 0n) : 0n;
    sum.amount += r.amount ? (parseDecimal(r.amount)?.scaled ?? 0n) : 0n;
    sum.records++;
  }

  rows(): AggregateRow[] {
    return [...this.sums.values()].map((s) => ({
      assetId: s.assetId,
      itemId: s.itemId,
      mpn: s.mpn,
      quantity: formatDecimal(s.quantity),
      amount: formatDecimal(s.amount),
      records: s.records,
    }));
  }

  assetIds(): string[] {
    return [...new Set([...this.sums.values()].map((s) => s.assetId))];
  }
}
