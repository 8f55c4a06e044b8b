// What a request does to its asset (docs/domain.md#what-a-request-does-to-its-asset), as data. Each cell names the
// asset statuses the request needs (on creation: which assets may receive this type of request at all),
// the asset's new status and what the request carries over. The resolvers turn a cell into an effect of
// the request's change (ChangeStore), so asset and request move together or are finished by recovery.
import type { RequestType } from './asset-request-machine.js';

export const ASSET_STATUSES = [
  'draft',
  'processing',
  'active',
  'terminating',
  'suspended',
  'terminated',
] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export type RequestMoment = 'created' | 'approved' | 'failed' | 'revoked';

export interface AssetEffect {
  /** the statuses the asset must be in */
  expect: readonly AssetStatus[];
  /** the asset's new status; absent: unchanged */
  to?: AssetStatus;
  /** what the request carries over to the asset */
  apply?: 'items' | 'params';
  /** the instant recorded on the asset */
  stamp?: 'activatedAt' | 'terminatedAt';
}

const stays = (...expect: AssetStatus[]): AssetEffect => ({ expect });

export const ASSET_OUTCOMES: Readonly<Record<RequestType, Record<RequestMoment, AssetEffect>>> = {
  purchase: {
    created: { expect: [], to: 'processing' }, // the asset is created with the purchase
    approved: { expect: ['processing'], to: 'active', apply: 'params', stamp: 'activatedAt' },
    failed: { expect: ['processing'], to: 'terminated', stamp: 'terminatedAt' },
    revoked: { expect: ['processing'], to: 'terminated', stamp: 'terminatedAt' },
  },
  change: {
    created: stays('active'),
    approved: { expect: ['active'], apply: 'items' },
    failed: stays('active'),
    revoked: stays('active'),
  },
  suspend: {
    created: stays('active'),
    approved: { expect: ['active'], to: 'suspended' },
    failed: stays('active'),
    revoked: stays('active'),
  },
  resume: {
    created: stays('suspended'),
    approved: { expect: ['suspended'], to: 'active' },
    failed: stays('suspended'),
    revoked: stays('suspended'),
  },
  cancel: {
    created: { expect: ['active'], to: 'terminating' },
    approved: { expect: ['terminating'], to: 'terminated', stamp: 'terminatedAt' },
    failed: { expect: ['terminating'], to: 'active' },
    // a choice (docs/domain.md#scenarios, S4 step 7b): a revoked cancellation is a failed one
    revoked: { expect: ['terminating'], to: 'active' },
  },
  adjustment: {
    created: stays('active'),
    approved: { expect: ['active'], apply: 'params' },
    failed: stays('active'),
    revoked: stays('active'),
  },
};

/** Types that need the product's `subscription.hold` capability. */
export const NEEDS_HOLD: ReadonlySet<RequestType> = new Set(['suspend', 'resume']);

/** Who may open each type on an existing asset: the provider who sold it, or the vendor (adjustment). */
export const OPENED_BY: Readonly<Record<RequestType, 'provider' | 'vendor'>> = {
  purchase: 'provider',
  change: 'provider',
  suspend: 'provider',
  resume: 'provider',
  cancel: 'provider',
  adjustment: 'vendor',
};
