// Tier configurations (TC) and their requests (TCR), §3.4, as data. A TC is one per (tier account,
// product): processing until its setup request is approved, then active. With configs level 2 the tier-1
// TCR waits in tiers_setup until the tier-2 TCR is approved; a purchase waits in tiers_setup for its TCR.
import { type Machine, type Transition, takeTransition } from '@daas/kit';

export const TIER_CONFIG_STATUSES = ['draft', 'processing', 'active'] as const;
export type TierConfigStatus = (typeof TIER_CONFIG_STATUSES)[number];

export const TCR_STATUSES = ['draft', 'tiers_setup', 'pending', 'inquiring', 'approved', 'failed'] as const;
export type TcrStatus = (typeof TCR_STATUSES)[number];

export type TcrParty = 'vendor' | 'provider' | 'system';
export type TcrAction = 'tiersReady' | 'tiersFailed' | 'inquire' | 'answer' | 'pend' | 'approve' | 'fail';

export interface TcrTransition extends Transition<TcrStatus, TcrAction, TcrParty, never> {
  from: TcrStatus;
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

const TCR_MACHINE: Machine<TcrTransition> = {
  noun: 'tier config request',
  field: 'action',
  transitions: TCR_TRANSITIONS,
  guards: {},
};

export function tcrTransition(
  tcr: { _id: string; status: string },
  action: TcrAction,
  party: TcrParty | null,
): TcrTransition {
  return takeTransition(TCR_MACHINE, tcr, action, party);
}

/** The status a new setup TCR starts in: waiting for the level above, asking for missing values, or pending. */
export function initialTcrStatus(opts: { waitsForTier2: boolean; missingOrdering: boolean }): TcrStatus {
  if (opts.waitsForTier2) return 'tiers_setup';
  return opts.missingOrdering ? 'inquiring' : 'pending';
}
