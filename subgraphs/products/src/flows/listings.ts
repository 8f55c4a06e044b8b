// Listings and listing requests (docs/domain.md#listings-and-listing-requests): the resolvers parse and authorise; these functions gather the
// facts the machine needs (the product's status here, the contract's from partners), refuse before
// anything is written, then write once through the change store with the request's effects on its listing
// and product.

import type { Facts } from '@daas/kit';
import { apiEnum, badInput, childId, conflict, type EffectSpec, type Identity, newId } from '@daas/kit';
import {
  ALL_FACTS,
  type ListingFact,
  type ListingRequestAction,
  type ListingRequestType,
  listingOutcome,
  listingPartyOf,
  listingRequestTransition,
} from '../domain/listing-request-machine.js';
import type { ProductEnv } from '../env.js';
import type { ListingDoc, ListingRequestDoc, ProductDoc } from '../models/index.js';
import type { ContractRef, Partners } from '../partners.js';

/** The facts about the product, contract and listing the machine's rows ask for. */
function factsOf(
  product: ProductDoc | null,
  contract: ContractRef | null,
  listing: ListingDoc | null,
): Facts<ListingFact> {
  return {
    publishedProduct: product?.status === 'published',
    activeContract: contract?.status === 'ACTIVE',
    listingUnlisted: !listing || listing.status === 'unlisted',
    listingListed: listing?.status === 'listed',
  };
}

export interface NewListingRequest {
  type: ListingRequestType;
  product: ProductDoc;
  contract: ContractRef;
  /** UPDATE and REMOVE: the listing named; NEW: the listing of (product, contract) if it exists */
  listing: ListingDoc | null;
  note: string | null;
}

/** What a client's createListingRequest names, parsed: a NEW request's product and contract, or a listing. */
export type NamedListingRequest = { type: ListingRequestType; note: string | null } & (
  | { product: ProductDoc; contract: string }
  | { listing: ListingDoc }
);

/**
 * The product, contract and listing a request is about. A NEW one's contract must be a distribution
 * contract of the caller's with a marketplace; an UPDATE or REMOVE takes its listing's.
 */
export async function gatherListingRequest(
  env: ProductEnv,
  identity: Identity,
  partners: Partners,
  named: NamedListingRequest,
): Promise<NewListingRequest> {
  const { type, note } = named;
  if ('product' in named) {
    const { product } = named;
    const contract = await partners.contract.load(named.contract);
    if (
      contract?.type !== 'DISTRIBUTION' ||
      contract.vendor?.id !== identity.accountId ||
      !contract.marketplace
    ) {
      throw badInput('input.contract', `no distribution contract ${named.contract} of yours`);
    }
    const listing = await env.models.Listing.findOne({
      product: product._id,
      contract: named.contract,
    }).lean<ListingDoc>();
    return { type, product, contract, listing, note };
  }
  const { listing } = named;
  const [product, contract] = await Promise.all([
    env.models.Product.findById(listing.product).lean<ProductDoc>(),
    partners.contract.load(listing.contract),
  ]);
  if (!product || !contract)
    throw badInput('input.listing', `listing ${listing._id} refers to what no longer exists`);
  return { type, product, contract, listing, note };
}

/** The listing a NEW request is about: found, or created UNLISTED (once per product and contract). */
async function listingFor(env: ProductEnv, identity: Identity, r: NewListingRequest): Promise<ListingDoc> {
  if (r.listing) return r.listing;
  const { doc } = await env.write.Listing.create({
    doc: {
      _id: newId('listing'),
      status: 'unlisted',
      product: r.product._id,
      contract: r.contract.id,
      marketplace: r.contract.marketplace!.id,
      vendor: r.product.vendor,
      provider: r.contract.distributor.id,
      pendingRequest: null,
      requestSeq: 0,
      note: null,
      _acl: [r.product.vendor, r.contract.distributor.id],
    },
    newId: () => newId('listing'),
    actor: identity,
    // One listing per (product, contract), even when two requests race to create it.
    idempotencyKey: `listing:${r.product._id}:${r.contract.id}`,
  });
  return doc;
}

/** Opens a DRAFT request; one open request per listing, whose id is the listing's next sequence number. */
export async function createListingRequest(
  env: ProductEnv,
  identity: Identity,
  r: NewListingRequest,
): Promise<ListingRequestDoc> {
  const party = listingPartyOf(
    { vendor: r.product.vendor, provider: r.contract.distributor.id },
    identity.accountId,
  );
  const t = listingRequestTransition(
    { type: r.type },
    'create',
    party,
    factsOf(r.product, r.contract, r.listing),
  );
  if (r.listing?.pendingRequest) {
    throw conflict(`listing ${r.listing._id} has an open request ${r.listing.pendingRequest}`);
  }
  const listing = await listingFor(env, identity, r);
  if (listing.pendingRequest)
    throw conflict(`listing ${listing._id} has an open request ${listing.pendingRequest}`);
  const seq = listing.requestSeq + 1;
  const id = childId('listingRequest', listing._id, seq);
  const opened: EffectSpec = {
    collection: env.models.Listing.collection.collectionName,
    entityType: 'Listing',
    entityId: listing._id,
    kind: 'requestOpened',
    set: { pendingRequest: id, requestSeq: seq },
    partitionKey: listing.vendor,
  };
  const { doc } = await env.write.ListingRequest.create({
    doc: {
      _id: id,
      type: r.type,
      status: t.to,
      listing: listing._id,
      product: listing.product,
      contract: listing.contract,
      marketplace: listing.marketplace,
      vendor: listing.vendor,
      provider: listing.provider,
      note: r.note,
      _acl: [listing.vendor, listing.provider],
    },
    actor: identity,
    effects: [opened],
  }).catch((e) => {
    // The id is the slot: another request took it first.
    if (e?.code === 'CONFLICT')
      throw conflict(`listing ${listing._id} has just got another open request; retry`);
    throw e;
  });
  return doc;
}

/** Applies a verb to a request the caller can see, as whichever party it is. */
export async function actOnListingRequest(
  env: ProductEnv,
  identity: Identity,
  partners: Partners,
  request: ListingRequestDoc,
  action: ListingRequestAction,
  note: string | null = null,
): Promise<ListingRequestDoc> {
  const party = listingPartyOf(request, identity.accountId);
  // Wrong party or status is refused before anything is looked up.
  listingRequestTransition(request, action, party, ALL_FACTS);
  const [product, contract, listing] = await Promise.all([
    env.models.Product.findById(request.product).lean<ProductDoc>(),
    partners.contract.load(request.contract),
    env.models.Listing.findById(request.listing).lean<ListingDoc>(),
  ]);
  // The listing's state was checked when the request was made; it cannot move while the request is open.
  const facts = { ...factsOf(product, contract, listing), listingUnlisted: true, listingListed: true };
  const t = listingRequestTransition(request, action, party, facts);
  const outcome = listingOutcome(request.type, t.to);
  const effects: EffectSpec[] = [];
  if (outcome.closes && listing) {
    const set: Record<string, unknown> = { pendingRequest: null };
    if (t.to === 'completed' && request.type !== 'remove') set.note = request.note;
    effects.push({
      collection: env.models.Listing.collection.collectionName,
      entityType: 'Listing',
      entityId: listing._id,
      kind:
        t.to === 'completed'
          ? `${request.type}Completed`
          : `request${t.to[0]!.toUpperCase()}${t.to.slice(1)}`,
      ...(outcome.status ? { to: outcome.status } : {}),
      set,
      partitionKey: listing.vendor,
    });
    if (outcome.status && product) effects.push(env.listed.touch(product));
  }
  // A completed NEW request connects the product to the marketplace's hubs (idempotent, before the
  // change: a connection without a listing sells nothing, a listing without its connection could not).
  if (t.to === 'completed' && request.type === 'new' && product) {
    await connectHubs(env, identity, partners, product, request.marketplace);
  }
  const set: Record<string, unknown> = {};
  if (action === 'cancel') set.cancellationNote = note;
  const updated = await env.write.ListingRequest.change({
    id: request._id,
    actor: identity,
    decide: (current) => {
      const now = listingRequestTransition(
        current,
        action,
        listingPartyOf(current, identity.accountId),
        facts,
      );
      if (now !== t)
        throw conflict(`listing request ${current._id} changed meanwhile; retry`, apiEnum(current.status));
      return { kind: EVENT[action], to: t.to, set, ...(effects.length ? { effects } : {}) };
    },
  });
  if (outcome.status && product) await env.listed.settle([product._id]);
  return updated;
}

/** The event names of the request's history (Connect's `events` use the same words). */
export const EVENT: Record<ListingRequestAction, string> = {
  create: 'created',
  submit: 'submitted',
  deploy: 'deployed',
  complete: 'completed',
  cancel: 'canceled',
  delete: 'deleted',
};

/** One active production connection per hub of the marketplace (docs/domain.md#scenarios, S2 step 7). */
async function connectHubs(
  env: ProductEnv,
  identity: Identity,
  partners: Partners,
  product: ProductDoc,
  marketplaceId: string,
): Promise<void> {
  const marketplace = await partners.marketplace.load(marketplaceId);
  if (!marketplace) return;
  for (const { hub } of marketplace.hubs) {
    await env.write.Connection.create({
      doc: {
        _id: newId('connection'),
        type: 'production',
        status: 'active',
        product: product._id,
        vendor: product.vendor,
        provider: marketplace.owner.id,
        hub: hub.id,
        productVersionType: 'public',
        _acl: [product.vendor, marketplace.owner.id],
      },
      newId: () => newId('connection'),
      actor: identity,
      idempotencyKey: `connection:${product._id}:${hub.id}:production`,
    });
  }
}

/** Every kind of change in a listing request's history (the schema's ListingRequestEventKind, lower case). */
export const LISTING_REQUEST_EVENT_KINDS = Object.values(EVENT);
