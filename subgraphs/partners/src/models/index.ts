// The partners database: accounts, marketplaces, API tokens (and, from the contract flow, more).
import { type EntityDoc, entityModel } from '@daas/kit';
import type { Connection } from 'mongoose';
import type { AccountRole } from '../domain/accounts.js';

export interface AccountDoc extends EntityDoc {
  name: string;
  role: AccountRole;
}

export interface MarketplaceDoc extends EntityDoc {
  name: string;
  description?: string | null;
  currency: string;
  countries: string[];
  owner: string;
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

export function partnerModels(conn: Connection) {
  return {
    Account: entityModel<AccountDoc>(conn, 'Account', 'accounts', { name: String, role: String }, [
      [{ role: 1, createdAt: -1, _id: -1 }],
    ]),
    Marketplace: entityModel<MarketplaceDoc>(
      conn,
      'Marketplace',
      'marketplaces',
      { name: String, description: String, currency: String, countries: [String], owner: String },
      [[{ owner: 1, createdAt: -1, _id: -1 }]],
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
