// What requests asks the products and partners domains (docs/cross-domain.md), through the gateway with
// the service's own identity (env.kit.services). Never their databases, never what the client sent.
import { DomainError, type ServiceClient, storedEnum } from '@daas/kit';
import type { RequestType } from './domain/asset-request-machine.js';
import type { Precision } from './domain/quantities.js';
import type { ListingFact, PathFact } from './domain/sales-channel.js';

/** A product is listed on few distribution contracts; more than this many is not a real listing. */
const MAX_LISTINGS = 500;

export interface ItemFacts {
  id: string;
  mpn: string;
  type: 'RESERVATION' | 'PPU';
  precision: Precision;
}

export interface ProductFacts {
  id: string;
  status: 'DRAFT' | 'PUBLISHED' | 'ENDOFSALE';
  version: number | null;
  vendor: string;
  configsLevel: number | null;
  hold: boolean;
  scheduling: Record<Exclude<RequestType, 'adjustment'>, boolean>;
  items: ItemFacts[];
  /** ordering and fulfillment parameters of scopes asset, tier1 and tier2 */
  parameters: { name: string; scope: string; phase: string; required: boolean }[];
  templates: { id: string; type: string; scope: string }[];
}

export interface ParamCheck {
  name: string;
  valid: boolean;
  error: string | null;
}

export interface ValueInput {
  name: string;
  value: string | null;
}

export interface CheckGroup {
  phase: 'ORDERING' | 'FULFILLMENT';
  scopes: ('ASSET' | 'TIER1' | 'TIER2')[];
  values: ValueInput[];
}

const PRODUCT_SELECTION = `id status version vendor { id }
  capabilities { tiers { configsLevel }
    subscription { hold scheduling { purchase change suspend resume cancel } } }
  items(version: $version) { id mpn type precision }
  parameters(version: $version) { name scope phase constraints { required } }
  templates(version: $version) { id type scope }`;

interface RawProduct {
  id: string;
  status: ProductFacts['status'];
  version: number | null;
  vendor: { id: string };
  capabilities: {
    tiers: { configsLevel: number | null };
    subscription: { hold: boolean; scheduling: ProductFacts['scheduling'] };
  };
  items: { id: string; mpn: string; type: ItemFacts['type']; precision: string }[];
  parameters: { name: string; scope: string; phase: string; constraints: { required: boolean } }[];
  templates: { id: string; type: string; scope: string }[];
}

function facts(p: RawProduct): ProductFacts {
  return {
    id: p.id,
    status: p.status,
    version: p.version,
    vendor: p.vendor.id,
    configsLevel: p.capabilities.tiers.configsLevel,
    hold: p.capabilities.subscription.hold,
    scheduling: p.capabilities.subscription.scheduling,
    items: p.items.map((i) => ({ ...i, precision: storedEnum<Precision>(i.precision) })),
    parameters: p.parameters.map((x) => ({ ...x, required: x.constraints.required })),
    templates: p.templates,
  };
}

/** The questions, as an interface: the gateway answers them in production (GatewayPeers). */
export interface Peers {
  product(id: string, version: number | null, requestId?: string): Promise<ProductFacts | null>;
  salesChannel(
    q: { product: string; vendor: string; marketplace: string; provider: string },
    requestId?: string,
  ): Promise<{ listings: ListingFact[]; paths: PathFact[] }>;
  checkParams(
    product: string,
    version: number | null,
    groups: CheckGroup[],
    requestId?: string,
  ): Promise<ParamCheck[][]>;
  render(template: string, values: ValueInput[], requestId?: string): Promise<string>;
}

export class GatewayPeers implements Peers {
  constructor(private readonly services: ServiceClient) {}

  /** The product as of `version` (omitted: the latest published), or null when it does not exist. */
  async product(id: string, version: number | null, requestId?: string): Promise<ProductFacts | null> {
    const data = await this.services.query<{ product: RawProduct | null }>(
      `query RequestsProduct($id: ID!, $version: Int) { product(id: $id) { ${PRODUCT_SELECTION} } }`,
      { id, version },
      requestId,
    );
    return data.product ? facts(data.product) : null;
  }

  /** What a purchase needs to know about where it is sold: the product's listings and the caller's paths. */
  async salesChannel(
    q: { product: string; vendor: string; marketplace: string; provider: string },
    requestId?: string,
  ): Promise<{ listings: ListingFact[]; paths: PathFact[] }> {
    const data = await this.services.query<{
      listings: { edges: { node: { marketplace: { id: string }; contract: { id: string } } }[] };
      distributionPaths: {
        distributionContract: { id: string; distributor: { id: string }; marketplace: { id: string } | null };
      }[];
    }>(
      `query RequestsSalesChannel($product: ID!, $marketplace: ID!, $vendor: ID!, $provider: ID) {
        listings(first: ${MAX_LISTINGS}, filter: { product: $product, status: LISTED }) {
          edges { node { marketplace { id } contract { id } } } }
        distributionPaths(vendor: $vendor, marketplace: $marketplace, provider: $provider) {
          distributionContract { id distributor { id } marketplace { id } } } }`,
      q,
      requestId,
    );
    return {
      listings: data.listings.edges.map((e) => ({
        marketplace: e.node.marketplace.id,
        contract: e.node.contract.id,
      })),
      paths: data.distributionPaths.map((p) => ({
        distribution: p.distributionContract.id,
        distributor: p.distributionContract.distributor.id,
        marketplace: p.distributionContract.marketplace?.id ?? q.marketplace,
      })),
    };
  }

  /** Checks several groups of values in one call (products' validateParameterValues). */
  async checkParams(
    product: string,
    version: number | null,
    groups: CheckGroup[],
    requestId?: string,
  ): Promise<ParamCheck[][]> {
    if (groups.length === 0) return [];
    const vars: Record<string, unknown> = { product, version };
    const decl = ['$product: ID!', '$version: Int'];
    const parts = groups.map((g, i) => {
      vars[`v${i}`] = g.values;
      decl.push(`$v${i}: [ParameterValueInput!]!`);
      return `g${i}: validateParameterValues(product: $product, version: $version, phase: ${g.phase},
        scopes: [${g.scopes.join(', ')}], values: $v${i}) { name valid error }`;
    });
    const data = await this.services.query<Record<string, ParamCheck[]>>(
      `query RequestsCheckParams(${decl.join(', ')}) { ${parts.join('\n')} }`,
      vars,
      requestId,
    );
    return groups.map((_, i) => data[`g${i}`] ?? []);
  }

  async render(template: string, values: ValueInput[], requestId?: string): Promise<string> {
    const data = await this.services.query<{ renderTemplate: string | null }>(
      `query RequestsRender($id: ID!, $values: [ParameterValueInput!]!) { renderTemplate(id: $id, values: $values) }`,
      { id: template, values },
      requestId,
    );
    if (typeof data?.renderTemplate !== 'string') {
      throw new DomainError('INTERNAL', `template ${template} could not be rendered`);
    }
    return data.renderTemplate;
  }
}
