// Effects (kit ChangeStore) that a request's or tier config request's outcome has on the other entities
// of this subgraph, built from the domain tables. Computed before the change, applied with it (or by
// recovery), each guarded by the statuses its target must be in.
import type { EffectSpec } from '@daas/kit';
import type { RequestMoment } from '../domain/asset-outcomes.js';
import { outcomeCell, outcomeFields } from '../domain/assets.js';
import type { AssetDoc, AssetRequestDoc, TierConfigRequestDoc } from '../models/index.js';

/** The asset side of a request reaching `moment` (approved, failed, revoked). */
export function assetOutcome(
  request: Pick<AssetRequestDoc, '_id' | 'type' | 'items' | 'params' | 'vendor' | 'assetId'>,
  asset: Pick<AssetDoc, 'items'>,
  moment: Exclude<RequestMoment, 'created'>,
  now = new Date(),
): EffectSpec {
  const cell = outcomeCell(request.type, moment);
  return {
    collection: 'assets',
    entityType: 'Asset',
    entityId: request.assetId,
    kind: `${request.type}_${moment}`,
    expect: [...cell.expect],
    ...(cell.to ? { to: cell.to } : {}),
    set: outcomeFields(cell, { items: asset.items ?? [] }, request, now),
    partitionKey: request.vendor,
  };
}

/** A purchase waiting in tiers_setup fails with its tier config request, and so does its asset. */
export function purchaseFailed(request: AssetRequestDoc, reason: string): EffectSpec {
  return {
    collection: 'asset_requests',
    entityType: 'AssetRequest',
    entityId: request._id,
    kind: 'tiers_failed',
    expect: ['tiers_setup'],
    to: 'failed',
    set: { reason },
    partitionKey: request.vendor,
    effects: [assetOutcome(request, { items: [] }, 'failed')],
  };
}

export function purchaseReady(request: AssetRequestDoc): EffectSpec {
  return {
    collection: 'asset_requests',
    entityType: 'AssetRequest',
    entityId: request._id,
    kind: 'tiers_ready',
    expect: ['tiers_setup'],
    to: 'pending',
    set: {},
    partitionKey: request.vendor,
  };
}

export function tcrReady(tcr: TierConfigRequestDoc): EffectSpec {
  return {
    collection: 'tier_config_requests',
    entityType: 'TierConfigRequest',
    entityId: tcr._id,
    kind: 'tiers_ready',
    expect: ['tiers_setup'],
    to: 'pending',
    set: {},
    partitionKey: tcr.vendor,
  };
}

export function tcrFailed(tcr: TierConfigRequestDoc, reason: string, then: EffectSpec[]): EffectSpec {
  return {
    collection: 'tier_config_requests',
    entityType: 'TierConfigRequest',
    entityId: tcr._id,
    kind: 'tiers_failed',
    expect: ['tiers_setup'],
    to: 'failed',
    set: { reason },
    partitionKey: tcr.vendor,
    effects: then,
  };
}
