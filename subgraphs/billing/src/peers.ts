// What billing asks the other domains, through the gateway with the billing service's own identity
// (env.kit.services): a product's vendor and items, a marketplace's owner and resellers, and the assets
// whose recurring items it bills. Behind an interface so domain tests can give fixed answers.
import { DomainError, type ServiceClient } from '@daas/kit';
import type { AssetSnapshot } from './domain/asset-billing.js';
import type { UsageRecordFacts } from './domain/usage.js';

export interface ProductFacts {
  id: string;
  vendor: string;
  items: { id: string; period: string; type: string }[];
}

export interface MarketplaceFacts {
  id: string;
  owner: string;
  /** resellers with an active syndication contract in this marketplace: they see prices, never cost */
  resellers: string[];
}

export interface AssetPage {
  assets: AssetSnapshot[];
  next: string | null;
}

/** A CLOSED usage file: every valid record has been closed by the provider. */
export interface UsageFileFacts {
  id: string;
  product: string;
  marketplace: string;
  vendor: string;
  /** the distributor the file is addressed to */
  provider: string;
  /** whole UTC days, both ends included (YYYY-MM-DD) */
  period: { from: string; to: string };
}

export interface BillingPeers {
  product(id: string): Promise<ProductFacts | null>;
  marketplace(id: string): Promise<MarketplaceFacts | null>;
  /** one page of the assets billing may have to bill, after `after` */
  assets(after: string | null, first: number): Promise<AssetPage>;
  /** one page of the CLOSED usage files, after `after` */
  closedUsageFiles(
    after: string | null,
    first: number,
  ): Promise<{ files: UsageFileFacts[]; next: string | null }>;
  /** one page of a usage file's records, after `after` (a CLOSED file has only valid ones: it was READY) */
  usageRecords(
    usageFile: string,
    after: string | null,
    first: number,
  ): Promise<{ records: UsageRecordFacts[]; next: string | null }>;
}

interface Page {
  hasNextPage: boolean;
  endCursor: string | null;
}

interface AssetNode {
  id: string;
  status: string;
  product: { id: string } | null;
  marketplace: { id: string } | null;
  vendor: { id: string };
  provider: { id: string };
  contract: { distributor: { id: string } | null } | null;
  items: {
    item: { id: string; period: string; type: string; commitment: { periods: number } | null } | null;
    mpn: string;
    quantity: string;
  }[];
}

const ASSET = `id status product { id } marketplace { id } vendor { id } provider { id }
  contract { distributor { id } } items { item { id period type commitment { periods } } mpn quantity }`;

export class GatewayPeers implements BillingPeers {
  constructor(private readonly services: ServiceClient) {}

  async product(id: string): Promise<ProductFacts | null> {
    const d = await this.services.query<{
      product: { id: string; vendor: { id: string }; items: ProductFacts['items'] } | null;
    }>('query($id: ID!) { product(id: $id) { id vendor { id } items { id period type } } }', { id });
    return d.product ? { id: d.product.id, vendor: d.product.vendor.id, items: d.product.items } : null;
  }

  async marketplace(id: string): Promise<MarketplaceFacts | null> {
    const d = await this.services.query<{
      marketplace: { id: string; owner: { id: string } } | null;
      contracts: { edges: { node: { reseller: { id: string } | null } }[] };
    }>(
      `query($id: ID!) { marketplace(id: $id) { id owner { id } }
        contracts(first: 500, filter: { type: SYNDICATION, status: ACTIVE, marketplace: $id }) {
          edges { node { reseller { id } } } } }`,
      { id },
    );
    if (!d.marketplace) return null;
    const resellers = d.contracts.edges.flatMap((e) => (e.node.reseller ? [e.node.reseller.id] : []));
    return { id, owner: d.marketplace.owner.id, resellers: [...new Set(resellers)] };
  }

  async assets(after: string | null, first: number): Promise<AssetPage> {
    const d = await this.services.query<{
      assets: { edges: { node: AssetNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    }>(
      `query($after: String, $first: Int) { assets(first: $first, after: $after) {
        edges { node { ${ASSET} } } pageInfo { hasNextPage endCursor } } }`,
      { after, first },
    );
    const assets = d.assets.edges.flatMap(({ node: a }) =>
      a.product && a.marketplace
        ? [
            {
              id: a.id,
              status: a.status,
              product: a.product.id,
              marketplace: a.marketplace.id,
              vendor: a.vendor.id,
              provider: a.provider.id,
              distributor: a.contract?.distributor?.id ?? a.provider.id,
              items: a.items.flatMap((i) =>
                i.item
                  ? [
                      {
                        item: i.item.id,
                        mpn: i.mpn,
                        quantity: i.quantity,
                        period: i.item.period,
                        type: i.item.type,
                        commitment: i.item.commitment?.periods ?? null,
                      },
                    ]
                  : [],
              ),
            },
          ]
        : [],
    );
    return { assets, next: d.assets.pageInfo.hasNextPage ? d.assets.pageInfo.endCursor : null };
  }

  async closedUsageFiles(after: string | null, first: number) {
    const d = await this.services.query<{
      usageFiles: {
        edges: {
          node: {
            id: string;
            product: { id: string } | null;
            marketplace: { id: string } | null;
            vendor: { id: string };
            provider: { id: string };
            period: { from: string; to: string };
          };
        }[];
        pageInfo: Page;
      };
    }>(
      `query($after: String, $first: Int) { usageFiles(first: $first, after: $after, filter: { status: CLOSED }) {
        edges { node { id product { id } marketplace { id } vendor { id } provider { id } period { from to } } }
        pageInfo { hasNextPage endCursor } } }`,
      { after, first },
    );
    const files = d.usageFiles.edges.flatMap(({ node: f }) =>
      f.product && f.marketplace
        ? [
            {
              id: f.id,
              product: f.product.id,
              marketplace: f.marketplace.id,
              vendor: f.vendor.id,
              provider: f.provider.id,
              period: f.period,
            },
          ]
        : [],
    );
    return { files, next: d.usageFiles.pageInfo.hasNextPage ? d.usageFiles.pageInfo.endCursor : null };
  }

  async usageRecords(usageFile: string, after: string | null, first: number) {
    const d = await this.services.query<{
      usageFile: {
        records: {
          edges: {
            node: {
              id: string;
              asset: { id: string } | null;
              item: { id: string } | null;
              mpn: string | null;
              quantity: string | null;
              startTime: string | null;
            };
          }[];
          pageInfo: Page;
        };
      } | null;
    }>(
      `query($id: ID!, $after: String, $first: Int) { usageFile(id: $id) {
        records(first: $first, after: $after) {
          edges { node { id asset { id } item { id } mpn quantity startTime } } pageInfo { hasNextPage endCursor } } } }`,
      { id: usageFile, after, first },
    );
    // a closed file is always there for the billing service: no page means the read failed (the client
    // passes partial answers on), and a report of no records would be written for good
    const page = d.usageFile?.records;
    if (!page) throw new DomainError('INTERNAL', `the records of ${usageFile} could not be read`);
    return {
      records: page.edges.map(({ node: r }) => ({
        id: r.id,
        asset: r.asset?.id ?? null,
        item: r.item?.id ?? null,
        mpn: r.mpn,
        quantity: r.quantity,
        startTime: r.startTime ? new Date(r.startTime) : null,
      })),
      next: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
    };
  }
}
