// Billing demo data, through the API as Acme's vendor would: a price list for each of Acme's products in
// Globex US (MP-20001, where the demo assets are), one version with a point per item, active since
// 2020 (the first version of a list may reach back: nothing was priced before it). So `npm start` bills
// the demo assets (recurring items per period, pay-as-you-go usage per unit) from its first tick.
import type { SeedContext } from './context.js';

const MARKETPLACE = 'MP-20001';
const ACME_PRODUCTS = ['PRD-100-000-001', 'PRD-100-000-002', 'PRD-100-000-003'];

/** A round price per item, by how it is billed: [cost, price, msrp]. */
function pointOf(item: { type: string; period: string }): [string, string, string] {
  if (item.type === 'PPU') return ['0.05', '0.08', '0.10'];
  if (item.period === 'YEARLY') return ['96.00', '120.00', '144.00'];
  if (item.period === 'MONTHLY') return ['8.00', '10.00', '12.00'];
  return ['40.00', '50.00', '60.00'];
}

export async function seedBilling(ctx: SeedContext): Promise<void> {
  ctx.progress('price lists');
  for (const product of ACME_PRODUCTS) {
    const existing = await ctx.as<{ priceLists: { edges: { node: { id: string } }[] } }>(
      'vendor',
      'query($p: ID!, $m: ID!) { priceLists(first: 1, filter: { product: $p, marketplace: $m }) { edges { node { id } } } }',
      { p: product, m: MARKETPLACE },
    );
    if (existing.priceLists.edges.length > 0) continue; // seeded before
    const p = await ctx.as<{
      product: { name: string; items: { id: string; type: string; period: string }[] } | null;
    }>('vendor', 'query($id: ID!) { product(id: $id) { name items { id type period } } }', { id: product });
    if (!p.product || p.product.items.length === 0) continue;
    const created = await ctx.as<{ createPriceList: { priceList: { id: string } } }>(
      'vendor',
      'mutation($i: CreatePriceListInput!) { createPriceList(input: $i) { priceList { id } } }',
      { i: { product, marketplace: MARKETPLACE, currency: 'USD', name: `${p.product.name} (Globex US)` } },
    );
    const priceList = created.createPriceList.priceList.id;
    const points = p.product.items.map((item) => {
      const [cost, price, msrp] = pointOf(item);
      return { item: item.id, cost, price, msrp };
    });
    await ctx.as(
      'vendor',
      'mutation($i: CreatePriceListVersionInput!) { createPriceListVersion(input: $i) { priceList { id } } }',
      { i: { priceList, points } },
    );
    await ctx.as(
      'vendor',
      'mutation($i: ActivatePriceListVersionInput!) { activatePriceListVersion(input: $i) { priceList { id } } }',
      { i: { priceList, version: 1, effectiveDate: '2020-01-01T00:00:00Z' } },
    );
    ctx.created++;
  }
}
