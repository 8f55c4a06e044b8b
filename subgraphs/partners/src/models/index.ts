// The partners database: accounts, API tokens, the partner directory, hubs, marketplaces, agreements and
// contracts. Every entity is written through the change store (see docs/change-feed.md).
import { type EntityDoc, type EntityWriters, entityKind, entityModel } from '@daas/kit';
import type { Connection } from 'mongoose';
import type { AccountRole } from '../domain/accounts.js';
import type { AgreementType, AgreementVersion } from '../domain/agreements.js';
import type { ContractStatus, ContractType } from '../domain/contract-machine.js';
import { contractPartition } from '../domain/contracts.js';
import type { HubInstanceType, MarketplaceHubLink } from '../domain/hubs.js';
import type { Zone } from '../domain/marketplaces.js';
import type { PartnerStatus } from '../domain/partnership-machine.js';

export interface AccountDoc extends EntityDoc {
  name: string;
  role: AccountRole;
}

/** Entities whose `_acl` is derived from contracts carry a flag while it may be stale (acl/sync.ts). */
export interface DerivedAcl {
  _aclDirty?: boolean;
}

export interface HubDoc extends EntityDoc, DerivedAcl {
  name: string;
  description: string | null;
  owner: string;
  instanceType: HubInstanceType;
}

export interface MarketplaceDoc extends EntityDoc, DerivedAcl {
  name: string;
  description?: string | null;
  zone?: Zone;
  currency: string;
  countries: string[];
  hubs?: MarketplaceHubLink[];
  owner: string;
}

export interface AgreementDoc extends EntityDoc, DerivedAcl {
  type: AgreementType;
  name: string;
  description: string | null;
  owner: string;
  parent: string | null;
  marketplace: string | null;
  autoAccept: boolean;
  versions: AgreementVersion[];
  /** highest version number ever given (deleted versions are not reused) */
  lastVersion: number;
}

export interface FormValue {
  name: string;
  value: string | null;
}

export interface ContractDoc extends EntityDoc {
  type: ContractType;
  status: ContractStatus;
  agreement: string;
  agreementVersion: number;
  vendor: string | null;
  distributor: string;
  reseller: string | null;
  /** distribution: the agreement's marketplace; syndication: the reseller's marketplace */
  marketplace: string | null;
  /** the accounts bound by the contract (for the counterpart filter) */
  parties: string[];
  note: string | null;
  refineNote?: string | null;
  rejectionNote?: string | null;
  terminationNote?: string | null;
  enrollment: FormValue[];
}

export interface PartnershipDoc extends EntityDoc {
  distributor: string;
  partner: string;
  role: AccountRole;
  status: PartnerStatus;
}

export interface ApiTokenDoc extends EntityDoc {
  name: string;
  accountId: string;
  role: AccountRole;
  /** may create and revoke the account's tokens (see domain/token-managers.ts) */
  admin: boolean;
  secretHash: string;
  expiresAt?: Date | null;
  revokedAt?: Date | null;
}

const byOwner = [{ owner: 1, createdAt: -1, _id: -1 }] as const;

export function partnerModels(conn: Connection) {
  return {
    Account: entityModel<AccountDoc>(conn, 'Account', 'accounts', { name: String, role: String }, [
      [{ role: 1, createdAt: -1, _id: -1 }],
    ]),
    Hub: entityModel<HubDoc>(
      conn,
      'Hub',
      'hubs',
      { name: String, description: String, owner: String, instanceType: String, _aclDirty: Boolean },
      [[{ ...byOwner[0] }], [{ _aclDirty: 1 }]],
    ),
    Marketplace: entityModel<MarketplaceDoc>(
      conn,
      'Marketplace',
      'marketplaces',
      {
        name: String,
        description: String,
        zone: String,
        currency: String,
        countries: [String],
        hubs: { type: [{ hub: String, externalId: String, _id: false }], default: undefined },
        owner: String,
        _aclDirty: Boolean,
      },
      [[{ ...byOwner[0] }], [{ 'hubs.hub': 1 }], [{ _aclDirty: 1 }]],
    ),
    Agreement: entityModel<AgreementDoc>(
      conn,
      'Agreement',
      'agreements',
      {
        type: String,
        status: String,
        name: String,
        description: String,
        owner: String,
        parent: String,
        marketplace: String,
        autoAccept: Boolean,
        versions: { type: [Object], default: undefined },
        lastVersion: Number,
        _aclDirty: Boolean,
      },
      [
        [{ owner: 1, type: 1, createdAt: -1, _id: -1 }],
        [{ parent: 1, marketplace: 1 }],
        [{ marketplace: 1, createdAt: -1, _id: -1 }],
        [{ _aclDirty: 1 }],
      ],
    ),
    Contract: entityModel<ContractDoc>(
      conn,
      'Contract',
      'contracts',
      {
        type: String,
        status: String,
        agreement: String,
        agreementVersion: Number,
        vendor: String,
        distributor: String,
        reseller: String,
        marketplace: String,
        parties: [String],
        note: String,
        refineNote: String,
        rejectionNote: String,
        terminationNote: String,
        enrollment: { type: [Object], default: undefined },
      },
      [
        // distribution paths and visibility: active contracts by vendor, marketplace, distributor
        [{ type: 1, status: 1, vendor: 1, marketplace: 1 }],
        [{ type: 1, status: 1, marketplace: 1 }],
        [{ type: 1, status: 1, distributor: 1, vendor: 1 }],
        [{ type: 1, status: 1, distributor: 1, reseller: 1 }],
        // natural keys (domain/contracts.ts naturalKey)
        [{ type: 1, distributor: 1, vendor: 1 }],
        [{ type: 1, distributor: 1, reseller: 1 }],
        [{ agreement: 1, vendor: 1 }],
        [{ agreement: 1, reseller: 1, marketplace: 1 }],
        // lists
        [{ _acl: 1, type: 1, status: 1, createdAt: -1, _id: -1 }],
        [{ parties: 1, createdAt: -1, _id: -1 }],
        [{ agreement: 1, createdAt: -1, _id: -1 }],
        [{ marketplace: 1, createdAt: -1, _id: -1 }],
      ],
    ),
    Partnership: entityModel<PartnershipDoc>(
      conn,
      'Partnership',
      'partnerships',
      { distributor: String, partner: String, role: String, status: String },
      [
        // one per pair, enforced by the creation claim (see docs/partners.md), not by a unique index
        [{ distributor: 1, partner: 1 }],
        [{ distributor: 1, status: 1, createdAt: -1, _id: -1 }],
        [{ partner: 1, createdAt: -1, _id: -1 }],
      ],
    ),
    ApiToken: entityModel<ApiTokenDoc>(
      conn,
      'ApiToken',
      'api_tokens',
      {
        name: String,
        accountId: String,
        role: String,
        admin: Boolean,
        secretHash: String,
        expiresAt: Date,
        revokedAt: Date,
      },
      [[{ accountId: 1, createdAt: -1, _id: -1 }]],
    ),
  };
}

export type PartnerModels = ReturnType<typeof partnerModels>;

/** Every entity kind, declared once: its model, the type its events carry, the key of its feed partition. */
export const partnerEntities = (m: PartnerModels) => ({
  // accounts are the platform's directory: one partition for all of them
  Account: entityKind(m.Account, 'Account', () => 'accounts'),
  Hub: entityKind(m.Hub, 'Hub', (h) => h.owner),
  Marketplace: entityKind(m.Marketplace, 'Marketplace', (mp) => mp.owner),
  Agreement: entityKind(m.Agreement, 'Agreement', (a) => a.owner),
  Contract: entityKind(m.Contract, 'Contract', contractPartition),
  Partnership: entityKind(m.Partnership, 'Partnership', (p) => p.distributor),
  ApiToken: entityKind(m.ApiToken, 'ApiToken', (t) => t.accountId),
});

export type PartnerWriters = EntityWriters<ReturnType<typeof partnerEntities>>;
