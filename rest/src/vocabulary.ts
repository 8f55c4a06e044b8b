// The one place where Connect's words and the platform's GraphQL words meet: enum values both ways
// and the field names that differ. Connect writes enum values in lower case (`pending`, `tiers_setup`);
// the GraphQL API in upper case. Ids are the same on both sides (PR-…, AS-…, PRD-…, TL-…), except a
// parameter, whose Connect `id` is the parameter's name here.
import { badRequest } from './errors.js';

/** The values Connect callers may send, per enum, as the GraphQL API spells them. */
export const ENUMS = {
  AssetRequestStatus: [
    'DRAFT',
    'TIERS_SETUP',
    'PENDING',
    'INQUIRING',
    'APPROVED',
    'FAILED',
    'SCHEDULED',
    'REVOKING',
    'REVOKED',
  ],
  AssetRequestType: ['PURCHASE', 'CHANGE', 'SUSPEND', 'RESUME', 'CANCEL', 'ADJUSTMENT'],
  AssetStatus: ['DRAFT', 'PROCESSING', 'ACTIVE', 'TERMINATING', 'SUSPENDED', 'TERMINATED'],
  TierConfigRequestStatus: ['DRAFT', 'TIERS_SETUP', 'PENDING', 'INQUIRING', 'APPROVED', 'FAILED'],
  TierAccountType: ['CUSTOMER', 'RESELLER'],
  TierAccountStatus: ['ACTIVE', 'DECOMMISSIONED'],
  ProductStatus: ['DRAFT', 'PUBLISHED', 'ENDOFSALE', 'DELETED'],
  ParameterPhase: ['ORDERING', 'FULFILLMENT', 'CONFIGURATION'],
  ParameterScope: ['ASSET', 'TIER1', 'TIER2', 'PRODUCT', 'ITEM', 'MARKETPLACE', 'ITEM_MARKETPLACE'],
  AccountRole: ['VENDOR', 'DISTRIBUTOR', 'RESELLER', 'OPERATOR'],
  ContractStatus: ['ENROLLING', 'PENDING', 'ACTIVE', 'TERMINATED', 'REJECTED', 'DELETED'],
  ContractType: ['PROGRAM', 'DISTRIBUTION', 'SERVICE', 'SYNDICATION', 'REFERRAL'],
  AgreementType: ['PROGRAM', 'DISTRIBUTION', 'SERVICE', 'SYNDICATION', 'REFERRAL'],
  AgreementStatus: ['ACTIVE', 'INACTIVE', 'DELETED'],
  UsageFileStatus: [
    'DRAFT',
    'UPLOADING',
    'PROCESSING',
    'INVALID',
    'READY',
    'PENDING',
    'ACCEPTED',
    'REJECTED',
    'CLOSED',
    'DELETED',
  ],
  UsageRecordStatus: ['VALID', 'INVALID', 'PENDING', 'APPROVED', 'REJECTED', 'CLOSED'],
} as const;
export type EnumName = keyof typeof ENUMS;

/** A Connect value (`pending`) as the GraphQL enum value (`PENDING`); anything else is a 400 naming it. */
export function enumIn(name: EnumName, field: string, value: string): string {
  const upper = value.toUpperCase();
  if (!(ENUMS[name] as readonly string[]).includes(upper)) {
    const allowed = ENUMS[name].map((v) => v.toLowerCase()).join(', ');
    throw badRequest(`${field}: "${value.slice(0, 40)}" is not one of ${allowed}.`);
  }
  return upper;
}

/** A GraphQL enum value as Connect writes it. */
export function enumOut(value: string | null | undefined): string {
  return value ? value.toLowerCase() : '';
}

/** Connect's name of the GraphQL field a message names: `valueError` → `value_error`. */
export const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
