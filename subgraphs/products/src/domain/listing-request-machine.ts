// Listing requests (§2.7) as data: one row per (action, from), the party that may take it, the facts it
// needs, and what the request's outcome does to its listing. The vendor of the product drafts, submits
// and deletes; the provider (the owner of the contract's marketplace) deploys, completes and cancels.
import { type Facts, type Machine, type Transition, takeTransition } from '@daas/kit';

export const LISTING_REQUEST_TYPES = ['new', 'update', 'remove'] as const;
export type ListingRequestType = (typeof LISTING_REQUEST_TYPES)[number];

export const LISTING_REQUEST_STATUSES = [
  'draft',
  'reviewing',
  'deploying',
  'completed',
  'canceled',
  'deleted',
] as const;
export type ListingRequestStatus = (typeof LISTING_REQUEST_STATUSES)[number];
export const CLOSED: ReadonlySet<string> = new Set(['completed', 'canceled', 'deleted']);

export type ListingStatus = 'listed' | 'unlisted';

export type ListingRequestAction = 'create' | 'delete' | 'submit' | 'deploy' | 'complete' | 'cancel';
export type ListingParty = 'vendor' | 'provider';

/**
 * What must hold elsewhere, checked when the request is made, submitted and completed (§2.7: a published
 * product and an active distribution contract). A removal needs neither: an ended contract or an
 * end-of-sale product may always be taken off a marketplace.
 */
export type ListingFact = 'publishedProduct' | 'activeContract' | 'listingUnlisted' | 'listingListed';

export interface ListingRequestRow
  extends Transition<ListingRequestStatus, ListingRequestAction, ListingParty, ListingFact> {
  types: readonly ListingRequestType[];
}

const ALL = LISTING_REQUEST_TYPES;
const SELLABLE: ListingFact[] = ['publishedProduct', 'activeContract'];

const row = (
  types: readonly ListingRequestType[],
  action: ListingRequestAction,
  from: ListingRequestStatus | null,
  to: ListingRequestStatus,
  by: ListingParty,
  requires: ListingFact[] = [],
): ListingRequestRow => ({ types, action, from, to, by: [by], guards: requires });

export const LISTING_REQUEST_TRANSITIONS: readonly ListingRequestRow[] = [
  row(['new'], 'create', null, 'draft', 'vendor', [...SELLABLE, 'listingUnlisted']),
  row(['update'], 'create', null, 'draft', 'vendor', [...SELLABLE, 'listingListed']),
  row(['remove'], 'create', null, 'draft', 'vendor', ['listingListed']),
  row(ALL, 'delete', 'draft', 'deleted', 'vendor'),
  row(['new', 'update'], 'submit', 'draft', 'reviewing', 'vendor', SELLABLE),
  row(['remove'], 'submit', 'draft', 'reviewing', 'vendor'),
  row(ALL, 'deploy', 'reviewing', 'deploying', 'provider'),
  row(['new', 'update'], 'complete', 'deploying', 'completed', 'provider', SELLABLE),
  row(['remove'], 'complete', 'deploying', 'completed', 'provider'),
  row(ALL, 'cancel', 'reviewing', 'canceled', 'provider'),
  row(ALL, 'cancel', 'deploying', 'canceled', 'provider'),
];

const REQUIRES: Record<ListingFact, string> = {
  publishedProduct: 'the product is not PUBLISHED',
  activeContract: 'the distribution contract is not ACTIVE',
  listingUnlisted: 'the product is already listed there; request an update or a removal',
  listingListed: 'the listing is not LISTED',
};

export function listingRequestTransition(
  request:
    | { _id: string; type: ListingRequestType; status: ListingRequestStatus }
    | { type: ListingRequestType },
  action: ListingRequestAction,
  party: ListingParty | null,
  facts: Facts<ListingFact> = {},
): ListingRequestRow {
  const existing = '_id' in request ? request : null;
  const machine: Machine<ListingRequestRow> = {
    noun: 'listing request',
    field: existing ? 'input.listingRequest' : 'input.type',
    transitions: LISTING_REQUEST_TRANSITIONS.filter((r) => r.types.includes(request.type)),
    guards: REQUIRES,
  };
  return takeTransition(machine, existing, action, party, facts);
}

/** The facts every row could ask for, all true: lets wrong party or status be refused before any lookup. */
export const ALL_FACTS: Facts<ListingFact> = {
  publishedProduct: true,
  activeContract: true,
  listingUnlisted: true,
  listingListed: true,
};

/** What the request's arrival at `to` does to its listing (§2.7): status, and the open request slot. */
export function listingOutcome(
  type: ListingRequestType,
  to: ListingRequestStatus,
): { status?: ListingStatus; closes: boolean } {
  if (to === 'completed') return { status: type === 'remove' ? 'unlisted' : 'listed', closes: true };
  return { closes: CLOSED.has(to) };
}

/** Who the caller is in a listing request: the product's vendor or the marketplace's provider. */
export function listingPartyOf(
  r: { vendor: string; provider: string },
  account: string,
): ListingParty | null {
  if (r.vendor === account) return 'vendor';
  if (r.provider === account) return 'provider';
  return null;
}
