// Helpers for end-to-end tests of the order flow: a product built and listed through the products API,
// tier accounts, purchases and request actions, each returning what the test needs next.
import type { GqlError } from './partners.js';
import type { TestStack } from './stack.js';

export interface ProductSpec {
  name: string;
  configsLevel?: number | null;
  hold?: boolean;
  scheduling?: Partial<Record<'purchase' | 'change' | 'suspend' | 'resume' | 'cancel', boolean>>;
  /** the distribution contract to list it on; omitted: not listed */
  listOn?: { contract: string; distributor: string } | null;
}

export interface BuiltProduct {
  id: string;
  users: string;
  ppu: string;
  assetTemplate: string;
  tierTemplate: string;
}

const REQUEST = `id type status reason activationKey answered
  params { name value valueError } items { mpn quantity oldQuantity }
  asset { id status activatedAt terminatedAt items { mpn quantity } }
  tierConfigRequest { id status }`;

export interface RequestView {
  id: string;
  type: string;
  status: string;
  reason: string | null;
  activationKey: string | null;
  answered: boolean;
  params: { name: string; value: string | null; valueError: string | null }[];
  items: { mpn: string; quantity: string; oldQuantity: string | null }[];
  asset: {
    id: string;
    status: string;
    activatedAt: string | null;
    terminatedAt: string | null;
    items: { mpn: string; quantity: string }[];
  } | null;
  tierConfigRequest: { id: string; status: string } | null;
}

/** Every mutation takes `input: <Mutation>Input!` (docs/conventions.md). */
/** The payload field of a request mutation: the request it changed (docs/conventions.md). */
const payloadField = (mutation: string) =>
  mutation.endsWith('TierConfigRequest') ? 'tierConfigRequest' : 'assetRequest';
const inputType = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}Input`;

export class OrdersApi {
  constructor(private readonly t: TestStack) {}

  ok<T = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}) {
    return this.t.queryOk<T>(token, query, variables);
  }

  async error(token: string, query: string, variables: Record<string, unknown> = {}): Promise<GqlError> {
    const r = await this.t.query(token, query, variables);
    const e = r.errors?.[0];
    if (!e) throw new Error(`expected an error, got ${JSON.stringify(r.data)}`);
    return {
      code: String(e.extensions?.code),
      message: e.message,
      ...(e.extensions?.field ? { field: String(e.extensions.field) } : {}),
      ...(e.extensions?.currentStatus ? { currentStatus: String(e.extensions.currentStatus) } : {}),
    };
  }

  private async mutate<T>(token: string, name: string, input: Record<string, unknown>, selection: string) {
    const type = inputType(name);
    const d = await this.ok<Record<string, T>>(
      token,
      `mutation($input: ${type}!) { ${name}(input: $input) { ${selection} } }`,
      { input },
    );
    return d[name]!;
  }

  /** A published product with a reservation and a pay-per-use item, S2's parameters and two templates. */
  async product(vendor: string, spec: ProductSpec): Promise<BuiltProduct> {
    const p = await this.mutate<{ product: { id: string } }>(
      vendor,
      'createProduct',
      { name: spec.name },
      'product { id }',
    );
    const product = p.product.id;
    await this.mutate(
      vendor,
      'updateProductCapabilities',
      {
        product,
        ppu: { schema: 'QT' },
        tiers: { configsLevel: spec.configsLevel ?? null },
        subscription: { hold: spec.hold ?? true, scheduling: spec.scheduling ?? {} },
      },
      'product { id }',
    );
    const item = async (input: Record<string, unknown>) =>
      (
        await this.mutate<{ item: { id: string } }>(
          vendor,
          'createItem',
          { product, ...input },
          'item { id }',
        )
      ).item.id;
    const users = await item({
      mpn: 'MPN-USERS',
      name: 'Users',
      type: 'RESERVATION',
      period: 'MONTHLY',
      precision: 'INTEGER',
      unit: 'users',
    });
    const ppu = await item({
      mpn: 'MPN-PPU',
      name: 'Compute',
      type: 'PPU',
      period: 'MONTHLY',
      precision: 'DECIMAL_2',
      unit: 'unit-h',
    });
    const param = (name: string, phase: string, scope: string) =>
      this.mutate(
        vendor,
        'createParameter',
        { product, name, title: name, type: 'TEXT', phase, scope, constraints: { required: true } },
        'parameter { id }',
      );
    await param('tenant_name', 'ORDERING', 'ASSET');
    await param('license_key', 'FULFILLMENT', 'ASSET');
    if (spec.configsLevel) await param('reseller_id', 'ORDERING', 'TIER1');
    const template = async (scope: string, body: string) =>
      (
        await this.mutate<{ template: { id: string } }>(
          vendor,
          'createTemplate',
          { product, title: `${scope} activation`, body, scope, type: 'FULFILLMENT' },
          'template { id }',
        )
      ).template.id;
    const assetTemplate = await template('ASSET', 'Key {{ license_key }} for {{ tenant_name }}');
    const tierTemplate = await template('TIER1', 'Reseller {{ reseller_id }} set up');
    await this.mutate(vendor, 'createProductVersion', { product }, 'product { id }');
    if (spec.listOn) await this.list(vendor, product, spec.listOn.contract, spec.listOn.distributor);
    return { id: product, users, ppu, assetTemplate, tierTemplate };
  }

  async list(vendor: string, product: string, contract: string, distributor: string): Promise<void> {
    const lr = await this.mutate<{ listingRequest: { id: string } }>(
      vendor,
      'createListingRequest',
      { type: 'NEW', product, contract },
      'listingRequest { id }',
    );
    const id = lr.listingRequest.id;
    await this.mutate(vendor, 'submitListingRequest', { listingRequest: id }, 'listingRequest { id }');
    await this.mutate(distributor, 'deployListingRequest', { listingRequest: id }, 'listingRequest { id }');
    await this.mutate(
      distributor,
      'completeListingRequest',
      { listingRequest: id },
      'listingRequest { status }',
    );
  }

  async tierAccount(provider: string, type: 'CUSTOMER' | 'RESELLER', name: string): Promise<string> {
    const d = await this.mutate<{ tierAccount: { id: string } }>(
      provider,
      'createTierAccount',
      { type, name },
      'tierAccount { id }',
    );
    return d.tierAccount.id;
  }

  purchaseQuery = `mutation($input: CreatePurchaseRequestInput!) { createPurchaseRequest(input: $input) {
    asset { id status } request: assetRequest { ${REQUEST} } } }`;

  async purchase(provider: string, input: Record<string, unknown>) {
    const d = await this.ok<{
      createPurchaseRequest: { asset: { id: string; status: string }; request: RequestView };
    }>(provider, this.purchaseQuery, { input });
    return d.createPurchaseRequest;
  }

  /**
   * A purchase by `provider` that `vendor` fulfils (license_key) and approves at once: the ACTIVE asset's
   * id. The product is one of `product()`'s, its tier configurations (if any) already set up.
   */
  async activeAsset(
    provider: string,
    vendor: string,
    o: {
      product: BuiltProduct;
      marketplace: string;
      tiers: Record<string, string>;
      tenant?: string;
      items?: { item: string; quantity?: string }[];
    },
  ): Promise<string> {
    const { asset, request } = await this.purchase(provider, {
      product: o.product.id,
      marketplace: o.marketplace,
      items: o.items ?? [{ item: o.product.users, quantity: '1' }],
      params: [{ name: 'tenant_name', value: o.tenant ?? 'acme' }],
      tiers: o.tiers,
    });
    if (request.status !== 'PENDING')
      throw new Error(`purchase ${request.id} is ${request.status}, not PENDING`);
    await this.request(vendor, 'updateAssetRequestParams', {
      assetRequest: request.id,
      params: [{ name: 'license_key', value: 'LK' }],
    });
    await this.request(vendor, 'approveAssetRequest', {
      assetRequest: request.id,
      template: o.product.assetTemplate,
    });
    return asset.id;
  }

  /** An asset request mutation (`createChangeRequest`, `approveAssetRequest`, …) returning the request. */
  async request(token: string, mutation: string, input: Record<string, unknown>): Promise<RequestView> {
    return (
      await this.mutate<{ assetRequest: RequestView }>(token, mutation, input, `assetRequest { ${REQUEST} }`)
    ).assetRequest;
  }

  requestError(token: string, mutation: string, input: Record<string, unknown>) {
    const type = inputType(mutation);
    return this.error(
      token,
      `mutation($input: ${type}!) { ${mutation}(input: $input) { ${payloadField(mutation)} { id } } }`,
      {
        input,
      },
    );
  }

  async tcr(token: string, mutation: string, input: Record<string, unknown>) {
    return (
      await this.mutate<{ tierConfigRequest: { id: string; status: string; activationText: string | null } }>(
        token,
        mutation,
        input,
        'tierConfigRequest { id status activationText configuration { id status } }',
      )
    ).tierConfigRequest;
  }
}
