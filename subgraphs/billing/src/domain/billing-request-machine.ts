// The billing request life cycle as data (read by the kit's takeTransition). The platform's scheduler
// creates a request PENDING, or FAILED when a line has no price; the party that issues it (the vendor for
// the vendor side, the distributor for the provider side) approves or fails it; the operator may do both.
import { type Machine, type Transition, takeTransition } from '@daas/kit';

export const BILLING_REQUEST_STATUSES = ['pending', 'approved', 'failed'] as const;
export type BillingRequestStatus = (typeof BILLING_REQUEST_STATUSES)[number];

export type BillingParty = 'issuer' | 'operator' | 'system';
export type BillingRequestAction = 'create' | 'create_unpriced' | 'approve' | 'fail';

export type BillingRequestTransition = Transition<BillingRequestStatus, BillingRequestAction, BillingParty>;

export const BILLING_REQUEST_TRANSITIONS: readonly BillingRequestTransition[] = [
  { action: 'create', from: null, to: 'pending', by: ['system'] },
  { action: 'create_unpriced', from: null, to: 'failed', by: ['system'] },
  { action: 'approve', from: 'pending', to: 'approved', by: ['issuer', 'operator'] },
  { action: 'fail', from: 'pending', to: 'failed', by: ['issuer', 'operator'] },
];

export const billingRequestMachine: Machine<BillingRequestTransition> = {
  noun: 'billing request',
  transitions: BILLING_REQUEST_TRANSITIONS,
  guards: {} as Record<never, string>,
  field: 'input.billingRequest',
};

export function takeBillingTransition(
  subject: { _id: string; status: string } | null,
  action: BillingRequestAction,
  party: BillingParty | null,
): BillingRequestTransition {
  return takeTransition(billingRequestMachine, subject, action, party);
}
