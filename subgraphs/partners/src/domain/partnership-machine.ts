// A distributor's partner directory (docs/domain.md#partner-directory) as a transition table: a partner (vendor or
// reseller) is invited, becomes active when it accepts (or signs its first contract), and is removed once
// none of its contracts with the distributor is alive.
import { conflict, forbidden } from '@daas/kit';

export const PARTNER_STATUSES = ['invited', 'active', 'removed'] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];
export type PartnerAction = 'invite' | 'create' | 'accept' | 'remove';
/** `system`: a consequence of a contract being signed, not a direct request. */
export type PartnerActor = 'distributor' | 'partner' | 'system';

export interface PartnerTransition {
  action: PartnerAction;
  from: PartnerStatus | null;
  to: PartnerStatus;
  by: readonly PartnerActor[];
  /** removal needs every contract between the two to be over */
  requiresNoLiveContracts?: boolean;
}

export const PARTNER_TRANSITIONS: readonly PartnerTransition[] = [
  { action: 'invite', from: null, to: 'invited', by: ['distributor'] },
  // the distributor creates the partner's account itself: no invitation to redeem
  { action: 'create', from: null, to: 'active', by: ['distributor'] },
  { action: 'invite', from: 'removed', to: 'invited', by: ['distributor'] },
  { action: 'accept', from: 'invited', to: 'active', by: ['partner', 'system'] },
  { action: 'remove', from: 'invited', to: 'removed', by: ['distributor'], requiresNoLiveContracts: true },
  { action: 'remove', from: 'active', to: 'removed', by: ['distributor'], requiresNoLiveContracts: true },
];

export function partnerTransition(
  current: { _id: string; status: string } | null,
  action: PartnerAction,
  actor: PartnerActor | null,
  facts: { liveContracts?: number } = {},
): PartnerTransition {
  const rows = PARTNER_TRANSITIONS.filter((t) => t.action === action);
  const actors = [...new Set(rows.flatMap((t) => t.by))];
  if (!actor || !actors.includes(actor)) {
    throw forbidden(`only the ${actors.filter((a) => a !== 'system').join(' or ')} may ${action} a partner`);
  }
  const from = (current?.status ?? null) as PartnerStatus | null;
  const t = rows.find((r) => r.from === from && r.by.includes(actor));
  if (!t) {
    const status = (from ?? 'none').toUpperCase();
    throw conflict(
      `partnership ${current?._id ?? ''} is ${status}; cannot ${action}`.replace('  ', ' '),
      status,
    );
  }
  if (t.requiresNoLiveContracts && (facts.liveContracts ?? 0) > 0) {
    throw conflict(
      `partnership ${current!._id} still has ${facts.liveContracts} contract(s) that are not terminated`,
      from!.toUpperCase(),
    );
  }
  return t;
}

export const PARTNER_ROLES = ['VENDOR', 'RESELLER'] as const;
