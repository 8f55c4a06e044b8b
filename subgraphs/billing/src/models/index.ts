// The billing database: price lists (versions inside), what billing knows of each recurring asset, and
// billing requests. All three are entities written through the change store.
import { type EntityDoc, type EntityWriters, entityKind, entityModel } from '@daas/kit';
import type { Connection } from 'mongoose';
import type { Commitment, Segment } from '../domain/asset-billing.js';
import type { BillingRequestStatus } from '../domain/billing-request-machine.js';
import type { BillingLine, BillingSide } from '../domain/lines.js';
import type { BillingPeriod } from '../domain/periods.js';
import type { PriceListVersion } from '../domain/price-lists.js';

export interface PriceListDoc extends EntityDoc {
  product: string;
  marketplace: string;
  vendor: string;
  distributor: string;
  currency: string;
  name: string;
  versions: PriceListVersion[];
}

export interface AssetBillingDoc extends EntityDoc {
  /** the asset's id */
  _id: string;
  /** ACTIVE while periods remain to bill, ENDED once the asset's last period is billed */
  status: 'active' | 'ended';
  product: string;
  marketplace: string;
  vendor: string;
  provider: string;
  distributor: string;
  period: BillingPeriod;
  anchorAt: Date;
  /** periods billed so far: the next period to bill is this number */
  billedPeriods: number;
  /** when the next period ends (it is billed then, in arrears) */
  nextBillingAt: Date;
  segments: Segment[];
  /** the number of the period starting on anchorAt: 0, or the period a transfer started */
  anchorPeriod?: number;
  /** a transfer seen inside the current period: the period ends here, the next is nextProvider's */
  cutAt?: Date | null;
  nextProvider?: string | null;
  commitment?: Commitment | null;
}

export interface BillingRequestDoc extends EntityDoc {
  status: BillingRequestStatus;
  side: BillingSide;
  asset: string;
  product: string;
  marketplace: string;
  vendor: string;
  provider: string;
  distributor: string;
  /** the account that issues (and approves) it: the vendor or the distributor */
  issuer: string;
  currency: string | null;
  period: { number: number; from: Date; to: Date; billingPeriod: BillingPeriod };
  lines: BillingLine[];
  total: string | null;
  priceList: string | null;
  priceListVersion: number | null;
  reason: string | null;
}

/** The report of one usage file's reconciliation into billing; its id is the usage file's. */
export interface UsageReconciliationDoc extends EntityDoc {
  product: string;
  marketplace: string;
  vendor: string;
  distributor: string;
  period: { from: string; to: string };
  recordsBilled: number;
  recordsOutside: number;
  /** the first records outside any open period, with why (at most 100) */
  outside: { record: string; reason: string }[];
  /** per item: quantity billed, and the amounts on the vendor side (cost) and provider side (price) */
  items: { item: string; mpn: string; quantity: string; records: number; cost: string; price: string }[];
  billingRequests: string[];
}

export function billingModels(conn: Connection) {
  return {
    PriceList: entityModel<PriceListDoc>(
      conn,
      'PriceList',
      'price_lists',
      {
        product: String,
        marketplace: String,
        vendor: String,
        distributor: String,
        currency: String,
        name: String,
        versions: { type: Array, default: [] },
      },
      [
        // one price list per product and marketplace; the loader of a purchase's price reads by this pair
        [{ product: 1, marketplace: 1 }, { unique: true }],
      ],
    ),
    AssetBilling: entityModel<AssetBillingDoc>(
      conn,
      'AssetBilling',
      'asset_billings',
      {
        status: String,
        product: String,
        marketplace: String,
        vendor: String,
        provider: String,
        distributor: String,
        period: String,
        anchorAt: Date,
        billedPeriods: Number,
        nextBillingAt: Date,
        segments: { type: Array, default: [] },
        anchorPeriod: { type: Number, default: 0 },
        cutAt: { type: Date, default: null },
        nextProvider: { type: String, default: null },
        commitment: { type: Object, default: null },
      },
      // the scheduler's query: what is due, oldest first
      [[{ status: 1, nextBillingAt: 1, _id: 1 }]],
    ),
    BillingRequest: entityModel<BillingRequestDoc>(
      conn,
      'BillingRequest',
      'billing_requests',
      {
        status: String,
        side: String,
        asset: String,
        product: String,
        marketplace: String,
        vendor: String,
        provider: String,
        distributor: String,
        issuer: String,
        currency: String,
        period: Object,
        lines: { type: Array, default: [] },
        total: String,
        priceList: String,
        priceListVersion: Number,
        reason: String,
      },
      [
        // the exactly-once key besides the id that encodes it: one request per asset, period and side
        [{ asset: 1, 'period.from': 1, side: 1 }, { unique: true }],
        [{ _acl: 1, status: 1, createdAt: -1, _id: -1 }],
      ],
    ),
    UsageReconciliation: entityModel<UsageReconciliationDoc>(
      conn,
      'UsageReconciliation',
      'usage_reconciliations',
      {
        product: String,
        marketplace: String,
        vendor: String,
        distributor: String,
        period: Object,
        recordsBilled: Number,
        recordsOutside: Number,
        outside: { type: Array, default: [] },
        items: { type: Array, default: [] },
        billingRequests: { type: Array, default: [] },
      },
      [],
    ),
  };
}

export type BillingModels = ReturnType<typeof billingModels>;

/** Every entity kind, declared once: its model, the type its events carry, the key of its feed partition. */
export const billingEntities = (m: BillingModels) => ({
  PriceList: entityKind(m.PriceList, 'PriceList', (d) => d.vendor),
  AssetBilling: entityKind(m.AssetBilling, 'AssetBilling', (d) => d._id),
  BillingRequest: entityKind(m.BillingRequest, 'BillingRequest', (d) => d.asset),
  UsageReconciliation: entityKind(m.UsageReconciliation, 'UsageReconciliation', (d) => d._id),
});

export type BillingWriters = EntityWriters<ReturnType<typeof billingEntities>>;
