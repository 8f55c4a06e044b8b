// Price list writes: create one per product and marketplace, add a draft version, activate a version.
// Tenancy: the vendor, the marketplace's distributor and its resellers see the list (resellers without
// cost, resolvers/price-lists.ts); recomputed on every activation so a reseller that joined since sees it.
import { badInput, conflict, type Identity, newId, notFound } from '@daas/kit';
import { activate, assertManages, newVersion, parseCurrency, parsePoints } from '../domain/price-lists.js';
import type { BillingEnv } from '../env.js';
import type { PriceListDoc } from '../models/index.js';
import { actorOf } from './actors.js';

async function aclOf(env: BillingEnv, vendor: string, marketplace: string) {
  const mp = await env.peers.marketplace(marketplace);
  if (!mp) throw notFound('Marketplace', marketplace);
  return { distributor: mp.owner, acl: [...new Set([vendor, mp.owner, ...mp.resellers])] };
}

export async function createPriceList(
  env: BillingEnv,
  identity: Identity,
  input: { product: string; marketplace: string; currency: string; name: string },
): Promise<PriceListDoc> {
  const currency = parseCurrency(input.currency, 'input.currency');
  const product = await env.peers.product(input.product);
  // a product the vendor cannot see and one of another vendor are answered alike
  if (!product || product.vendor !== identity.accountId) throw notFound('Product', input.product);
  const { distributor, acl } = await aclOf(env, identity.accountId, input.marketplace);
  const existing = await env.models.PriceList.exists({
    product: input.product,
    marketplace: input.marketplace,
  });
  if (existing)
    throw conflict(`product ${input.product} has a price list in marketplace ${input.marketplace}`);
  const { doc } = await env.write.PriceList.create({
    doc: {
      _id: newId('priceList'),
      product: input.product,
      marketplace: input.marketplace,
      vendor: identity.accountId,
      distributor,
      currency,
      name: input.name,
      versions: [],
      _acl: acl,
    },
    newId: () => newId('priceList'),
    actor: actorOf(identity),
  });
  return doc;
}

export async function createPriceListVersion(
  env: BillingEnv,
  identity: Identity,
  list: PriceListDoc,
  points: { item: string; cost: string; price: string; msrp?: string | null }[],
): Promise<PriceListDoc> {
  assertManages(identity, list);
  const product = await env.peers.product(list.product);
  if (!product) throw notFound('Product', list.product);
  const parsed = parsePoints(points, new Set(product.items.map((i) => i.id)));
  const now = env.clock.now();
  return env.write.PriceList.change({
    id: list._id,
    actor: actorOf(identity),
    decide: (doc) => {
      const version = newVersion(doc, parsed, now);
      return { kind: 'version_created', set: { versions: [...doc.versions, version] } };
    },
  });
}

export async function activatePriceListVersion(
  env: BillingEnv,
  identity: Identity,
  list: PriceListDoc,
  number: number,
  effectiveDate: Date | null,
): Promise<PriceListDoc> {
  assertManages(identity, list);
  if (!Number.isInteger(number) || number < 1) throw badInput('input.version', 'a version number (1, 2, …)');
  const now = env.clock.now();
  const effectiveAt = effectiveDate ?? now;
  const { acl } = await aclOf(env, list.vendor, list.marketplace);
  return env.write.PriceList.change({
    id: list._id,
    actor: actorOf(identity),
    decide: (doc) => ({
      kind: 'version_activated',
      set: { versions: activate(doc, number, effectiveAt, now), _acl: acl },
    }),
  });
}
