// Rules about an asset and the requests on it: who may open which request when, and what an outcome
// changes. The cells come from asset-outcomes.ts; this module turns them into refusals and field changes.
import { apiEnum, badInput, conflict, forbidden } from '@daas/kit';
import {
  ASSET_OUTCOMES,
  type AssetEffect,
  NEEDS_HOLD,
  OPENED_BY,
  type RequestMoment,
} from './asset-outcomes.js';
import type { RequestParty, RequestType } from './asset-request-machine.js';
import { canonicalQuantity } from './quantities.js';

export interface AssetItem {
  itemId: string;
  mpn: string;
  quantity: string;
}

export interface RequestItem extends AssetItem {
  /** the quantity on the asset when the request was made (null: a new item) */
  oldQuantity: string | null;
}

export interface Param {
  name: string;
  value: string | null;
  valueError: string | null;
}

export interface OpenRequestRef {
  id: string;
  type: RequestType;
}

/**
 * May `party` open a request of `type` on this asset now? Returns the asset effect of the creation.
 * At most one open request per asset; a terminated asset takes nothing; the cell's statuses decide the rest.
 */
export function openRequest(
  asset: { _id: string; status: string; pendingRequest?: OpenRequestRef | null },
  type: Exclude<RequestType, 'purchase'>,
  party: RequestParty | null,
  facts: { hold: boolean },
): AssetEffect {
  if (party !== OPENED_BY[type]) throw forbidden(`only the asset's ${OPENED_BY[type]} may request a ${type}`);
  const cell = ASSET_OUTCOMES[type].created;
  if (asset.pendingRequest) {
    throw conflict(
      `asset ${asset._id} already has an open ${asset.pendingRequest.type} request ${asset.pendingRequest.id}`,
      apiEnum(asset.status),
    );
  }
  if (!cell.expect.includes(asset.status as never)) {
    throw conflict(
      `asset ${asset._id} is ${apiEnum(asset.status)}; a ${type} request needs it ${cell.expect.map(apiEnum).join(' or ')}`,
      apiEnum(asset.status),
    );
  }
  if (NEEDS_HOLD.has(type) && !facts.hold) {
    throw conflict(
      `the product does not allow ${type} (no subscription hold capability)`,
      apiEnum(asset.status),
    );
  }
  return cell;
}

/** The asset's new items after an approved change: requested quantities, 0 removes, new items added. */
export function applyItems(current: AssetItem[], requested: AssetItem[]): AssetItem[] {
  const next = new Map(current.map((i) => [i.itemId, { ...i }]));
  for (const r of requested) {
    if (canonicalQuantity(r.quantity) === '0') next.delete(r.itemId);
    else next.set(r.itemId, { itemId: r.itemId, mpn: r.mpn, quantity: r.quantity });
  }
  return [...next.values()];
}

/** The change items of a change request, each with the quantity the asset has now. */
export function changeItems(current: AssetItem[], requested: AssetItem[]): RequestItem[] {
  const seen = new Set<string>();
  return requested.map((r, i) => {
    if (seen.has(r.itemId)) throw badInput(`input.items.${i}.item`, `${r.itemId} is listed twice`);
    seen.add(r.itemId);
    const old = current.find((c) => c.itemId === r.itemId);
    if (!old && canonicalQuantity(r.quantity) === '0') {
      throw badInput(`input.items.${i}.quantity`, `${r.itemId} is not on the asset; 0 would remove it`);
    }
    return { ...r, oldQuantity: old?.quantity ?? null };
  });
}

/** Params with `updates` applied by name; names not in `current` are refused. */
export function updateParams(current: Param[], updates: Partial<Param>[], field = 'input.params'): Param[] {
  const next = current.map((p) => ({ ...p }));
  updates.forEach((u, i) => {
    const p = next.find((x) => x.name === u.name);
    if (!p) throw badInput(`${field}.${i}.name`, `no parameter ${JSON.stringify(u.name)} on this request`);
    if (u.value !== undefined) p.value = u.value;
    if (u.valueError !== undefined) p.valueError = u.valueError;
  });
  return next;
}

/** The fields an outcome sets on the asset (status aside), given the request. */
export function outcomeFields(
  cell: AssetEffect,
  asset: { items: AssetItem[] },
  request: { items: AssetItem[]; params: Param[] },
  now: Date,
): Record<string, unknown> {
  const set: Record<string, unknown> = { pendingRequest: null };
  if (cell.apply === 'items') set.items = applyItems(asset.items, request.items);
  if (cell.apply === 'params') set.params = request.params.map((p) => ({ ...p, valueError: null }));
  if (cell.stamp) set[cell.stamp] = now;
  return set;
}

export const outcomeCell = (type: RequestType, moment: RequestMoment) => ASSET_OUTCOMES[type][moment];

/** Ordering parameter values by the level they belong to (the asset, tier 1, tier 2). */
export interface SplitParams {
  asset: Param[];
  tier1: Param[];
  tier2: Param[];
}
