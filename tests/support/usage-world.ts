// What a usage report needs, built through the public API from nothing: a distributor with a marketplace,
// a vendor with an active distribution contract there, a pay-as-you-go product (QT) listed in that
// marketplace, and active assets of it bought by the distributor. Used by the usage e2e tests and bench.
import { PartnersApi, type Party } from './partners.js';
import type { TestStack } from './stack.js';

export interface UsageWorld {
  api: PartnersApi;
  distributor: Party;
  vendor: Party;
  /** another vendor, with nothing */
  stranger: Party;
  reseller: Party;
  marketplace: string;
  contract: string;
  product: string;
  /** the PPU item's MPN and id */
  mpn: string;
  itemId: string;
  /** ACTIVE assets of the product in the marketplace, with ordering parameter subscription_id = sub-<n> */
  assets: string[];
  /** a second product of the vendor without pay-as-you-go, listed too */
  plainProduct: string;
  /** an asset of the plain product */
  plainAsset: string;
}

export async function buildUsageWorld(
  t: TestStack,
  operator: string,
  tag: string,
  assetCount = 2,
): Promise<UsageWorld> {
  const api = new PartnersApi(t, operator);
  const [distributor, vendor, stranger, reseller] = await Promise.all([
    api.account('DISTRIBUTOR', `${tag} Distribution`),
    api.account('VENDOR', `${tag} Software`),
    api.account('VENDOR', `${tag} Stranger`),
    api.account('RESELLER', `${tag} Resellers`),
  ]);
  const hub = await api.hub(distributor, `${tag} Hub`);
  const marketplace = await api.marketplace(distributor, `${tag} US`, [hub]);
  const program = await api.agreement(distributor, { type: 'PROGRAM' });
  const agd = await api.agreement(distributor, { type: 'DISTRIBUTION', parent: program, marketplace });
  await api.masterTerms(distributor, program, vendor);
  const contract = (await api.distribution(vendor, agd, distributor)).id;

  const run = async <T>(
    who: Party,
    mutation: string,
    inputType: string,
    input: Record<string, unknown>,
    selection: string,
  ) =>
    (
      await api.ok<Record<string, T>>(
        who,
        `mutation($input: ${inputType}!) { ${mutation}(input: $input) { ${selection} } }`,
        { input },
      )
    )[mutation]!;

  async function listedProduct(name: string, ppu: boolean) {
    const product = (
      await run<{ product: { id: string } }>(
        vendor,
        'createProduct',
        'CreateProductInput',
        { name },
        'product { id }',
      )
    ).product.id;
    if (ppu) {
      await run(
        vendor,
        'updateProductCapabilities',
        'UpdateProductCapabilitiesInput',
        { product, ppu: { schema: 'QT', dynamic: false } },
        'product { id }',
      );
    }
    const item = (
      await run<{ item: { id: string; mpn: string } }>(
        vendor,
        'createItem',
        'CreateItemInput',
        {
          product,
          mpn: ppu ? `${tag}-PPU` : `${tag}-SEAT`,
          name: ppu ? 'Storage' : 'Seat',
          type: ppu ? 'PPU' : 'RESERVATION',
          period: 'MONTHLY',
          precision: ppu ? 'DECIMAL_2' : 'INTEGER',
          unit: ppu ? 'GB' : 'seat',
        },
        'item { id mpn }',
      )
    ).item;
    await run(
      vendor,
      'createParameter',
      'CreateParameterInput',
      {
        product,
        name: 'subscription_id',
        title: 'Subscription',
        type: 'TEXT',
        scope: 'ASSET',
        phase: 'ORDERING',
        constraints: { reconciliation: true },
      },
      'parameter { id }',
    );
    const template = (
      await run<{ template: { id: string } }>(
        vendor,
        'createTemplate',
        'CreateTemplateInput',
        { product, title: 'Welcome', body: 'Welcome', type: 'FULFILLMENT' },
        'template { id }',
      )
    ).template.id;
    await run(vendor, 'createProductVersion', 'CreateProductVersionInput', { product }, 'product { id }');
    const request = (
      await run<{ listingRequest: { id: string } }>(
        vendor,
        'createListingRequest',
        'CreateListingRequestInput',
        { type: 'NEW', product, contract },
        'listingRequest { id }',
      )
    ).listingRequest.id;
    await run(
      vendor,
      'submitListingRequest',
      'ListingRequestActionInput',
      { listingRequest: request },
      'listingRequest { id }',
    );
    await run(
      distributor,
      'deployListingRequest',
      'ListingRequestActionInput',
      { listingRequest: request },
      'listingRequest { id }',
    );
    await run(
      distributor,
      'completeListingRequest',
      'ListingRequestActionInput',
      { listingRequest: request },
      'listingRequest { id }',
    );
    return { product, item, template };
  }

  const ppu = await listedProduct(`${tag} Metered Storage`, true);
  const plain = await listedProduct(`${tag} Seats`, false);
  const customer = (
    await run<{ tierAccount: { id: string } }>(
      distributor,
      'createTierAccount',
      'CreateTierAccountInput',
      { type: 'CUSTOMER', name: `${tag} Customer` },
      'tierAccount { id }',
    )
  ).tierAccount.id;

  async function activeAsset(p: typeof ppu, n: number, quantity?: string) {
    const bought = await run<{ asset: { id: string }; request: { id: string } }>(
      distributor,
      'createPurchaseRequest',
      'CreatePurchaseRequestInput',
      {
        product: p.product,
        marketplace,
        items: [{ item: p.item.id, ...(quantity ? { quantity } : {}) }],
        params: [{ name: 'subscription_id', value: `sub-${n}` }],
        tiers: { customer },
      },
      'asset { id } request { id }',
    );
    await run(
      vendor,
      'approveAssetRequest',
      'ApproveAssetRequestInput',
      { request: bought.request.id, template: p.template },
      'request { id }',
    );
    return bought.asset.id;
  }
  const assets: string[] = [];
  for (let n = 1; n <= assetCount; n++) assets.push(await activeAsset(ppu, n));
  const plainAsset = await activeAsset(plain, 1, '1');
  return {
    api,
    distributor,
    vendor,
    stranger,
    reseller,
    marketplace,
    contract,
    product: ppu.product,
    mpn: ppu.item.mpn,
    itemId: ppu.item.id,
    assets,
    plainProduct: plain.product,
    plainAsset,
  };
}
