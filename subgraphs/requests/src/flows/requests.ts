// Asset requests on existing assets (change, suspend, resume, cancel, adjustment) and every action on a
// request. The resolvers parse and authorise; these functions gather the facts a decision needs (the
// product's capabilities, parameter checks, the rendered template), then write once through the store.
import {
  type Actor,
  apiEnum,
  badInput,
  childId,
  conflict,
  type EffectSpec,
  type Identity,
  isDomainError,
  optionalText,
} from '@daas/kit';
import {
  type RequestAction,
  type RequestFacts,
  type RequestType,
  requestTransition,
} from '../domain/asset-request-machine.js';
import { type AssetItem, changeItems, openRequest, type Param, updateParams } from '../domain/assets.js';
import { partyOf } from '../domain/parties.js';
import { canonicalQuantity, quantityError } from '../domain/quantities.js';
import type { RequestEnv } from '../env.js';
import type { AssetDoc, AssetRequestDoc } from '../models/index.js';
import type { ProductFacts } from '../peers.js';
import { assetOutcome } from './effects.js';

export const actorOf = (identity: Identity): Actor => ({
  accountId: identity.accountId,
  role: identity.role,
});

export interface ItemInput {
  item: string;
  quantity?: string | null;
}

export interface OpenInput {
  items?: ItemInput[];
  params?: { name: string; value: string | null }[];
  note?: string | null;
}

export async function productFacts(env: RequestEnv, id: string, requestId: string): Promise<ProductFacts> {
  const p = await env.peers.product(id, null, requestId);
  if (!p) throw conflict(`product ${id} is no longer available`);
  return p;
}

/** Items of a request checked against the product's items: known, each once, quantities of their precision. */
export function checkItems(
  product: ProductFacts,
  input: ItemInput[],
  opts: { zero: boolean; ppuDefault: boolean },
): AssetItem[] {
  const seen = new Set<string>();
  return input.map((it, i) => {
    const item = product.items.find((x) => x.id === it.item);
    if (!item) {
      throw badInput(
        `input.items.${i}.item`,
        `${it.item} is not an item of ${product.id} version ${product.version}`,
      );
    }
    if (seen.has(item.id)) throw badInput(`input.items.${i}.item`, `${item.id} is listed twice`);
    seen.add(item.id);
    let q = it.quantity ?? null;
    if (q === null) {
      if (item.type === 'PPU' && opts.ppuDefault) q = '0';
      else throw badInput(`input.items.${i}.quantity`, 'a quantity is required');
    }
    const zeroOk = opts.zero || (item.type === 'PPU' && opts.ppuDefault);
    const err = quantityError(q, item.precision, { zero: zeroOk });
    if (err) throw badInput(`input.items.${i}.quantity`, err);
    return { itemId: item.id, mpn: item.mpn, quantity: canonicalQuantity(q) };
  });
}

/** Opens a request of `type` on an existing asset (docs/domain.md#asset-requests). */
export async function openAssetRequest(
  env: RequestEnv,
  identity: Identity,
  requestId: string,
  asset: AssetDoc,
  type: Exclude<RequestType, 'purchase'>,
  input: OpenInput,
): Promise<AssetRequestDoc> {
  const party = partyOf(identity, asset);
  // Refuse on the asset's state first: no need to ask products about a terminated asset.
  openRequest(asset, type, party, { hold: true });
  const product = await productFacts(env, asset.productId, requestId);
  const cell = openRequest(asset, type, party, { hold: product.hold });
  let items: AssetRequestDoc['items'] = [];
  let params: Param[] = (asset.params ?? []).map((p) => ({ ...p }));
  if (type === 'change') {
    if (!input.items?.length) throw badInput('input.items', 'a change names at least one item');
    items = changeItems(
      asset.items ?? [],
      checkItems(product, input.items, { zero: true, ppuDefault: false }),
    );
  }
  if (type === 'adjustment') {
    if (!input.params?.length) throw badInput('input.params', 'an adjustment names at least one parameter');
    params = updateParams(params, input.params);
  }
  const seq = (asset.requestCount ?? 0) + 1;
  const id = childId('assetRequest', asset._id, seq);
  const effect: EffectSpec = {
    collection: 'assets',
    entityType: 'Asset',
    entityId: asset._id,
    kind: `${type}_requested`,
    expect: [...cell.expect],
    ...(cell.to ? { to: cell.to } : {}),
    set: { pendingRequest: { id, type }, requestCount: seq, lastRequestId: id },
    partitionKey: asset.vendor,
  };
  try {
    const { doc } = await env.write.AssetRequest.create({
      doc: {
        _id: id,
        type,
        status: 'pending',
        assetId: asset._id,
        productId: asset.productId,
        marketplaceId: asset.marketplaceId,
        customerId: asset.customerId ?? null,
        vendor: asset.vendor,
        provider: asset.provider,
        items,
        params,
        note: input.note ?? null,
        reason: null,
        activationKey: null,
        templateId: null,
        effectiveDate: null,
        plannedDate: null,
        answered: false,
        waitingFor: null,
        _acl: asset._acl,
      },
      actor: actorOf(identity),
      effects: [effect],
    });
    return doc;
  } catch (e) {
    // Another request took this sequence number first: the asset has an open request now.
    if (isDomainError(e) && e.code === 'CONFLICT') {
      throw conflict(`asset ${asset._id} already has an open request`, apiEnum(asset.status));
    }
    throw e;
  }
}

export interface ActionInput {
  reason?: string | null;
  template?: string | null;
  plannedDate?: Date | null;
  effectiveDate?: Date | null;
  /** inquire: per-parameter value errors; answer: new values */
  params?: { name: string; value?: string | null; valueError?: string | null }[];
}

const NEEDS_PRODUCT: ReadonlySet<RequestAction> = new Set(['schedule', 'approve']);

/** Takes `action` on a request, with its effect on the asset when the action ends the request. */
export async function actOnRequest(
  env: RequestEnv,
  identity: Identity,
  requestId: string,
  request: AssetRequestDoc,
  action: RequestAction,
  input: ActionInput,
): Promise<AssetRequestDoc> {
  const party = partyOf(identity, request);
  // Refuse wrong actors and states before asking other domains; the store re-decides on the latest state.
  requestTransition(request, action, party, { scheduling: true });
  const facts: RequestFacts = {};
  let approval: { activationKey: string | null; templateId: string | null } | null = null;
  if (NEEDS_PRODUCT.has(action)) {
    const product = await productFacts(env, request.productId, requestId);
    if (request.type !== 'adjustment') facts.scheduling = product.scheduling[request.type];
    if (action === 'approve') approval = await approvalText(env, requestId, request, product, input.template);
  }
  const asset = await env.models.Asset.findById(request.assetId).lean<AssetDoc>();
  if (!asset) throw conflict(`asset ${request.assetId} of ${request._id} is missing`);
  return env.write.AssetRequest.change({
    id: request._id,
    actor: actorOf(identity),
    decide: (doc) => {
      const t = requestTransition(doc, action, party, facts);
      const set: Record<string, unknown> = {};
      if (action === 'fail' || action === 'revoke') set.reason = requiredReason(input.reason, 'input.reason');
      if (action === 'schedule') set.plannedDate = input.plannedDate;
      if (action === 'inquire') {
        const errors = (input.params ?? []).map((p) => ({ name: p.name, valueError: p.valueError ?? null }));
        if (!errors.some((e) => e.valueError)) {
          throw badInput('input.params', 'name at least one parameter with a valueError to inquire');
        }
        set.params = updateParams(doc.params, errors);
      }
      if (action === 'answer') {
        const values = (input.params ?? []).map((p) => ({
          name: p.name,
          value: p.value ?? null,
          valueError: null,
        }));
        set.params = updateParams(doc.params, values);
        set.answered = true;
      }
      if (approval) {
        set.activationKey = approval.activationKey;
        set.templateId = approval.templateId;
        set.effectiveDate = input.effectiveDate ?? new Date();
      }
      const effects: EffectSpec[] = t.outcome
        ? [assetOutcome({ ...doc, ...set } as AssetRequestDoc, asset, t.outcome)]
        : [];
      return { kind: action, to: t.to, set, effects };
    },
  });
}

/** The vendor edits values (and value errors) of a pending request; nothing else moves. */
export async function editRequestParams(
  env: RequestEnv,
  identity: Identity,
  request: AssetRequestDoc,
  params: { name: string; value?: string | null; valueError?: string | null }[],
): Promise<AssetRequestDoc> {
  if (partyOf(identity, request) !== 'vendor') {
    throw badInput(
      'input.assetRequest',
      'only the vendor edits parameters of a pending request; the buyer answers an inquiry',
    );
  }
  return env.write.AssetRequest.change({
    id: request._id,
    actor: actorOf(identity),
    decide: (doc) => {
      if (doc.status !== 'pending') {
        throw conflict(
          `asset request ${doc._id} is ${apiEnum(doc.status)}; parameters are edited while PENDING`,
          apiEnum(doc.status),
        );
      }
      return { kind: 'params_updated', set: { params: updateParams(doc.params, params) } };
    },
  });
}

function requiredReason(value: string | null | undefined, field: string): string {
  const text = optionalText(value, field);
  if (!text) throw badInput(field, 'a reason is required');
  return text;
}

/**
 * Approval needs every required fulfillment parameter filled; a purchase's approval renders the activation
 * text from one of the product's fulfillment templates.
 */
async function approvalText(
  env: RequestEnv,
  requestId: string,
  request: AssetRequestDoc,
  product: ProductFacts,
  template: string | null | undefined,
): Promise<{ activationKey: string | null; templateId: string | null }> {
  const values = request.params.map((p) => ({ name: p.name, value: p.value }));
  const [checks] = await env.peers.checkParams(
    product.id,
    product.version,
    [
      {
        phase: 'FULFILLMENT',
        scopes: ['ASSET'],
        values: values.filter((v) => isPhase(product, v.name, 'FULFILLMENT')),
      },
    ],
    requestId,
  );
  const missing = (checks ?? []).filter((c) => !c.valid);
  if (missing.length > 0) {
    throw badInput(
      `params.${missing[0]!.name}`,
      `approval needs every required fulfillment parameter: ${missing.map((c) => `${c.name} (${c.error})`).join(', ')}`,
    );
  }
  if (!template) {
    if (request.type === 'purchase')
      throw badInput('input.template', 'a purchase is approved with a fulfillment template');
    return { activationKey: null, templateId: null };
  }
  const t = product.templates.find((x) => x.id === template);
  if (t?.type !== 'FULFILLMENT' || t.scope !== 'ASSET') {
    throw badInput('input.template', `${template} is not a fulfillment template of ${product.id}`);
  }
  return { activationKey: await env.peers.render(template, values, requestId), templateId: template };
}

const isPhase = (product: ProductFacts, name: string, phase: string) =>
  product.parameters.some((p) => p.name === name && p.phase === phase);

/** Waits briefly for a document a concurrent writer has claimed but not yet written. */
export async function landed<T>(read: () => Promise<T | null>, waitMs = 5000): Promise<T | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const doc = await read();
    if (doc || Date.now() > deadline) return doc;
    await new Promise((r) => setTimeout(r, 25));
  }
}
