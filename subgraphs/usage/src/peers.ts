// What usage needs from the other domains (docs/cross-domain.md), asked through the gateway with the usage
// service's own identity, batched. An interface, so the processing pipeline depends on facts, not on HTTP.
import { type ServiceClient, storedEnum } from '@daas/kit';
import type { AssetFacts, ItemFacts, ItemPrecision, UsageSchema } from './domain/records.js';

export interface ProductFacts {
  id: string;
  vendorId: string;
  status: string;
  /** ppu.schema lower-cased; null when pay-as-you-go is off */
  ppuSchema: UsageSchema | null;
  dynamicItems: boolean;
  consumption: boolean;
  items: (ItemFacts & { name: string; status: string })[];
}

export interface ContractFacts {
  id: string;
  type: string;
  status: string;
  vendorId: string | null;
  distributorId: string;
  marketplaceId: string | null;
}

export interface UsagePeers {
  product(id: string): Promise<ProductFacts | null>;
  contract(id: string): Promise<ContractFacts | null>;
  /** whether the product has a LISTED listing in the marketplace */
  listed(productId: string, marketplaceId: string): Promise<boolean>;
  assets(ids: string[]): Promise<Map<string, AssetFacts | null>>;
  /** per requested value, the product's assets whose parameter `name` has that value */
  assetsByParameter(productId: string, name: string, values: string[]): Promise<Map<string, AssetFacts[]>>;
}

const ASSET_FIELDS =
  'id externalId product { id } marketplace { id } activatedAt terminatedAt params { name value }';

interface AssetData {
  id: string;
  externalId: string | null;
  product: { id: string } | null;
  marketplace: { id: string } | null;
  activatedAt: string | null;
  terminatedAt: string | null;
  params?: { name: string; value: string | null }[];
}

const assetFacts = (a: AssetData): AssetFacts => ({
  id: a.id,
  externalId: a.externalId,
  productId: a.product?.id ?? null,
  marketplaceId: a.marketplace?.id ?? null,
  activatedAt: a.activatedAt ? new Date(a.activatedAt) : null,
  terminatedAt: a.terminatedAt ? new Date(a.terminatedAt) : null,
});

/** What the platform's other subgraphs (its peers) answer, asked through the gateway. */
export class GatewayPeers implements UsagePeers {
  constructor(private readonly services: ServiceClient) {}

  async product(id: string): Promise<ProductFacts | null> {
    const data = await this.services.query<{
      product: {
        id: string;
        status: string;
        vendor: { id: string };
        capabilities: {
          ppu: { schema: string; dynamic: boolean } | null;
          reservation: { consumption: boolean };
        };
        items: {
          id: string;
          mpn: string;
          name: string;
          type: 'PPU' | 'RESERVATION';
          precision: ItemPrecision;
          unit: string;
          status: string;
        }[];
      } | null;
    }>(
      `query UsageProduct($id: ID!) { product(id: $id) { id status vendor { id }
        capabilities { ppu { schema dynamic } reservation { consumption } }
        items { id mpn name type precision unit status } } }`,
      { id },
    );
    const p = data?.product;
    if (!p) return null;
    return {
      id: p.id,
      vendorId: p.vendor.id,
      status: p.status,
      ppuSchema: p.capabilities.ppu ? storedEnum<UsageSchema>(p.capabilities.ppu.schema) : null,
      dynamicItems: p.capabilities.ppu?.dynamic ?? false,
      consumption: p.capabilities.reservation.consumption,
      items: p.items,
    };
  }

  async contract(id: string): Promise<ContractFacts | null> {
    const data = await this.services.query<{
      contract: {
        id: string;
        type: string;
        status: string;
        vendor: { id: string } | null;
        distributor: { id: string };
        marketplace: { id: string } | null;
      } | null;
    }>(
      'query UsageContract($id: ID!) { contract(id: $id) { id type status vendor { id } distributor { id } marketplace { id } } }',
      { id },
    );
    const c = data?.contract;
    if (!c) return null;
    return {
      id: c.id,
      type: c.type,
      status: c.status,
      vendorId: c.vendor?.id ?? null,
      distributorId: c.distributor.id,
      marketplaceId: c.marketplace?.id ?? null,
    };
  }

  async listed(productId: string, marketplaceId: string): Promise<boolean> {
    const data = await this.services.query<{ listings: { edges: unknown[] } }>(
      `query UsageListing($product: ID!, $marketplace: ID!) {
        listings(first: 1, filter: { product: $product, marketplace: $marketplace, status: LISTED }) { edges { cursor } } }`,
      { product: productId, marketplace: marketplaceId },
    );
    return (data?.listings.edges.length ?? 0) > 0;
  }

  async assets(ids: string[]): Promise<Map<string, AssetFacts | null>> {
    const out = new Map<string, AssetFacts | null>();
    const loader = this.services.loader<AssetData>('asset', ASSET_FIELDS);
    const found = await loader.loadMany(ids);
    ids.forEach((id, i) => {
      const a = found[i];
      out.set(id, a && !(a instanceof Error) ? assetFacts(a) : null);
    });
    return out;
  }

  async assetsByParameter(
    productId: string,
    name: string,
    values: string[],
  ): Promise<Map<string, AssetFacts[]>> {
    const out = new Map<string, AssetFacts[]>(values.map((v) => [v, []]));
    for (let i = 0; i < values.length; i += 500) {
      const slice = values.slice(i, i + 500);
      const data = await this.services.query<{ assetsByParameter: AssetData[] }>(
        `query UsageAssetsByParameter($product: ID!, $parameter: String!, $values: [String!]!) {
          assetsByParameter(product: $product, parameter: $parameter, values: $values) { ${ASSET_FIELDS} } }`,
        { product: productId, parameter: name, values: slice },
      );
      for (const a of data?.assetsByParameter ?? []) {
        const value = a.params?.find((p) => p.name === name)?.value;
        if (value !== null && value !== undefined) out.get(value)?.push(assetFacts(a));
      }
    }
    return out;
  }
}
