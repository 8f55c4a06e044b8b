// Reconciling a closed usage file into billing. Idempotent without transactions:
//   1. each request gets at most one line per (usage file, item): its change is a no-op when the line is
//      there (decided on the document's current version, so two runners add it once between them);
//   2. the report is created last, once per file (its id is the file's): a file with a report is done.
// A runner killed between the two leaves the file without a report: the next run adds nothing twice
// (rule 1) and writes the report.
import { isDomainError, MAX_PAGE, sumDecimals } from '@daas/kit';
import type { BillingSide } from '../domain/lines.js';
import { BILLING_SIDES, billingRequestId, totalOf } from '../domain/lines.js';
import { versionAt } from '../domain/price-lists.js';
import {
  type BilledAsset,
  planReconciliation,
  type UsageGroup,
  type UsageRecordFacts,
  usageLine,
} from '../domain/usage.js';
import type { BillingEnv } from '../env.js';
import type {
  AssetBillingDoc,
  BillingRequestDoc,
  PriceListDoc,
  UsageReconciliationDoc,
} from '../models/index.js';
import type { UsageFileFacts } from '../peers.js';
import { BILLING_SERVICE } from './actors.js';

class Unchanged extends Error {}

export type Reconciled =
  | { status: 'reconciled' | 'done'; report: UsageReconciliationDoc }
  | { status: 'waiting'; reason: string };

// the usage subgraph's largest page: a larger `first` is refused (a report of no records was written once)
const RECORD_PAGE = MAX_PAGE;
const OUTSIDE_KEPT = 100;

async function recordsOf(env: BillingEnv, file: string): Promise<UsageRecordFacts[]> {
  const out: UsageRecordFacts[] = [];
  let after: string | null = null;
  do {
    const page = await env.peers.usageRecords(file, after, RECORD_PAGE);
    out.push(...page.records);
    after = page.next;
  } while (after);
  return out;
}

/** The unit price of `item` on `side` in the version that priced the request, or null. */
function unitPriceOf(list: PriceListDoc | null, req: BillingRequestDoc, item: string, side: BillingSide) {
  if (!list || req.priceListVersion === null) return null;
  const version =
    list.versions.find((v) => v.number === req.priceListVersion) ?? versionAt(list.versions, req.period.from);
  const point = version?.points.find((p) => p.item === item);
  return point ? (side === 'vendor' ? point.cost : point.price) : null;
}

export async function reconcileUsageFile(
  env: BillingEnv,
  file: UsageFileFacts,
  given?: UsageRecordFacts[],
): Promise<Reconciled> {
  const done = await env.models.UsageReconciliation.findById(file.id).lean<UsageReconciliationDoc>();
  if (done) return { status: 'done', report: done };
  const records = given ?? (await recordsOf(env, file.id));
  const assets = [...new Set(records.flatMap((r) => (r.asset ? [r.asset] : [])))];
  const billings = new Map<string, BilledAsset>(
    (await env.models.AssetBilling.find({ _id: { $in: assets } }).lean<AssetBillingDoc[]>()).map((b) => [
      b._id,
      b,
    ]),
  );
  const plan = planReconciliation(records, new Date(`${file.period.from}T00:00:00Z`), billings);
  if (plan.waiting) return { status: 'waiting', reason: plan.waiting };

  const list = await env.models.PriceList.findOne({
    product: file.product,
    marketplace: file.marketplace,
  }).lean<PriceListDoc>();
  const outside = [...plan.outside];
  const billed: UsageGroup[] = [];
  const items = new Map<string, UsageReconciliationDoc['items'][number]>();
  const touched = new Set<string>();
  for (const g of plan.groups) {
    const ids = BILLING_SIDES.map((side) => billingRequestId(side, g.asset, g.period.number));
    const reqs = await env.models.BillingRequest.find({ _id: { $in: ids } }).lean<BillingRequestDoc[]>();
    const bySide = new Map(reqs.map((r) => [r.side, r]));
    const prices = BILLING_SIDES.map((side) => {
      const r = bySide.get(side);
      return r ? unitPriceOf(list, r, g.item, side) : null;
    });
    // a line is added while both sides are open, and only at a price: otherwise its records stay outside
    const open = BILLING_SIDES.every((side) => bySide.get(side)?.status === 'pending');
    const why = !open
      ? `the billing requests of period ${g.period.number} of ${g.asset} are no longer pending`
      : prices.some((p) => p === null)
        ? `no price for ${g.item} in the version that priced period ${g.period.number}`
        : null;
    if (why) {
      for (const r of records)
        if (r.asset === g.asset && r.item === g.item && inGroup(r, g, file))
          outside.push({ record: r.id, reason: why });
      continue;
    }
    for (const [i, side] of BILLING_SIDES.entries()) {
      const line = usageLine(g, prices[i]!, file.id);
      await addLine(env, bySide.get(side)!._id, line);
      touched.add(bySide.get(side)!._id);
    }
    billed.push(g);
    const cur = items.get(g.item) ?? {
      item: g.item,
      mpn: g.mpn,
      quantity: '0',
      records: 0,
      cost: '0',
      price: '0',
    };
    items.set(g.item, {
      ...cur,
      quantity: sumOf(cur.quantity, g.quantity),
      records: cur.records + g.records,
      cost: sumOf(cur.cost, usageLine(g, prices[0]!, file.id).amount),
      price: sumOf(cur.price, usageLine(g, prices[1]!, file.id).amount),
    });
  }
  const report = {
    _id: file.id,
    product: file.product,
    marketplace: file.marketplace,
    vendor: file.vendor,
    distributor: file.provider,
    period: file.period,
    recordsBilled: billed.reduce((n, g) => n + g.records, 0),
    recordsOutside: outside.length,
    outside: outside.slice(0, OUTSIDE_KEPT),
    items: [...items.values()].sort((a, b) => a.item.localeCompare(b.item)),
    billingRequests: [...touched].sort(),
    _acl: [...new Set([file.vendor, file.provider])],
  };
  try {
    const { doc } = await env.write.UsageReconciliation.create({ doc: report, actor: BILLING_SERVICE });
    return { status: 'reconciled', report: doc };
  } catch (e) {
    // another runner wrote it first: the lines were added once between them
    if (!isDomainError(e) || e.code !== 'CONFLICT') throw e;
    return {
      status: 'done',
      report: (await env.models.UsageReconciliation.findById(file.id).lean<UsageReconciliationDoc>())!,
    };
  }
}

const sumOf = (a: string, b: string) => sumDecimals([a, b]);

function inGroup(r: UsageRecordFacts, g: UsageGroup, file: UsageFileFacts): boolean {
  const at = r.startTime ?? new Date(`${file.period.from}T00:00:00Z`);
  return at >= g.period.from && at < g.period.to;
}

/** One line per (usage file, item) on a request: a no-op when it is there. */
async function addLine(env: BillingEnv, id: string, line: ReturnType<typeof usageLine>): Promise<void> {
  try {
    await env.write.BillingRequest.change({
      id,
      actor: BILLING_SERVICE,
      decide: (doc) => {
        if (doc.lines.some((l) => l.usageFile === line.usageFile && l.item === line.item))
          throw new Unchanged();
        const lines = [...doc.lines, line];
        return { kind: 'usage_billed', set: { lines, total: totalOf(lines) } };
      },
    });
  } catch (e) {
    if (!(e instanceof Unchanged)) throw e;
  }
}

/** Reconciles every CLOSED usage file without a report (the scheduler's third step). */
export async function syncUsage(
  env: BillingEnv,
  pageSize = 200,
): Promise<Record<Reconciled['status'], number>> {
  const counts = { reconciled: 0, done: 0, waiting: 0 };
  let after: string | null = null;
  do {
    const page = await env.peers.closedUsageFiles(after, pageSize);
    const done = new Set(
      (
        await env.models.UsageReconciliation.find(
          { _id: { $in: page.files.map((f) => f.id) } },
          { _id: 1 },
        ).lean<{ _id: string }[]>()
      ).map((d) => d._id),
    );
    for (const f of page.files) {
      if (done.has(f.id)) counts.done++;
      else counts[(await reconcileUsageFile(env, f)).status]++;
    }
    after = page.next;
  } while (after);
  return counts;
}
