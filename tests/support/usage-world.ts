// What a usage report needs, built through the public API from nothing: a distributor with a marketplace,
// a vendor with an active distribution contract there, a pay-as-you-go product (QT) listed in that
// marketplace, and active assets of it bought by the distributor. Used by the usage e2e tests and bench.
import { crc32, deflateRawSync } from 'node:zlib';
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
      'SubmitListingRequestInput',
      { listingRequest: request },
      'listingRequest { id }',
    );
    await run(
      distributor,
      'deployListingRequest',
      'DeployListingRequestInput',
      { listingRequest: request },
      'listingRequest { id }',
    );
    await run(
      distributor,
      'completeListingRequest',
      'CompleteListingRequestInput',
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
    const bought = await run<{ asset: { id: string }; assetRequest: { id: string } }>(
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
      'asset { id } assetRequest { id }',
    );
    await run(
      vendor,
      'approveAssetRequest',
      'ApproveAssetRequestInput',
      { assetRequest: bought.assetRequest.id, template: p.template },
      'assetRequest { id }',
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

// The usage file helpers the e2e tests share (through the gateway, as a client would).

/** The current month: the world's assets are active from now, and usage is valid only while they are. */
export function currentPeriod(now = new Date()): { from: string; to: string } {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return {
    from: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))),
    to: day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0))),
  };
}

/** One valid QT row of the world's first asset in `period`. */
export function validRow(
  w: UsageWorld,
  period: { from: string; to: string },
  over: Record<string, string> = {},
) {
  return {
    record_id: 'r-1',
    item_search_criteria: 'item.mpn',
    item_search_value: w.mpn,
    quantity: '12.5',
    start_time_utc: `${period.from} 00:00:00`,
    end_time_utc: `${period.to} 23:59:59`,
    asset_search_criteria: 'asset.id',
    asset_search_value: w.assets[0]!,
    ...over,
  };
}

export interface UsageFileState {
  id: string;
  status: string;
  errorDetail: string | null;
  counts: { processed: number; valid: number; invalid: number };
}

const STATE = 'id status errorDetail counts { processed valid invalid }';

export async function createUsageFile(t: TestStack, w: UsageWorld, period: { from: string; to: string }) {
  const d = await t.queryOk<{ createUsageFile: { usageFile: UsageFileState } }>(
    w.vendor.token,
    `mutation($input: CreateUsageFileInput!) { createUsageFile(input: $input) { usageFile { ${STATE} } } }`,
    { input: { name: 'usage', period, currency: 'USD', product: w.product, contract: w.contract } },
  );
  return d.createUsageFile.usageFile;
}

export async function usageFileState(t: TestStack, token: string, id: string): Promise<UsageFileState> {
  const d = await t.queryOk<{ usageFile: UsageFileState }>(
    token,
    `query($id: ID!) { usageFile(id: $id) { ${STATE} } }`,
    { id },
  );
  return d.usageFile;
}

/** Polls the file until its status is one of `statuses` (a generous deadline: the machine is loaded). */
export async function waitForUsageFile(
  t: TestStack,
  token: string,
  id: string,
  statuses: string[],
  timeoutMs = 90_000,
): Promise<UsageFileState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const f = await usageFileState(t, token, id);
    if (statuses.includes(f.status)) return f;
    if (Date.now() > deadline) throw new Error(`${id} still ${f.status} (${f.errorDetail ?? 'no detail'})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Hostile files, generated in the test (nothing large on disk).

/** A zip of `entries`, each deflated (or stored), with local headers and a central directory. */
export function zipOf(entries: { name: string; data: Buffer; store?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const packed = e.store ? e.data : deflateRawSync(e.data, { level: 9 });
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.store ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(e.store ? 0 : 8, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(packed.length, 20);
    dir.writeUInt32LE(e.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += local.length + name.length + packed.length;
  }
  const size = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

const xml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;');

/**
 * A minimal workbook whose first sheet is `rows` (inline strings); a cell given as a number is that many
 * `A`s, built as bytes (a cell of tens of MB without a string of that size).
 */
export function xlsxOf(rows: (string | number)[][]): Buffer {
  const parts: Buffer[] = [
    Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
    ),
  ];
  const column = (i: number): string =>
    (i < 26 ? '' : column(Math.floor(i / 26) - 1)) + String.fromCharCode(65 + (i % 26));
  rows.forEach((cells, r) => {
    parts.push(Buffer.from(`<row r="${r + 1}">`));
    for (const [i, c] of cells.entries()) {
      parts.push(Buffer.from(`<c r="${column(i)}${r + 1}" t="inlineStr"><is><t>`));
      parts.push(typeof c === 'number' ? Buffer.alloc(c, 'A') : Buffer.from(xml(c)));
      parts.push(Buffer.from('</t></is></c>'));
    }
    parts.push(Buffer.from('</row>'));
  });
  parts.push(Buffer.from('</sheetData></worksheet>'));
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  return zipOf([
    {
      name: 'xl/workbook.xml',
      data: Buffer.from(
        `<?xml version="1.0"?><workbook ${ns} xmlns:r="${rel}"><sheets><sheet name="records" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: Buffer.from(
        `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      ),
    },
    { name: 'xl/sharedStrings.xml', data: Buffer.from(`<?xml version="1.0"?><sst ${ns} count="0"/>`) },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.concat(parts) },
  ]);
}
