// The billing run: every asset whose period has ended gets its billing requests (one per side), in
// arrears, period by period, then moves on to its next period. Exactly once without transactions:
//   1. each request's id encodes (asset, period number, side) (BRV-/BRP-<asset digits>-<period>), and the
//      change store creates an entity at most once per id (its first change row is the compare-and-set);
//      a unique index on (asset, period start, side) says the same in the data;
//   2. the asset moves on to its next period only after both requests exist, by a conditional change
//      (its version) that is a no-op when another runner moved it first.
// So a runner killed anywhere leaves the period to bill again (its requests then exist: nothing doubles),
// and two runners on one asset produce each request once and advance it once: no period twice or skipped.
import { type DomainError, isDomainError, type Logger } from '@daas/kit';
import { effectiveSegments, prune, renewedBy } from '../domain/asset-billing.js';
import { takeBillingTransition } from '../domain/billing-request-machine.js';
import {
  BILLING_SIDES,
  type BillingSide,
  billingLines,
  billingRequestId,
  endedBy,
  totalOf,
} from '../domain/lines.js';
import { type PeriodBounds, periodOfBilling } from '../domain/periods.js';
import { type PricePoint, versionAt } from '../domain/price-lists.js';
import type { BillingEnv } from '../env.js';
import type { AssetBillingDoc, BillingRequestDoc, PriceListDoc } from '../models/index.js';
import { BILLING_SERVICE } from './actors.js';
import { syncAssets } from './observe.js';
import { syncUsage } from './usage.js';

export interface RunStats {
  assets: number;
  /** billing requests this runner created (others found existing are not counted) */
  created: number;
  /** requests another runner (or an earlier, interrupted run) had created already */
  existing: number;
  periods: number;
}

class MovedOn extends Error {}

export { billingRequestId };

/** Price lists by product and marketplace, read once per run. */
class PriceBook {
  private readonly lists = new Map<string, Promise<PriceListDoc | null>>();
  constructor(private readonly env: BillingEnv) {}
  list(product: string, marketplace: string): Promise<PriceListDoc | null> {
    const key = `${product}|${marketplace}`;
    let p = this.lists.get(key);
    if (!p) {
      p = this.env.models.PriceList.findOne({ product, marketplace }).lean<PriceListDoc>().exec();
      this.lists.set(key, p);
    }
    return p;
  }
}

function requestDoc(
  a: AssetBillingDoc,
  period: PeriodBounds,
  side: BillingSide,
  list: PriceListDoc | null,
): Omit<BillingRequestDoc, 'version' | 'createdAt' | 'updatedAt'> {
  const version = list ? versionAt(list.versions, period.from) : null;
  const prices = version ? new Map<string, PricePoint>(version.points.map((p) => [p.item, p])) : null;
  const lines = billingLines(effectiveSegments(a.segments, a.commitment), period, side, prices);
  const unpriced = lines.filter((l) => l.amount === null).map((l) => l.item);
  const reason = !list
    ? `no price list for product ${a.product} in marketplace ${a.marketplace}`
    : !version
      ? `no price list version effective on ${period.from.toISOString().slice(0, 10)}`
      : unpriced.length
        ? `no price for ${[...new Set(unpriced)].join(', ')}`
        : null;
  const row = takeBillingTransition(null, reason ? 'create_unpriced' : 'create', 'system');
  const issuer = side === 'vendor' ? a.vendor : a.distributor;
  // the vendor side is at cost: the vendor and the distributor; the provider side at price: the
  // distributor and the account that sold the asset (a reseller never sees cost)
  const acl = side === 'vendor' ? [a.vendor, a.distributor] : [a.distributor, a.provider];
  return {
    _id: billingRequestId(side, a._id, period.number),
    status: row.to,
    side,
    asset: a._id,
    product: a.product,
    marketplace: a.marketplace,
    vendor: a.vendor,
    provider: a.provider,
    distributor: a.distributor,
    issuer,
    currency: list?.currency ?? null,
    period: { number: period.number, from: period.from, to: period.to, billingPeriod: a.period },
    lines,
    total: reason ? null : totalOf(lines),
    priceList: list?._id ?? null,
    priceListVersion: version?.number ?? null,
    reason,
    _acl: [...new Set(acl)],
  };
}

const alreadyThere = (e: unknown): e is DomainError => isDomainError(e) && e.code === 'CONFLICT';

/** Bills every ended, unbilled period of one asset; returns what it did. */
export async function billAsset(
  env: BillingEnv,
  start: AssetBillingDoc,
  now: Date,
  prices: PriceBook,
  stats: RunStats,
): Promise<void> {
  let a: AssetBillingDoc | null = start;
  while (a && a.status === 'active' && a.nextBillingAt <= now) {
    const period = periodOfBilling(a, a.billedPeriods);
    const list = await prices.list(a.product, a.marketplace);
    for (const side of BILLING_SIDES) {
      try {
        await env.write.BillingRequest.create({
          doc: requestDoc(a, period, side, list),
          actor: BILLING_SERVICE,
        });
        stats.created++;
      } catch (e) {
        if (!alreadyThere(e)) throw e;
        stats.existing++;
      }
    }
    const billed = a.billedPeriods;
    try {
      a = await env.write.AssetBilling.change({
        id: a._id,
        actor: BILLING_SERVICE,
        decide: (doc) => {
          if (doc.billedPeriods !== billed) throw new MovedOn();
          const { cut, set } = afterPeriod(doc);
          const next = periodOfBilling({ ...doc, ...set }, billed + 1);
          const commitment = renewedBy(doc.commitment, next.from);
          const ended = endedBy(effectiveSegments(doc.segments, commitment), next.from);
          const renewed = (commitment?.renewals ?? 0) > (doc.commitment?.renewals ?? 0);
          return {
            kind: ended ? 'ended' : renewed ? 'renewed' : cut ? 'transfer_billed' : 'period_billed',
            to: ended ? 'ended' : 'active',
            set: {
              ...set,
              commitment,
              billedPeriods: billed + 1,
              nextBillingAt: next.to,
              segments: prune(doc.segments, next.from),
            },
          };
        },
      });
      stats.periods++;
    } catch (e) {
      if (!(e instanceof MovedOn)) throw e;
      a = await env.models.AssetBilling.findById(start._id).lean<AssetBillingDoc>();
    }
  }
}

/** After a period cut by a transfer: the next period starts on the cut day, the new provider's. */
function afterPeriod(doc: AssetBillingDoc) {
  if (!doc.cutAt || !doc.nextProvider) return { cut: false, set: {} };
  return {
    cut: true,
    set: {
      anchorAt: doc.cutAt,
      anchorPeriod: doc.billedPeriods + 1,
      cutAt: null,
      provider: doc.nextProvider,
      nextProvider: null,
      _acl: [...new Set([doc.vendor, doc.distributor, doc.nextProvider])],
    },
  };
}

/** One pass over everything due at `now`, in pages of `batch`, oldest due first. */
export async function runBilling(
  env: BillingEnv,
  now: Date = env.clock.now(),
  batch = env.config.batch,
): Promise<RunStats> {
  const stats: RunStats = { assets: 0, created: 0, existing: 0, periods: 0 };
  const prices = new PriceBook(env);
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const page: AssetBillingDoc[] = await env.models.AssetBilling.find({
      status: 'active',
      nextBillingAt: { $lte: now },
      ...(after
        ? { $or: [{ nextBillingAt: { $gt: after.at } }, { nextBillingAt: after.at, _id: { $gt: after.id } }] }
        : {}),
    })
      .sort({ status: 1, nextBillingAt: 1, _id: 1 })
      .limit(batch)
      .lean<AssetBillingDoc[]>();
    for (const a of page) {
      stats.assets++;
      await billAsset(env, a, now, prices, stats);
    }
    if (page.length < batch) return stats;
    const last = page.at(-1)!;
    after = { at: last.nextBillingAt, id: last._id };
  }
}

/** The service's timer: learn assets, then bill; one tick at a time; errors logged, retried next tick. */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly log: Logger;
  constructor(private readonly env: BillingEnv) {
    this.log = env.kit.log;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.tick(), this.env.config.tickMs);
    this.timer.unref();
  }

  /** The tick under way finishes; none starts after (the service closes its database next). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        await syncAssets(this.env).catch((e) =>
          this.log.warn({ err: (e as Error).message }, 'billing: could not learn assets'),
        );
        const stats = await runBilling(this.env);
        if (stats.periods || stats.created) this.log.info(stats, 'billing run');
        // after billing, so that usage of a period that just ended finds its requests
        const usage = await syncUsage(this.env).catch((e) => {
          this.log.warn({ err: (e as Error).message }, 'billing: could not reconcile usage');
          return null;
        });
        if (usage?.reconciled) this.log.info(usage, 'usage reconciled');
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'billing run failed, retried next tick');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
