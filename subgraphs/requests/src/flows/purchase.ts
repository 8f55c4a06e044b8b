// A purchase: checked with the owners of product and sales channel (through the gateway), then the asset
// (idempotent: by the client's key, or by its external id per provider and marketplace), its tier
// configurations when the product needs them, and its purchase request PR-<asset digits>-001.
import { badInput, childId, conflict, type Identity, isDomainError, newId } from '@daas/kit';
import type { Param, SplitParams } from '../domain/assets.js';
import { salesChannel } from '../domain/sales-channel.js';
import type { RequestEnv } from '../env.js';
import type { AssetDoc, AssetRequestDoc, TierAccountDoc, TierSnapshot } from '../models/index.js';
import type { ParamCheck, ProductFacts } from '../peers.js';
import { actorOf, checkItems, type ItemInput, landed } from './requests.js';
import { settleWaiting, setUpTiers, type TierNeed } from './tiers.js';

export interface PurchaseInput {
  product: string;
  marketplace: string;
  externalId: string | null;
  items: ItemInput[];
  params: { name: string; value: string | null }[];
  /** tier account ids (TA-…): the customer's, and the resellers' when the product needs them */
  tiers: { customer: string; tier1: string | null; tier2: string | null };
  /** already scoped to the caller (see resolvers/common.ts) */
  idempotencyKey: string | undefined;
}

const snapshot = (t: TierAccountDoc | null): TierSnapshot | null =>
  t ? { id: t._id, name: t.name, externalId: t.externalId } : null;

type Tiers = { customer: TierAccountDoc; tier1: TierAccountDoc | null; tier2: TierAccountDoc | null };

/** One of the caller's own active tier accounts of `type`; any other is bad input naming the field. */
async function ownTierAccount(
  env: RequestEnv,
  identity: Identity,
  id: string,
  field: string,
  type: TierAccountDoc['type'],
): Promise<TierAccountDoc> {
  const ta = await env.models.TierAccount.findById(id).lean<TierAccountDoc>();
  if (!ta || ta.owner !== identity.accountId || ta.type !== type)
    throw badInput(field, `no ${type} tier account ${id} of yours`);
  if (ta.status !== 'active') throw badInput(field, `tier account ${id} is decommissioned`);
  return ta;
}

export async function purchase(
  env: RequestEnv,
  identity: Identity,
  requestId: string,
  input: PurchaseInput,
): Promise<{ asset: AssetDoc; request: AssetRequestDoc }> {
  const provider = identity.accountId;
  const reseller = (id: string | null, field: string) =>
    id ? ownTierAccount(env, identity, id, field, 'reseller') : null;
  const tiers: Tiers = {
    customer: await ownTierAccount(env, identity, input.tiers.customer, 'input.tiers.customer', 'customer'),
    tier1: await reseller(input.tiers.tier1, 'input.tiers.tier1'),
    tier2: await reseller(input.tiers.tier2, 'input.tiers.tier2'),
  };
  const product = await env.peers.product(input.product, null, requestId);
  if (!product) throw badInput('input.product', `no product ${input.product}`);
  if (product.status !== 'PUBLISHED' || product.version === null) {
    throw conflict(
      `product ${product.id} is ${product.status}; only published products are sold`,
      product.status,
    );
  }
  const channel = await env.peers.salesChannel(
    { product: product.id, vendor: product.vendor, marketplace: input.marketplace, provider },
    requestId,
  );
  const contract = salesChannel(
    { product: product.id, marketplace: input.marketplace, provider },
    channel.listings,
    channel.paths,
  );
  const items = checkItems(product, input.items, { zero: false, ppuDefault: true });
  if (items.length === 0) throw badInput('input.items', 'a purchase names at least one item');
  const split = await checkOrderingParams(env, requestId, product, input);
  const needs = tierNeeds(product, tiers);

  const assetId = newId('asset');
  const vendor = product.vendor;
  const acl = [...new Set([vendor, provider, contract.distributor])];
  const externalKey = input.externalId ? `${provider}:${input.marketplace}:${input.externalId}` : assetId;
  const first = childId('assetRequest', assetId, 1);
  let asset: AssetDoc;
  try {
    asset = (
      await env.write.Asset.create({
        doc: {
          _id: assetId,
          externalId: input.externalId,
          externalKey,
          status: 'processing',
          productId: product.id,
          productVersion: product.version,
          marketplaceId: input.marketplace,
          contractId: contract.distribution,
          vendor,
          provider,
          customerId: tiers.customer._id,
          tiers: {
            customer: snapshot(tiers.customer),
            tier1: snapshot(tiers.tier1),
            tier2: snapshot(tiers.tier2),
          },
          items,
          params: split.asset,
          pendingRequest: { id: first, type: 'purchase' },
          lastRequestId: first,
          requestCount: 1,
          activatedAt: null,
          terminatedAt: null,
          _acl: acl,
        },
        actor: actorOf(identity),
        ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
      })
    ).doc;
  } catch (e) {
    // The same external id on the same provider and marketplace: the first purchase is the answer.
    if (!(isDomainError(e) && e.code === 'CONFLICT' && input.externalId)) throw e;
    const existing = await landed(() => env.models.Asset.findOne({ externalKey }).lean<AssetDoc>());
    if (!existing) throw e;
    asset = existing;
  }
  const existing = await env.models.AssetRequest.findById(
    childId('assetRequest', asset._id, 1),
  ).lean<AssetRequestDoc>();
  if (existing) return { asset, request: existing };
  const waitingFor = needs.length > 0 ? await setUpTiers(env, identity, asset, product, needs, split) : null;
  const request = await createPurchaseRequest(env, identity, asset, split.asset, waitingFor);
  return { asset, request: request.status === 'tiers_setup' ? await settleWaiting(env, request) : request };
}

async function createPurchaseRequest(
  env: RequestEnv,
  identity: Identity,
  asset: AssetDoc,
  params: Param[],
  waitingFor: string | null,
): Promise<AssetRequestDoc> {
  const id = childId('assetRequest', asset._id, 1);
  const missing = params.some((p) => p.valueError);
  try {
    const { doc } = await env.write.AssetRequest.create({
      doc: {
        _id: id,
        type: 'purchase',
        // docs/domain.md#asset-requests rows 6 and 9: waiting for tier configs, or asking the buyer for missing ordering values
        status: waitingFor ? 'tiers_setup' : missing ? 'inquiring' : 'pending',
        assetId: asset._id,
        productId: asset.productId,
        marketplaceId: asset.marketplaceId,
        customerId: asset.customerId ?? null,
        vendor: asset.vendor,
        provider: asset.provider,
        items: (asset.items ?? []).map((i) => ({ ...i, oldQuantity: null })),
        params,
        note: null,
        reason: null,
        activationKey: null,
        templateId: null,
        effectiveDate: null,
        plannedDate: null,
        answered: false,
        waitingFor,
        _acl: asset._acl,
      },
      actor: actorOf(identity),
    });
    return doc;
  } catch (e) {
    if (!(isDomainError(e) && e.code === 'CONFLICT')) throw e;
    // A concurrent retry of the same purchase created it; its writer may still be applying it.
    const doc = await landed(() => env.models.AssetRequest.findById(id).lean<AssetRequestDoc>());
    if (!doc) throw e;
    return doc;
  }
}

/**
 * Ordering values checked by products against the definitions of the ordered version. An unknown name, a
 * value the definition refuses, or a required parameter not named at all refuses the purchase; a required
 * one named with an empty value is accepted and asked for (the request starts inquiring, docs/domain.md#asset-requests row 9).
 */
async function checkOrderingParams(
  env: RequestEnv,
  requestId: string,
  product: ProductFacts,
  input: PurchaseInput,
): Promise<SplitParams> {
  const scopeOf = (name: string) =>
    product.parameters.find((p) => p.name === name && p.phase === 'ORDERING')?.scope ?? null;
  const given = new Map<string, string | null>();
  input.params.forEach((p, i) => {
    if (given.has(p.name)) throw badInput(`input.params.${i}.name`, `${p.name} is given twice`);
    if (!scopeOf(p.name))
      throw badInput(`input.params.${i}.name`, `${p.name} is not an ordering parameter of ${product.id}`);
    given.set(p.name, p.value === '' ? null : p.value);
  });
  const scopes = ['ASSET', 'TIER1', 'TIER2'] as const;
  const values = (scope: string) =>
    [...given].filter(([n]) => scopeOf(n) === scope).map(([name, value]) => ({ name, value }));
  const checks = await env.peers.checkParams(
    product.id,
    product.version,
    scopes.map((s) => ({ phase: 'ORDERING' as const, scopes: [s], values: values(s) })),
    requestId,
  );
  const errorOf = new Map<string, ParamCheck>();
  for (const c of checks.flat()) {
    if (c.valid) continue;
    // Tier values may come later, on the tier config request (docs/domain.md#scenarios, S3 step 3); asset values must be named now.
    if (c.error === 'required' && !given.has(c.name) && scopeOf(c.name) === 'ASSET') {
      throw badInput('input.params', `required ordering parameter ${c.name} is missing`);
    }
    if (c.error !== 'required') throw badInput(`input.params.${c.name}`, c.error ?? 'invalid value');
    errorOf.set(c.name, c);
  }
  const params = (scope: string): Param[] =>
    product.parameters
      .filter((p) => p.scope === scope && (p.phase === 'ORDERING' || p.phase === 'FULFILLMENT'))
      .map((p) => ({
        name: p.name,
        value: given.get(p.name) ?? null,
        valueError: errorOf.has(p.name) ? (errorOf.get(p.name)!.error ?? 'required') : null,
      }));
  return { asset: params('ASSET'), tier1: params('TIER1'), tier2: params('TIER2') };
}

/** Which tier accounts need a configuration for this product (docs/domain.md#tier-configurations: tier-scoped params and configs on). */
function tierNeeds(product: ProductFacts, tiers: Tiers): TierNeed[] {
  const level = product.configsLevel ?? 0;
  const has = (scope: string) => product.parameters.some((p) => p.scope === scope);
  const needs: TierNeed[] = [];
  if (level >= 2 && has('TIER2')) {
    if (!tiers.tier2) throw badInput('input.tiers.tier2', `${product.id} needs a tier-2 reseller`);
    needs.push({ level: 2, account: tiers.tier2 });
  }
  if (level >= 1 && has('TIER1')) {
    if (!tiers.tier1) throw badInput('input.tiers.tier1', `${product.id} needs a tier-1 reseller`);
    needs.push({ level: 1, account: tiers.tier1 });
  }
  return needs;
}
