// Demo orders, made through the API as the parties would: Globex and Initech each buy one product listed
// to them for two customers; the vendor fills the fulfillment values and approves the first, the second
// stays pending for the walk-through. Kept small: every seeded test stack runs it.
// Idempotent: tier accounts and purchases carry idempotency keys, and only pending steps are taken.
import type { SeedContext } from './context.js';
import { DEMO, DEMO_TOKENS } from './demo-data.js';

type Role = keyof typeof DEMO;

export interface ListedProduct {
  id: string;
  vendor: { id: string };
  items: { id: string; type: string }[];
  parameters: {
    name: string;
    type: string;
    phase: string;
    scope: string;
    constraints: { required: boolean; choices: { value: string }[] };
  }[];
  templates: { id: string; type: string; scope: string }[];
  capabilities: { subscription: { hold: boolean }; tiers: { configsLevel: number | null } };
}

const roleOf = (account: string): Role | null => {
  const token = DEMO_TOKENS.find((t) => t.account === account);
  if (!token) return null;
  const entry = Object.entries(DEMO).find(([, v]) => v.startsWith(`${token.id}:`));
  return (entry?.[0] as Role) ?? null;
};

export async function listed(ctx: SeedContext, role: Role, marketplace: string): Promise<ListedProduct[]> {
  const d = await ctx.as<{ listings: { edges: { node: { product: ListedProduct } }[] } }>(
    role,
    `query($m: ID!) { listings(first: 20, filter: { marketplace: $m, status: LISTED }) { edges { node { product {
      id vendor { id } items { id type } parameters { name type phase scope constraints { required choices { value } } }
      templates { id type scope } capabilities { subscription { hold } tiers { configsLevel } } } } } } }`,
    { m: marketplace },
  );
  // Products needing tier configs are left to the walk-through: their orders wait for the vendor.
  return d.listings.edges.map((e) => e.node.product).filter((p) => !p.capabilities.tiers.configsLevel);
}

export async function customer(ctx: SeedContext, role: Role, name: string): Promise<string> {
  const d = await ctx.as<{ createTierAccount: { tierAccount: { id: string } } }>(
    role,
    'mutation($i: CreateTierAccountInput!) { createTierAccount(input: $i) { tierAccount { id } } }',
    { i: { type: 'CUSTOMER', name, idempotencyKey: `demo-${name}` } },
  );
  return d.createTierAccount.tierAccount.id;
}

/**
 * A plausible value of a parameter's type (products checks each against its definition), made from
 * `tag`; also what the REST tests order with (tests/support/rest.ts).
 */
export function sampleValue(
  p: { type: string; constraints: { choices: { value: string }[] } },
  tag: string,
): string {
  const slug = tag.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  switch (p.type) {
    case 'DOMAIN':
      return `${slug}.example.com`;
    case 'SUBDOMAIN':
      return slug;
    case 'EMAIL':
      return `admin@${slug}.example.com`;
    case 'URL':
      return `https://${slug}.example.com`;
    case 'PHONE':
      return '+1 555 0100';
    case 'CHECKBOX':
      return p.constraints.choices[0]?.value ?? 'true';
    case 'CHOICE':
    case 'DROPDOWN':
      return p.constraints.choices[0]?.value ?? tag;
    case 'ADDRESS':
      return JSON.stringify({
        address_line1: '1 Main St',
        city: 'Springfield',
        postal_code: '12345',
        country: 'US',
      });
    case 'OBJECT':
      return '{}';
    default:
      return tag;
  }
}

const values = (p: ListedProduct, phase: string, tag: string) =>
  p.parameters
    .filter((x) => x.phase === phase && x.scope === 'ASSET' && x.constraints.required)
    .map((x) => ({ name: x.name, value: sampleValue(x, tag) }));

interface Order {
  asset: { id: string; status: string };
  assetRequest: { id: string; status: string };
}

export async function purchase(
  ctx: SeedContext,
  role: Role,
  p: ListedProduct,
  marketplace: string,
  customerId: string,
  key: string,
  tenant: string,
): Promise<Order> {
  const items = p.items.map((i) => (i.type === 'PPU' ? { item: i.id } : { item: i.id, quantity: '10' }));
  const d = await ctx.as<{ createPurchaseRequest: Order }>(
    role,
    `mutation($i: CreatePurchaseRequestInput!) { createPurchaseRequest(input: $i) {
      asset { id status } assetRequest { id status } } }`,
    {
      i: {
        product: p.id,
        marketplace,
        items,
        params: values(p, 'ORDERING', tenant),
        tiers: { customer: customerId },
        idempotencyKey: key,
        externalId: key,
      },
    },
  );
  return d.createPurchaseRequest;
}

export async function approve(
  ctx: SeedContext,
  vendor: Role,
  p: ListedProduct,
  request: string,
): Promise<void> {
  const fulfil = values(p, 'FULFILLMENT', `DEMO-${request.slice(3, 12)}`);
  if (fulfil.length > 0) {
    await ctx.as(
      vendor,
      'mutation($i: UpdateAssetRequestParamsInput!) { updateAssetRequestParams(input: $i) { assetRequest { id } } }',
      { i: { assetRequest: request, params: fulfil } },
    );
  }
  const template = p.templates.find((t) => t.type === 'FULFILLMENT' && t.scope === 'ASSET')?.id ?? null;
  await ctx.as(
    vendor,
    'mutation($i: ApproveAssetRequestInput!) { approveAssetRequest(input: $i) { assetRequest { id } } }',
    { i: { assetRequest: request, template } },
  );
}

export async function seedOrders(ctx: SeedContext): Promise<void> {
  ctx.progress('orders');
  const plans: { role: Role; marketplace: string }[] = [
    { role: 'distributor', marketplace: 'MP-20001' },
    { role: 'reseller', marketplace: 'MP-30001' },
  ];
  for (const plan of plans) {
    // The first orderable product by id, so every seeding picks the same one whatever order listings took.
    const products = (await listed(ctx, plan.role, plan.marketplace))
      .filter(
        (p) =>
          roleOf(p.vendor.id) && p.templates.some((t) => t.type === 'FULFILLMENT' && t.scope === 'ASSET'),
      )
      .sort((a, b) => a.id.localeCompare(b.id))
      .slice(0, 1);
    for (const [pi, p] of products.entries()) {
      const vendor = roleOf(p.vendor.id)!;
      for (let n = 1; n <= 2; n++) {
        const name = `${plan.role} customer ${pi + 1}-${n}`;
        const c = await customer(ctx, plan.role, name);
        const key = `demo-${plan.role}-${pi}-${n}`;
        // Seeded before: the customer has its asset already (the purchase would return it, uncounted).
        const had = await ctx.as<{ assets: { totalCount: number } }>(
          plan.role,
          'query($c: ID!) { assets(filter: { customer: $c }) { totalCount } }',
          { c },
        );
        if (had.assets.totalCount > 0) continue;
        const o = await purchase(ctx, plan.role, p, plan.marketplace, c, key, `tenant-${pi}-${n}`);
        ctx.created++;
        // The second order stays pending, for the vendor to process.
        if (n < 2 && o.assetRequest.status === 'PENDING') await approve(ctx, vendor, p, o.assetRequest.id);
      }
    }
  }
}
