// Helpers for end-to-end tests of the product flow: a small contract network built through the partners
// API, and short wrappers for the products mutations (each returns what the test needs next).
import { expect } from 'vitest';
import { PartnersApi, type Party } from './partners.js';
import type { TestStack } from './stack.js';

export interface Network {
  distributor: Party;
  vendor: Party;
  /** a vendor with no contract at all */
  stranger: Party;
  reseller: Party;
  hub: string;
  /** the distributor's marketplaces: the vendor holds an active distribution contract in both */
  marketplace: string;
  marketplace2: string;
  contract: string;
  contract2: string;
  /** a distribution contract of the vendor still PENDING (submitted, not approved), in a third marketplace */
  pendingContract: string;
  resellerMarketplace: string;
}

/**
 * D (hub, three marketplaces, program + three distribution agreements), V (program terms signed, active in
 * two marketplaces, pending in the third), R (service terms signed, syndicating D into its own marketplace),
 * and a vendor with nothing.
 */
export async function buildNetwork(api: PartnersApi, tag: string): Promise<Network> {
  const [distributor, vendor, stranger, reseller] = await Promise.all([
    api.account('DISTRIBUTOR', `${tag} Distribution`),
    api.account('VENDOR', `${tag} Software`),
    api.account('VENDOR', `${tag} Stranger`),
    api.account('RESELLER', `${tag} Resellers`),
  ]);
  const hub = await api.hub(distributor, `${tag} Hub`);
  const [marketplace, marketplace2, marketplace3] = await Promise.all([
    api.marketplace(distributor, `${tag} US`, [hub]),
    api.marketplace(distributor, `${tag} EU`, [hub], 'EUR', ['DE']),
    api.marketplace(distributor, `${tag} APAC`, [hub], 'AUD', ['AU']),
  ]);
  const program = await api.agreement(distributor, { type: 'PROGRAM' });
  const [agd, agd2, agd3, service] = await Promise.all([
    api.agreement(distributor, { type: 'DISTRIBUTION', parent: program, marketplace }),
    api.agreement(distributor, { type: 'DISTRIBUTION', parent: program, marketplace: marketplace2 }),
    api.agreement(distributor, { type: 'DISTRIBUTION', parent: program, marketplace: marketplace3 }),
    api.agreement(distributor, { type: 'SERVICE' }),
  ]);
  const syndicationAgreement = await api.agreement(distributor, { type: 'SYNDICATION', parent: service });
  await api.masterTerms(distributor, program, vendor);
  const [c1, c2] = await Promise.all([
    api.distribution(vendor, agd, distributor),
    api.distribution(vendor, agd2, distributor),
  ]);
  const pending = await api.contract(vendor, 'enrollDistributionAgreement', { agreement: agd3 });
  await api.contract(vendor, 'submitContractEnrollment', { contract: pending.id, form: [] });
  await api.masterTerms(distributor, service, reseller, 'Service');
  const resellerHub = await api.hub(reseller, `${tag} Reseller Hub`);
  const resellerMarketplace = await api.marketplace(reseller, `${tag} Reseller Market`, [resellerHub]);
  await api.syndication(reseller, syndicationAgreement, resellerMarketplace, distributor);
  return {
    distributor,
    vendor,
    stranger,
    reseller,
    hub,
    marketplace,
    marketplace2,
    contract: c1.id,
    contract2: c2.id,
    pendingContract: pending.id,
    resellerMarketplace,
  };
}

export class ProductsApi {
  constructor(
    readonly t: TestStack,
    readonly partners: PartnersApi,
  ) {}

  ok<T = Record<string, unknown>>(
    who: Party | string,
    query: string,
    variables: Record<string, unknown> = {},
  ) {
    return this.partners.ok<T>(who, query, variables);
  }

  error(who: Party | string, query: string, variables: Record<string, unknown> = {}) {
    return this.partners.error(who, query, variables);
  }

  /** Runs `mutation(input)` and returns the payload's `field`. */
  async run<T = { id: string; status?: string }>(
    who: Party | string,
    mutation: string,
    input: Record<string, unknown>,
    selection = 'id',
  ): Promise<T> {
    const type = inputType(mutation);
    const d = await this.ok<Record<string, Record<string, T>>>(
      who,
      `mutation($input: ${type}!) { ${mutation}(input: $input) { ${payloadField(mutation)} { ${selection} } } }`,
      { input },
    );
    return d[mutation]![payloadField(mutation)]!;
  }

  /** The error of `mutation(input)`, expected to fail. */
  fail(who: Party | string, mutation: string, input: Record<string, unknown>) {
    const type = inputType(mutation);
    return this.error(who, `mutation($input: ${type}!) { ${mutation}(input: $input) { __typename } }`, {
      input,
    });
  }

  product(who: Party, name: string) {
    return this.run<{ id: string; status: string }>(who, 'createProduct', { name }, 'id status');
  }

  item(who: Party, product: string, fields: Record<string, unknown>) {
    return this.run<{ id: string; status: string }>(who, 'createItem', { product, ...fields }, 'id status');
  }

  parameter(who: Party, product: string, fields: Record<string, unknown>) {
    return this.run(who, 'createParameter', { product, ...fields });
  }

  template(who: Party, product: string, fields: Record<string, unknown>) {
    return this.run(who, 'createTemplate', { product, ...fields });
  }

  async publish(who: Party, product: string) {
    const d = await this.ok<{ createProductVersion: { product: { status: string; version: number } } }>(
      who,
      'mutation($p: ID!) { createProductVersion(input: { product: $p }) { product { status version } } }',
      { p: product },
    );
    return d.createProductVersion.product;
  }

  listingRequest(who: Party, input: Record<string, unknown>) {
    return this.run<{ id: string; status: string; listing: { id: string; status: string } }>(
      who,
      'createListingRequest',
      input,
      'id status listing { id status }',
    );
  }

  step(who: Party, verb: 'submit' | 'deploy' | 'complete' | 'cancel' | 'delete', request: string) {
    return this.run<{ id: string; status: string; listing: { id: string; status: string } }>(
      who,
      `${verb}ListingRequest`,
      { listingRequest: request },
      'id status listing { id status pendingRequest { id } }',
    );
  }

  /** A published product with one monthly reservation item, listed in `contract`'s marketplace. */
  async listed(n: Network, name: string, contract = n.contract) {
    const p = await this.product(n.vendor, name);
    await this.item(n.vendor, p.id, {
      mpn: `${name}-SEAT`,
      name: 'Seat',
      type: 'RESERVATION',
      period: 'MONTHLY',
      precision: 'INTEGER',
      unit: 'users',
    });
    await this.publish(n.vendor, p.id);
    const r = await this.listingRequest(n.vendor, { type: 'NEW', product: p.id, contract });
    await this.step(n.vendor, 'submit', r.id);
    await this.step(n.distributor, 'deploy', r.id);
    await this.step(n.distributor, 'complete', r.id);
    return { product: p.id, listing: r.listing.id };
  }

  /** Ids visible to `who` in the catalog, with a filter. */
  async catalog(
    who: Party | string,
    filter: Record<string, unknown> = {},
    orderBy?: Record<string, unknown>,
  ) {
    const d = await this.ok<{ products: { totalCount: number; edges: { node: { id: string } }[] } }>(
      who,
      'query($f: ProductFilter, $o: ProductOrder) { products(first: 500, filter: $f, orderBy: $o) { totalCount edges { node { id } } } }',
      { f: filter, o: orderBy ?? null },
    );
    expect(d.products.totalCount, 'totalCount').toBe(d.products.edges.length);
    return d.products.edges.map((e) => e.node.id);
  }
}

/** Every mutation takes `input: <Mutation>Input!` (docs/conventions.md). */
const inputType = (mutation: string) => `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;

function payloadField(mutation: string): string {
  if (mutation === 'createProductVersion') return 'product';
  if (/^delete(Item|Parameter|Template|Product)$/.test(mutation)) return 'product';
  if (/Product(Sale|Capabilities)?$/.test(mutation)) return 'product';
  if (/Item(Sale)?$/.test(mutation)) return 'item';
  if (/Parameter$/.test(mutation)) return 'parameter';
  if (/Template$/.test(mutation)) return 'template';
  if (/ListingRequest$/.test(mutation)) return 'listingRequest';
  throw new Error(`no payload field known for ${mutation}`);
}

export { PartnersApi, type Party };
