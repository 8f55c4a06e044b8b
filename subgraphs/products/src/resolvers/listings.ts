// Listings and listing requests: queries, the vendor's and the provider's verbs (flows/listings.ts), and
// the fields other types gain (Marketplace.listings).
import {
  apiEnum,
  badInput,
  type ChangeRow,
  historyEvent,
  idOf,
  mustExist,
  paginate,
  parseId,
} from '@daas/kit';
import { LISTING_REQUEST_TYPES, type ListingRequestAction } from '../domain/listing-request-machine.js';
import { productPermissions } from '../domain/permissions.js';
import { fromEnum } from '../domain/vocabulary.js';
import type { ProductContext } from '../env.js';
import {
  actOnListingRequest,
  createListingRequest,
  gatherListingRequest,
  type NamedListingRequest,
} from '../flows/listings.js';
import type { ListingDoc, ListingRequestDoc } from '../models/index.js';
import { type Args, type Input, mustLoad, validNote } from './common.js';
import {
  type ListingFilter,
  type ListingRequestFilter,
  listingQuery,
  listingRequestQuery,
} from './listing-filter.js';
import { productOf } from './products.js';

interface CreateInput {
  type: string;
  product?: string | null;
  contract?: string | null;
  listing?: string | null;
  note?: string | null;
}

/** The platform's own changes (recovery, effects) carry a `service:` actor, not an account. */
const actorOf = (row: ChangeRow) =>
  row.actor.accountId.startsWith('service:') ? null : { id: row.actor.accountId };

/** What a listing request's change also changed (its listing, its product): read afresh from now on. */
function forget(ctx: ProductContext, r: ListingRequestDoc) {
  ctx.loaders.listingRequest.clear(r._id).prime(r._id, r);
  ctx.loaders.listing.clear(r.listing);
  ctx.loaders.product.clear(r.product);
}

function verb(action: ListingRequestAction, withNote = false) {
  return async (
    _: unknown,
    args: Input<{ listingRequest: string; note?: string | null }>,
    ctx: ProductContext,
  ) => {
    productPermissions.assert(ctx.identity.role, 'actOnListingRequest');
    const id = parseId(args.input.listingRequest, 'input.listingRequest', 'listingRequest');
    const note = withNote ? validNote(args.input.note) : null;
    // Read afresh: an earlier mutation of the same request may have moved it.
    ctx.loaders.listingRequest.clear(id);
    const request = await mustLoad(ctx.loaders.listingRequest, id, 'input.listingRequest', 'listing request');
    const updated = await actOnListingRequest(
      ctx.env,
      ctx.identity,
      ctx.loaders.partners,
      request,
      action,
      note,
    );
    forget(ctx, updated);
    return { listingRequest: updated };
  };
}

/** Parses what a request names: a NEW one a product and a contract, an UPDATE or REMOVE a listing. */
async function createInput(ctx: ProductContext, input: CreateInput): Promise<NamedListingRequest> {
  const type = fromEnum(input.type, LISTING_REQUEST_TYPES, 'input.type');
  const note = validNote(input.note);
  if (type === 'new') {
    if (input.listing)
      throw badInput('input.listing', 'a NEW request names a product and a contract, not a listing');
    if (!input.product) throw badInput('input.product', 'a NEW request names the product to list');
    if (!input.contract) throw badInput('input.contract', 'a NEW request names the distribution contract');
    const product = await productOf(ctx, input.product);
    const contract = parseId(input.contract, 'input.contract', 'distributionContract');
    return { type, note, product, contract };
  }
  if (!input.listing) throw badInput('input.listing', `a ${apiEnum(type)} request names the listing`);
  if (input.product || input.contract)
    throw badInput('input.listing', `a ${apiEnum(type)} request names only the listing`);
  const listingId = parseId(input.listing, 'input.listing', 'listing');
  const listing = await mustLoad(ctx.loaders.listing, listingId, 'input.listing', 'listing');
  return { type, note, listing };
}

export const listingResolvers = {
  Query: {
    listing: (_: unknown, args: { id: string }, ctx: ProductContext) => {
      const id = parseId(args.id, 'id', 'listing');
      return mustExist('Listing', id, ctx.loaders.listing.load(id));
    },
    listings: (_: unknown, args: Args<{ filter?: ListingFilter }>, ctx: ProductContext) =>
      paginate(ctx.env.models.Listing, listingQuery(ctx.identity, args.filter), args),
    listingRequest: (_: unknown, args: { id: string }, ctx: ProductContext) => {
      const id = parseId(args.id, 'id', 'listingRequest');
      return mustExist('ListingRequest', id, ctx.loaders.listingRequest.load(id));
    },
    listingRequests: (_: unknown, args: Args<{ filter?: ListingRequestFilter }>, ctx: ProductContext) =>
      paginate(ctx.env.models.ListingRequest, listingRequestQuery(ctx.identity, args.filter), args),
  },
  Mutation: {
    createListingRequest: async (_: unknown, args: Input<CreateInput>, ctx: ProductContext) => {
      productPermissions.assert(ctx.identity.role, 'createListingRequest');
      const named = await createInput(ctx, args.input);
      const r = await gatherListingRequest(ctx.env, ctx.identity, ctx.loaders.partners, named);
      const created = await createListingRequest(ctx.env, ctx.identity, r);
      forget(ctx, created);
      return { listingRequest: created };
    },
    submitListingRequest: verb('submit'),
    deleteListingRequest: verb('delete'),
    deployListingRequest: verb('deploy'),
    completeListingRequest: verb('complete'),
    cancelListingRequest: verb('cancel', true),
  },
  Marketplace: {
    __resolveReference: (ref: { id: string }) => ref,
    listings: (m: { id: string }, args: Args<{ filter?: ListingFilter }>, ctx: ProductContext) =>
      paginate(ctx.env.models.Listing, listingQuery(ctx.identity, args.filter, { marketplace: m.id }), args),
  },
  Listing: {
    id: idOf,
    status: (l: ListingDoc) => apiEnum(l.status),
    // The parties of a listing see its product, listed or not (an unlisted one may be hidden from the provider).
    product: async (l: ListingDoc, _: unknown, ctx: ProductContext) =>
      (await ctx.loaders.product.load(l.product)) ?? ctx.env.models.Product.findById(l.product).lean(),
    contract: (l: ListingDoc) => ({ id: l.contract }),
    marketplace: (l: ListingDoc) => ({ id: l.marketplace }),
    vendor: (l: ListingDoc) => ({ id: l.vendor }),
    provider: (l: ListingDoc) => ({ id: l.provider }),
    pendingRequest: (l: ListingDoc, _: unknown, ctx: ProductContext) =>
      l.pendingRequest ? ctx.loaders.listingRequest.load(l.pendingRequest) : null,
    requests: (l: ListingDoc, args: Args<object>, ctx: ProductContext) =>
      paginate(
        ctx.env.models.ListingRequest,
        listingRequestQuery(ctx.identity, null, { listing: l._id }),
        args,
      ),
    __resolveReference: (ref: { id: string }, ctx: ProductContext) => ctx.loaders.listing.load(ref.id),
  },
  ListingRequest: {
    id: idOf,
    type: (r: ListingRequestDoc) => apiEnum(r.type),
    status: (r: ListingRequestDoc) => apiEnum(r.status),
    listing: async (r: ListingRequestDoc, _: unknown, ctx: ProductContext) =>
      (await ctx.loaders.listing.load(r.listing)) ?? ctx.env.models.Listing.findById(r.listing).lean(),
    product: async (r: ListingRequestDoc, _: unknown, ctx: ProductContext) =>
      (await ctx.loaders.product.load(r.product)) ?? ctx.env.models.Product.findById(r.product).lean(),
    contract: (r: ListingRequestDoc) => ({ id: r.contract }),
    marketplace: (r: ListingRequestDoc) => ({ id: r.marketplace }),
    vendor: (r: ListingRequestDoc) => ({ id: r.vendor }),
    provider: (r: ListingRequestDoc) => ({ id: r.provider }),
    cancellationNote: (r: ListingRequestDoc) => r.cancellationNote ?? null,
    history: async (r: ListingRequestDoc, _: unknown, ctx: ProductContext) =>
      (await ctx.loaders.history.load(r._id)).map((row) =>
        historyEvent(row, { noteFields: ['note', 'cancellationNote'], present: apiEnum }),
      ),
    events: async (r: ListingRequestDoc, _: unknown, ctx: ProductContext) => {
      const stamps: Record<string, { at: Date; by: { id: string } | null }> = {};
      for (const row of await ctx.loaders.history.load(r._id))
        stamps[row.kind] = { at: row.at, by: actorOf(row) };
      stamps.created ??= { at: r.createdAt, by: null };
      return stamps;
    },
    __resolveReference: (ref: { id: string }, ctx: ProductContext) => ctx.loaders.listingRequest.load(ref.id),
  },
};
