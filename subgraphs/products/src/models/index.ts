// The products database: products (each embedding its mutable master: items, parameters, templates), the
// frozen versions, listings, listing requests and connections. Every write goes through the change store.
import { type EntityDoc, type EntityWriters, entityKind, entityModel } from '@daas/kit';
import type { Connection } from 'mongoose';
import type {
  ListingRequestStatus,
  ListingRequestType,
  ListingStatus,
} from '../domain/listing-request-machine.js';
import type { ProductStatus } from '../domain/product-machine.js';
import type { ProductContent, ProductState } from '../domain/products.js';

export interface ProductDoc extends EntityDoc, ProductState {
  status: ProductStatus;
  /** set by effects when listings changed; cleared when listedBy/listedIn/_acl are recomputed */
  _listingsDirty?: boolean;
}

/** A frozen version (`<product>/v<N>`), written right after the change that froze it. */
export interface ProductVersionDoc extends EntityDoc {
  product: string;
  vendor: string;
  number: number;
  content: ProductContent;
  changesDescription: string | null;
}

export interface ListingDoc extends EntityDoc {
  status: ListingStatus;
  product: string;
  contract: string;
  marketplace: string;
  vendor: string;
  provider: string;
  /** the open request, if any: one at a time */
  pendingRequest: string | null;
  /** sequence of the last request (LSTR-<digits>-<seq>) */
  requestSeq: number;
  note: string | null;
}

export interface ListingRequestDoc extends EntityDoc {
  type: ListingRequestType;
  status: ListingRequestStatus;
  listing: string;
  product: string;
  contract: string;
  marketplace: string;
  vendor: string;
  provider: string;
  note: string | null;
  cancellationNote?: string | null;
}

export interface ConnectionDoc extends EntityDoc {
  type: 'test' | 'preview' | 'production';
  status: 'pending' | 'approved' | 'rejected' | 'revoked' | 'active';
  product: string;
  vendor: string;
  provider: string;
  hub: string;
  productVersionType: 'public' | 'staging';
}

export function productModels(conn: Connection) {
  return {
    Product: entityModel<ProductDoc>(
      conn,
      'Product',
      'products',
      {
        vendor: String,
        status: String,
        master: Object,
        published: Object,
        latestVersion: Number,
        versions: { type: [Object], default: undefined },
        publishedAt: Date,
        masterChanged: Boolean,
        itemSeq: Number,
        paramSeq: Number,
        templateIds: [String],
        replacement: String,
        endOfSaleNotes: String,
        listedBy: [String],
        listedIn: [String],
        name: String,
        nameKey: String,
        itemTypes: [String],
        _listingsDirty: Boolean,
      },
      [
        // the vendor's catalog, drafts included
        [{ vendor: 1, createdAt: -1, _id: -1 }],
        [{ vendor: 1, status: 1, createdAt: -1, _id: -1 }],
        // a reseller's catalog (syndicated) and a marketplace's listings (listed)
        [{ listedBy: 1, createdAt: -1, _id: -1 }],
        [{ listedIn: 1, createdAt: -1, _id: -1 }],
        // ordering by name, and name search
        [{ nameKey: 1, _id: 1 }],
        [{ _acl: 1, nameKey: 1, _id: 1 }],
        [{ itemTypes: 1 }],
        // a template's product
        [{ templateIds: 1 }],
        [{ _listingsDirty: 1 }],
      ],
    ),
    ProductVersion: entityModel<ProductVersionDoc>(
      conn,
      'ProductVersion',
      'product_versions',
      { product: String, vendor: String, number: Number, content: Object, changesDescription: String },
      [[{ product: 1, number: 1 }]],
    ),
    Listing: entityModel<ListingDoc>(
      conn,
      'Listing',
      'listings',
      {
        status: String,
        product: String,
        contract: String,
        marketplace: String,
        vendor: String,
        provider: String,
        pendingRequest: String,
        requestSeq: Number,
        note: String,
      },
      [
        // one per (product, contract): enforced by the creation claim (docs/products.md), not a unique index
        [{ product: 1, contract: 1 }],
        [{ product: 1, createdAt: -1, _id: -1 }],
        [{ marketplace: 1, createdAt: -1, _id: -1 }],
        [{ _acl: 1, marketplace: 1, createdAt: -1, _id: -1 }],
        [{ provider: 1, status: 1 }],
      ],
    ),
    ListingRequest: entityModel<ListingRequestDoc>(
      conn,
      'ListingRequest',
      'listing_requests',
      {
        type: String,
        status: String,
        listing: String,
        product: String,
        contract: String,
        marketplace: String,
        vendor: String,
        provider: String,
        note: String,
        cancellationNote: String,
      },
      [
        [{ listing: 1, createdAt: -1, _id: -1 }],
        [{ _acl: 1, status: 1, createdAt: -1, _id: -1 }],
        [{ product: 1, createdAt: -1, _id: -1 }],
      ],
    ),
    Connection: entityModel<ConnectionDoc>(
      conn,
      'Connection',
      'connections',
      {
        type: String,
        status: String,
        product: String,
        vendor: String,
        provider: String,
        hub: String,
        productVersionType: String,
      },
      [
        [{ product: 1, hub: 1, type: 1 }],
        [{ hub: 1, createdAt: -1, _id: -1 }],
        [{ product: 1, createdAt: -1, _id: -1 }],
      ],
    ),
  };
}

export type ProductModels = ReturnType<typeof productModels>;

/** Every entity kind, declared once: its model, the type its events carry, the key of its feed partition. */
export const productEntities = (m: ProductModels) => ({
  Product: entityKind(m.Product, 'Product', (p) => p.vendor),
  ProductVersion: entityKind(m.ProductVersion, 'ProductVersion', (v) => v.vendor),
  Listing: entityKind(m.Listing, 'Listing', (l) => l.vendor),
  ListingRequest: entityKind(m.ListingRequest, 'ListingRequest', (r) => r.vendor),
  Connection: entityKind(m.Connection, 'Connection', (c) => c.vendor),
});

export type ProductWriters = EntityWriters<ReturnType<typeof productEntities>>;
