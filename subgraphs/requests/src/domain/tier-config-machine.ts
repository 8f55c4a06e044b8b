// Tier configurations (TC) and their requests (TCR), docs/domain.md#tier-configurations, as data. A TC is one per (tier account,
// product): processing until its setup request is approved, then active. With configs level 2 the tier-1
// TCR waits in tiers_setup until the tier-2 TCR is approved; a purchase waits in tiers_setup for its TCR.
import { conflict, forbidden } from '@daas/kit';

export const TIER_CONFIG_STATUSES = ['draft', 'processing', 'active'] as const;
export type TierConfigStatus = (typeof TIER_CONFIG_STATUSES)[number];

export const TCR_STATUSES = ['draft', 'tiers_setup', 'pending', 'inquiring', 'approved', 'failed'] as const;
export type TcrStatus = (typeof TCR_STATUSES)[number];

export type TcrParty = 'vendor' | 'provider' | 'system';
export type TcrAction = 'tiersReady' | 'tiersFailed' | 'inquire' | 'answer' | 'pend' | 'approve' | 'fail';

export interface TcrTransition {
  action: TcrAction;
  from: TcrStatus;
  to: TcrStatus;
  by: readonly TcrParty[];
  outcome?: 'approved' | 'failed';
}

const row = (
  action: TcrAction,
  from: TcrStatus,
  to: TcrStatus,
  by: TcrParty[],
  outcome?: 'approved' | 'failed',
): TcrTransition => ({ action, from, to, by, ...(outcome ? { outcome } : {}) });

export const TCR_TRANSITIONS: readonly TcrTransition[] = [
  row('tiersReady', 'tiers_setup', 'pending', ['system']),
  row('tiersFailed', 'tiers_setup', 'failed', ['system'], 'failed'),
  row('inquire', 'pending', 'inquiring', ['vendor', 'system']),
  row('answer', 'inquiring', 'pending', ['provider']),
  row('pend', 'inquiring', 'pending', ['vendor', 'provider']),
  row('approve', 'pending', 'approved', ['vendor'], 'approved'),
  row('fail', 'pending', 'failed', ['vendor', 'provider'], 'failed'),
  row('fail', 'inquiring', 'failed', ['vendor', 'provider'], 'failed'),
];

const upper = (s: string) => s.toUpperCase();

export function tcrTransition(
  tcr: { _id: string; status: string },
  action: TcrAction,
  party: TcrParty | null,
): TcrTransition {
  const rows = TCR_TRANSITIONS.filter((t) => t.action === action);
  const actors = [...new Set(rows.flatMap((t) => t.by))];
  if (!party || !actors.includes(party)) {
    throw forbidden(`only the ${actors.join(' or ')} may ${action} a tier config request`);
  }
  const t = rows.find((r) => r.from === tcr.status && r.by.includes(party));
  if (!t) {
    const from = [...new Set(rows.filter((r) => r.by.includes(party)).map((r) => upper(r.from)))];
    throw conflict(
      `tier config request ${tcr._id} is ${upper(tcr.status)}; ${action} needs it ${from.join(' or ')}`,
      upper(tcr.status),
    );
  }
  return t;
}

/** The status a new setup TCR starts in: waiting for the level above, asking for missing values, or pending. */
export function initialTcrStatus(opts: { waitsForTier2: boolean; missingOrdering: boolean }): TcrStatus {
  if (opts.waitsForTier2) return 'tiers_setup';
  return opts.missingOrdering ? 'inquiring' : 'pending';
}
