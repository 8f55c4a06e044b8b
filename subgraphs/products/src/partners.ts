// What the products domain asks the partners domain, through the gateway with the products service's own
// identity (env.kit.services), batched per request: contracts, marketplaces and their hubs, and the
// contracts that decide a tenant's catalog.
import type { KitEnv } from '@daas/kit';
import type DataLoader from 'dataloader';
import type { CatalogScope } from './domain/products.js';

export interface ContractRef {
  id: string;
  type: string;
  status: string;
  vendor: { id: string } | null;
  distributor: { id: string };
  reseller: { id: string } | null;
  marketplace: { id: string } | null;
}

export interface MarketplaceRef {
  id: string;
  owner: { id: string };
  hubs: { hub: { id: string } }[];
}

const CONTRACT = 'id type status vendor { id } distributor { id } reseller { id } marketplace { id }';
const PAGE = 500;

export interface Partners {
  contract: DataLoader<string, ContractRef | null>;
  marketplace: DataLoader<string, MarketplaceRef | null>;
  /** every contract matching a (typed) ContractFilter of the partners API */
  contracts: (filter: Record<string, unknown>) => Promise<ContractRef[]>;
}

export function partnersFor(kit: KitEnv, requestId: string): Partners {
  const contracts = async (filter: Record<string, unknown>) => {
    const out: ContractRef[] = [];
    let after: string | null = null;
    for (;;) {
      const data: {
        contracts: {
          edges: { node: ContractRef }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      } = await kit.services.query(
        `query Contracts($filter: ContractFilter, $after: String) {
          contracts(first: ${PAGE}, after: $after, filter: $filter) {
            edges { node { ${CONTRACT} } } pageInfo { hasNextPage endCursor } } }`,
        { filter, after },
        requestId,
      );
      out.push(...data.contracts.edges.map((e) => e.node));
      if (!data.contracts.pageInfo.hasNextPage) return out;
      after = data.contracts.pageInfo.endCursor;
    }
  };
  return {
    contract: kit.services.loader<ContractRef>('contract', CONTRACT, requestId),
    marketplace: kit.services.loader<MarketplaceRef>(
      'marketplace',
      'id owner { id } hubs { hub { id } }',
      requestId,
    ),
    contracts,
  };
}

/** The contracts that widen a distributor's or reseller's catalog (domain/products.ts). */
export async function catalogScope(partners: Partners, role: string, account: string): Promise<CatalogScope> {
  if (role === 'DISTRIBUTOR') {
    const cs = await partners.contracts({ type: 'DISTRIBUTION', status: 'ACTIVE', distributor: account });
    return { vendors: new Set(cs.flatMap((c) => (c.vendor ? [c.vendor.id] : []))), syndicators: new Set() };
  }
  if (role === 'RESELLER') {
    const cs = await partners.contracts({ type: 'SYNDICATION', status: 'ACTIVE', reseller: account });
    return { vendors: new Set(), syndicators: new Set(cs.map((c) => c.distributor.id)) };
  }
  return { vendors: new Set(), syndicators: new Set() };
}

/** Who sells what in a marketplace: vendors with an active distribution contract for it, syndicating distributors. */
export async function marketplaceScope(partners: Partners, marketplace: string) {
  const cs = await partners.contracts({ status: 'ACTIVE', marketplace });
  return {
    vendors: cs.filter((c) => c.type === 'DISTRIBUTION' && c.vendor).map((c) => c.vendor!.id),
    syndicators: cs.filter((c) => c.type === 'SYNDICATION').map((c) => c.distributor.id),
  };
}
