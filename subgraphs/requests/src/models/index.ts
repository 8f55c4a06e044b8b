import { type EntityDoc, type EntityWriters, entityKind, entityModel } from '@daas/kit';
import type { Connection } from 'mongoose';
import type { AssetStatus } from '../domain/asset-outcomes.js';
import type { RequestStatus, RequestType } from '../domain/asset-request-machine.js';
import type { AssetItem, OpenRequestRef, Param, RequestItem } from '../domain/assets.js';
import type { TcrStatus, TierConfigStatus } from '../domain/tier-config-machine.js';

export type { AssetStatus } from '../domain/asset-outcomes.js';

/** A tier account as embedded in an asset (docs/domain.md#assets, `tiers`): a snapshot taken at purchase. */
export interface TierSnapshot {
  id: string;
  name: string;
  externalId: string | null;
}

export interface TierAccountDoc extends EntityDoc {
  type: 'customer' | 'reseller';
  status: 'active' | 'decommissioned';
  name: string;
  externalId: string | null;
  parentId: string | null;
  /** the provider whose customer or reseller this is */
  owner: string;
}

export interface AssetDoc extends EntityDoc {
  externalId?: string | null;
  /** unique: `<provider>:<marketplace>:<externalId>` (the asset id when there is none), see flows/purchase.ts */
  externalKey?: string;
  status: AssetStatus;
  productId: string;
  productVersion?: number | null;
  marketplaceId: string;
  contractId?: string | null;
  vendor: string;
  /** who sold it: the distributor (direct) or the reseller (syndication) */
  provider: string;
  customerId?: string | null;
  tiers?: { customer: TierSnapshot | null; tier1: TierSnapshot | null; tier2: TierSnapshot | null };
  items?: AssetItem[];
  params?: Param[];
  pendingRequest?: OpenRequestRef | null;
  lastRequestId?: string | null;
  /** how many requests were opened: the next one is PR-<asset digits>-<requestCount + 1> */
  requestCount?: number;
  activatedAt?: Date | null;
  terminatedAt?: Date | null;
}

export interface AssetRequestDoc extends EntityDoc {
  type: RequestType;
  status: RequestStatus;
  assetId: string;
  productId: string;
  marketplaceId: string;
  customerId: string | null;
  vendor: string;
  provider: string;
  items: RequestItem[];
  params: Param[];
  note: string | null;
  reason: string | null;
  activationKey: string | null;
  templateId: string | null;
  effectiveDate: Date | null;
  plannedDate: Date | null;
  answered: boolean;
  /** the tier config request this purchase waits for in tiers_setup */
  waitingFor: string | null;
}

export interface TierConfigDoc extends EntityDoc {
  /** unique: `<tier account>:<product>` (one config per tier account and product) */
  naturalKey: string;
  status: TierConfigStatus;
  accountId: string;
  account: TierSnapshot;
  productId: string;
  tierLevel: 1 | 2;
  vendor: string;
  provider: string;
  marketplaceId: string;
  contractId: string | null;
  params: Param[];
  openRequestId: string | null;
  requestCount: number;
}

export interface TierConfigRequestDoc extends EntityDoc {
  type: 'setup';
  status: TcrStatus;
  configId: string;
  tierLevel: 1 | 2;
  productId: string;
  accountId: string;
  vendor: string;
  provider: string;
  params: Param[];
  /** the tier-2 request a tier-1 request waits for in tiers_setup */
  waitingFor: string | null;
  reason: string | null;
  templateId: string | null;
  activationText: string | null;
}

const itemShape = { _id: false, itemId: String, mpn: String, quantity: String, oldQuantity: String };
const paramShape = { _id: false, name: String, value: String, valueError: String };

export function requestModels(conn: Connection) {
  return {
    TierAccount: entityModel<TierAccountDoc>(
      conn,
      'TierAccount',
      'tier_accounts',
      { type: String, status: String, name: String, externalId: String, parentId: String, owner: String },
      [
        [{ owner: 1, createdAt: -1, _id: -1 }],
        // tierAccounts(filter: type, status) of a tenant
        [{ _acl: 1, type: 1, status: 1, createdAt: -1, _id: -1 }],
        // the customers a list's filter.customerName matches (resolvers/common.ts)
        [{ type: 1, name: 1 }],
      ],
    ),
    Asset: entityModel<AssetDoc>(
      conn,
      'Asset',
      'assets',
      {
        externalId: String,
        externalKey: String,
        status: String,
        productId: String,
        productVersion: Number,
        marketplaceId: String,
        contractId: String,
        vendor: String,
        provider: String,
        customerId: String,
        tiers: Object,
        items: [itemShape],
        params: [paramShape],
        pendingRequest: Object,
        lastRequestId: String,
        requestCount: Number,
        activatedAt: Date,
        terminatedAt: Date,
      },
      [
        // a tenant's lists (assets, Product.assets, Marketplace.assets): equality fields, then the order
        [{ _acl: 1, marketplaceId: 1, status: 1, createdAt: -1, _id: -1 }],
        [{ _acl: 1, productId: 1, status: 1, createdAt: -1, _id: -1 }],
        [{ _acl: 1, customerId: 1, createdAt: -1, _id: -1 }],
        [{ _acl: 1, status: 1, createdAt: -1, _id: -1 }],
        // the operator's (no _acl)
        [{ productId: 1, createdAt: -1, _id: -1 }],
        [{ marketplaceId: 1, status: 1, createdAt: -1, _id: -1 }],
        [{ customerId: 1, createdAt: -1, _id: -1 }],
        [{ status: 1, createdAt: -1, _id: -1 }],
        // assetsByParameter (_acl left out: two arrays cannot share a compound index)
        [{ productId: 1, 'params.name': 1, 'params.value': 1 }],
        [{ externalKey: 1 }, { unique: true }],
      ],
    ),
    AssetRequest: entityModel<AssetRequestDoc>(
      conn,
      'AssetRequest',
      'asset_requests',
      {
        type: String,
        status: String,
        assetId: String,
        productId: String,
        marketplaceId: String,
        customerId: String,
        vendor: String,
        provider: String,
        items: [itemShape],
        params: [paramShape],
        note: String,
        reason: String,
        activationKey: String,
        templateId: String,
        effectiveDate: Date,
        plannedDate: Date,
        answered: Boolean,
        waitingFor: String,
      },
      [
        // Asset.requests (the requestsOfAsset loader) and assetRequests(filter: asset)
        [{ assetId: 1, createdAt: -1, _id: -1 }],
        // a tenant's assetRequests(filter: …): a vendor's pending requests is { _acl, status }
        [{ _acl: 1, status: 1, type: 1, createdAt: -1, _id: -1 }],
        [{ _acl: 1, productId: 1, status: 1, createdAt: -1, _id: -1 }],
        [{ _acl: 1, marketplaceId: 1, status: 1, createdAt: -1, _id: -1 }],
        [{ _acl: 1, customerId: 1, createdAt: -1, _id: -1 }],
        // the operator's
        [{ productId: 1, createdAt: -1, _id: -1 }],
        [{ marketplaceId: 1, createdAt: -1, _id: -1 }],
        [{ customerId: 1, createdAt: -1, _id: -1 }],
        [{ status: 1, type: 1, createdAt: -1, _id: -1 }],
        // requests waiting for a tier config request (flows/tiers.ts)
        [{ waitingFor: 1, status: 1 }],
      ],
    ),
    TierConfig: entityModel<TierConfigDoc>(
      conn,
      'TierConfig',
      'tier_configs',
      {
        naturalKey: String,
        status: String,
        accountId: String,
        account: Object,
        productId: String,
        tierLevel: Number,
        vendor: String,
        provider: String,
        marketplaceId: String,
        contractId: String,
        params: [paramShape],
        openRequestId: String,
        requestCount: Number,
      },
      [[{ naturalKey: 1 }, { unique: true }], [{ productId: 1, createdAt: -1, _id: -1 }]],
    ),
    TierConfigRequest: entityModel<TierConfigRequestDoc>(
      conn,
      'TierConfigRequest',
      'tier_config_requests',
      {
        type: String,
        status: String,
        configId: String,
        tierLevel: Number,
        productId: String,
        accountId: String,
        vendor: String,
        provider: String,
        params: [paramShape],
        waitingFor: String,
        reason: String,
        templateId: String,
        activationText: String,
      },
      [
        [{ configId: 1, createdAt: -1, _id: -1 }],
        [{ waitingFor: 1, status: 1 }],
        // tierConfigRequests(filter: status, product) of a tenant
        [{ _acl: 1, status: 1, createdAt: -1, _id: -1 }],
        [{ _acl: 1, productId: 1, status: 1, createdAt: -1, _id: -1 }],
      ],
    ),
  };
}

export type RequestModels = ReturnType<typeof requestModels>;

/** Every entity kind, declared once: its model, the type its events carry, the key of its feed partition. */
export const requestEntities = (m: RequestModels) => ({
  TierAccount: entityKind(m.TierAccount, 'TierAccount', (t) => t.owner),
  Asset: entityKind(m.Asset, 'Asset', (a) => a.vendor),
  AssetRequest: entityKind(m.AssetRequest, 'AssetRequest', (r) => r.vendor),
  TierConfig: entityKind(m.TierConfig, 'TierConfig', (t) => t.vendor),
  TierConfigRequest: entityKind(m.TierConfigRequest, 'TierConfigRequest', (r) => r.vendor),
});

export type RequestWriters = EntityWriters<ReturnType<typeof requestEntities>>;
