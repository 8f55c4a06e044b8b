// Learning an asset: the first time billing sees it billable it starts its billing (anchor: that day);
// afterwards every change of state or recurring quantities starts a segment on the day it is seen.
import { isDomainError } from '@daas/kit';
import {
  type AssetSnapshot,
  billedItems,
  billingPeriodOf,
  commitmentOf,
  observe,
  segmentState,
  transferTo,
} from '../domain/asset-billing.js';
import { dayOf, periodOf, periodOfBilling } from '../domain/periods.js';
import type { BillingEnv } from '../env.js';
import type { AssetBillingDoc } from '../models/index.js';
import { BILLING_SERVICE } from './actors.js';

class Unchanged extends Error {}

export type Observed = 'started' | 'changed' | 'unchanged' | 'ignored';

export async function observeAsset(
  env: BillingEnv,
  snapshot: AssetSnapshot,
  at: Date = env.clock.now(),
  known?: AssetBillingDoc | null,
): Promise<Observed> {
  const state = segmentState(snapshot.status);
  if (!state) return 'ignored';
  const current =
    known === undefined ? await env.models.AssetBilling.findById(snapshot.id).lean<AssetBillingDoc>() : known;
  if (!current) {
    const period = billingPeriodOf(snapshot);
    if (!period || state === 'terminated') return 'ignored';
    const anchorAt = dayOf(at);
    try {
      await env.write.AssetBilling.create({
        doc: {
          _id: snapshot.id,
          status: 'active',
          product: snapshot.product,
          marketplace: snapshot.marketplace,
          vendor: snapshot.vendor,
          provider: snapshot.provider,
          distributor: snapshot.distributor,
          period,
          anchorAt,
          billedPeriods: 0,
          nextBillingAt: periodOf(anchorAt, period, 0).to,
          segments: [{ from: anchorAt, state, items: billedItems(snapshot, period) }],
          anchorPeriod: 0,
          cutAt: null,
          nextProvider: null,
          commitment: commitmentOf(snapshot, period, anchorAt),
          _acl: [...new Set([snapshot.vendor, snapshot.distributor, snapshot.provider])],
        },
        actor: BILLING_SERVICE,
      });
      return 'started';
    } catch (e) {
      // another replica started it first: observe again against its document
      if (!isDomainError(e) || e.code !== 'CONFLICT') throw e;
      return observeAsset(env, snapshot, at);
    }
  }
  if (current.status === 'ended') return 'unchanged';
  try {
    await env.write.AssetBilling.change({
      id: snapshot.id,
      actor: BILLING_SERVICE,
      decide: (doc) => {
        const billedUntil = periodOfBilling(doc, doc.billedPeriods).from;
        const segments = observe(
          doc.segments,
          { state, items: billedItems(snapshot, doc.period) },
          at,
          billedUntil,
        );
        const day = new Date(Math.max(dayOf(at).getTime(), billedUntil.getTime()));
        const moved = transferTo(doc, snapshot.provider, day, billedUntil);
        if (!segments && !moved) throw new Unchanged();
        const set: Partial<AssetBillingDoc> = segments ? { segments } : {};
        if (moved) {
          Object.assign(set, moved, {
            // a cut period is billed at the cut; the owner decides who sees the asset's billing
            nextBillingAt: moved.cutAt ?? periodOfBilling({ ...doc, cutAt: null }, doc.billedPeriods).to,
            _acl: [...new Set([doc.vendor, doc.distributor, moved.provider])],
          });
        }
        const kind = moved ? 'transferred' : state === 'active' ? 'items_changed' : state;
        return { kind, set };
      },
    });
    return 'changed';
  } catch (e) {
    if (e instanceof Unchanged) return 'unchanged';
    throw e;
  }
}

/** Learns every asset the requests domain has, page by page (the scheduler's first step). */
export async function syncAssets(env: BillingEnv, pageSize = 200): Promise<Record<Observed, number>> {
  const counts: Record<Observed, number> = { started: 0, changed: 0, unchanged: 0, ignored: 0 };
  let after: string | null = null;
  do {
    const page = await env.peers.assets(after, pageSize);
    const known = await env.models.AssetBilling.find({ _id: { $in: page.assets.map((a) => a.id) } }).lean<
      AssetBillingDoc[]
    >();
    const byId = new Map(known.map((k) => [k._id, k]));
    const at = env.clock.now();
    for (const a of page.assets) counts[await observeAsset(env, a, at, byId.get(a.id) ?? null)]++;
    after = page.next;
  } while (after);
  return counts;
}
