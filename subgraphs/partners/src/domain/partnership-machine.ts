// A distributor's partner directory (domain reference §1.1) as a transition table: a partner (vendor or
// reseller) is invited, becomes active when it accepts (or signs its first contract), and is removed once
// none of its contracts with the distributor is alive.
import { type Machine, type Transition, takeTransition } from '@daas/kit';

export const PARTNER_STATUSES = ['invited', 'active', 'removed'] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];
export type PartnerAction = 'invite' | 'create' | 'accept' | 'remove';
/** `system`: a consequence of a contract being signed, not a direct request. */
export type PartnerActor = 'distributor' | 'partner' | 'system';

/** removal needs every contract between the two to be over */
type PartnerGuard = 'noLiveContracts';
export type PartnerTransition = Transition<PartnerStatus, PartnerAction, PartnerActor, PartnerGuard>;

export const PARTNER_TRANSITIONS: readonly PartnerTransition[] = [
  { action: 'invite', from: null, to: 'invited', by: ['distributor'] },
  // the distributor creates the partner's account itself: no invitation to redeem
  { action: 'create', from: null, to: 'active', by: ['distributor'] },
  { action: 'invite', from: 'removed', to: 'invited', by: ['distributor'] },
  { action: 'accept', from: 'invited', to: 'active', by: ['partner', 'system'] },
  { action: 'remove', from: 'invited', to: 'removed', by: ['distributor'], guards: ['noLiveContracts'] },
  { action: 'remove', from: 'active', to: 'removed', by: ['distributor'], guards: ['noLiveContracts'] },
];

const PARTNERSHIP_MACHINE: Machine<PartnerTransition> = {
  noun: 'partnership',
  field: 'input.partnership',
  transitions: PARTNER_TRANSITIONS,
  guards: { noLiveContracts: 'the partner still has contracts with the distributor that are not terminated' },
};

export function partnerTransition(
  current: { _id: string; status: string } | null,
  action: PartnerAction,
  actor: PartnerActor | null,
  facts: { liveContracts?: number } = {},
): PartnerTransition {
  return takeTransition(PARTNERSHIP_MACHINE, current, action, actor, {
    noLiveContracts: (facts.liveContracts ?? 0) === 0,
  });
}

export const PARTNER_ROLES = ['VENDOR', 'RESELLER'] as const;
