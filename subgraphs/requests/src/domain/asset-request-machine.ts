// The asset request life cycle of the domain reference (§3.3) as data: one row per (action, from-state)
// naming who may take it. The kit's reader (kit/src/machine.ts) reads the table; the tests enumerate it.
import { type Facts, type Machine, type Transition, takeTransition } from '@daas/kit';

export const REQUEST_TYPES = ['purchase', 'change', 'suspend', 'resume', 'cancel', 'adjustment'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const REQUEST_STATUSES = [
  'draft',
  'tiers_setup',
  'pending',
  'inquiring',
  'approved',
  'failed',
  'scheduled',
  'revoking',
  'revoked',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const TERMINAL_REQUEST_STATUSES: ReadonlySet<RequestStatus> = new Set([
  'approved',
  'failed',
  'revoked',
]);
export const isOpen = (status: string) => !TERMINAL_REQUEST_STATUSES.has(status as RequestStatus);

/** Who the caller is for a request: its vendor, the provider who sold the asset, or the platform itself. */
export type RequestParty = 'vendor' | 'provider' | 'system';

export const REQUEST_ACTIONS = [
  'submit',
  'awaitTiers',
  'tiersReady',
  'tiersFailed',
  'inquire',
  'answer',
  'pend',
  'approve',
  'fail',
  'schedule',
  'revoke',
  'confirmRevocation',
] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

/** Guards checked against facts the caller gathers (the product's capabilities, the params). */
export type RequestGuard = 'scheduling';

export interface RequestTransition
  extends Transition<RequestStatus, RequestAction, RequestParty, RequestGuard> {
  from: RequestStatus;
  /** the terminal outcome this transition is, for the asset's effects table (asset-outcomes.ts) */
  outcome?: 'approved' | 'failed' | 'revoked';
}

const row = (
  action: RequestAction,
  from: RequestStatus,
  to: RequestStatus,
  by: RequestParty[],
  extra: Partial<RequestTransition> = {},
): RequestTransition => ({ action, from, to, by, ...extra });

/** Numbers are the rows of the domain reference's table (§3.3). */
export const REQUEST_TRANSITIONS: readonly RequestTransition[] = [
  row('submit', 'draft', 'pending', ['provider']), // 3
  row('awaitTiers', 'pending', 'tiers_setup', ['system']), // 6
  row('tiersReady', 'tiers_setup', 'pending', ['system']), // 7
  row('tiersFailed', 'tiers_setup', 'failed', ['system'], { outcome: 'failed' }), // 8
  row('inquire', 'pending', 'inquiring', ['vendor', 'system']), // 9, 10
  row('answer', 'inquiring', 'pending', ['provider']), // 11: the buyer updates params
  row('pend', 'inquiring', 'pending', ['vendor']), // 11: the vendor takes it back
  row('approve', 'pending', 'approved', ['vendor'], { outcome: 'approved' }), // 12
  row('fail', 'pending', 'failed', ['vendor'], { outcome: 'failed' }), // 13
  row('schedule', 'pending', 'scheduled', ['vendor'], { guards: ['scheduling'] }), // 14
  row('pend', 'scheduled', 'pending', ['vendor', 'system']), // 15
  row('revoke', 'scheduled', 'revoking', ['provider']), // 16
  row('confirmRevocation', 'revoking', 'revoked', ['vendor'], { outcome: 'revoked' }), // 17
];

export type RequestFacts = Facts<RequestGuard>;

const REQUEST_MACHINE: Machine<RequestTransition> = {
  noun: 'asset request',
  field: 'action',
  transitions: REQUEST_TRANSITIONS,
  guards: { scheduling: "the product's capabilities do not allow scheduling this type of request" },
};

/** The transition `action` takes on `request` for `party`, or the refusal (FORBIDDEN, CONFLICT, …). */
export function requestTransition(
  request: { _id: string; status: string },
  action: RequestAction,
  party: RequestParty | null,
  facts: RequestFacts = {},
): RequestTransition {
  return takeTransition(REQUEST_MACHINE, request, action, party, facts);
}
