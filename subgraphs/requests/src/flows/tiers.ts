// Tier configurations for a purchase (§3.4) and the actions on their requests. A purchase waits in
// tiers_setup for the last open TCR of its chain (tier 1, which itself waits for tier 2 at level 2); a
// TCR's outcome moves what waits for it, as effects of its change (kit ChangeStore).
import {
  badInput,
  childId,
  conflict,
  type EffectSpec,
  type Identity,
  isDomainError,
  newId,
  optionalText,
} from '@daas/kit';
import { type SplitParams, updateParams } from '../domain/assets.js';
import { partyOf } from '../domain/parties.js';
import { initialTcrStatus, type TcrAction, tcrTransition } from '../domain/tier-config-machine.js';
import type { RequestEnv } from '../env.js';
import type {
  AssetDoc,
  AssetRequestDoc,
  TierAccountDoc,
  TierConfigDoc,
  TierConfigRequestDoc,
} from '../models/index.js';
import type { ProductFacts } from '../peers.js';
import { purchaseFailed, purchaseReady, tcrFailed, tcrReady } from './effects.js';
import { actorOf, landed } from './requests.js';

export interface TierNeed {
  level: 1 | 2;
  account: TierAccountDoc;
}

/** Ensures a configuration (and an open setup request) for each need; returns the TCR the purchase waits for. */
export async function setUpTiers(
  env: RequestEnv,
  identity: Identity,
  asset: AssetDoc,
  product: ProductFacts,
  needs: TierNeed[],
  split: SplitParams,
): Promise<string | null> {
  let waitFor: string | null = null;
  for (const need of needs) {
    const params = need.level === 1 ? split.tier1 : split.tier2;
    const tc = await ensureConfig(env, identity, asset, product, need, params);
    if (tc.status === 'active') continue;
    waitFor = (await ensureOpenRequest(env, identity, tc, params, need.level === 1 ? waitFor : null))._id;
  }
  return waitFor;
}

async function ensureConfig(
  env: RequestEnv,
  identity: Identity,
  asset: AssetDoc,
  product: ProductFacts,
  need: TierNeed,
  params: TierConfigDoc['params'],
): Promise<TierConfigDoc> {
  const naturalKey = `${need.account._id}:${product.id}`;
  const found = await env.models.TierConfig.findOne({ naturalKey }).lean<TierConfigDoc>();
  if (found) return found;
  const id = newId('tierConfig');
  try {
    const { doc } = await env.write.TierConfig.create({
      doc: {
        _id: id,
        naturalKey,
        status: 'processing',
        accountId: need.account._id,
        account: { id: need.account._id, name: need.account.name, externalId: need.account.externalId },
        productId: product.id,
        tierLevel: need.level,
        vendor: product.vendor,
        provider: asset.provider,
        marketplaceId: asset.marketplaceId,
        contractId: asset.contractId ?? null,
        params: params.map((p) => ({ ...p, valueError: null })),
        openRequestId: childId('tierConfigRequest', id, 1),
        requestCount: 1,
        _acl: asset._acl,
      },
      newId: () => newId('tierConfig'),
      actor: actorOf(identity),
    });
    return doc;
  } catch (e) {
    // A concurrent purchase for the same tier account created it first.
    const again = await landed(() => env.models.TierConfig.findOne({ naturalKey }).lean<TierConfigDoc>());
    if (again) return again;
    throw e;
  }
}

async function ensureOpenRequest(
  env: RequestEnv,
  identity: Identity,
  tc: TierConfigDoc,
  params: TierConfigDoc['params'],
  waitingFor: string | null,
): Promise<TierConfigRequestDoc> {
  if (tc.openRequestId) {
    const open = await env.models.TierConfigRequest.findById(tc.openRequestId).lean<TierConfigRequestDoc>();
    if (open) return open;
  }
  // The config's first request (its writer may have died before creating it), or a new one after a failure.
  const seq = tc.openRequestId ? tc.requestCount : tc.requestCount + 1;
  const id = childId('tierConfigRequest', tc._id, seq);
  const effects: EffectSpec[] = tc.openRequestId
    ? []
    : [
        {
          collection: 'tier_configs',
          entityType: 'TierConfig',
          entityId: tc._id,
          kind: 'setup_requested',
          set: { openRequestId: id, requestCount: seq },
          partitionKey: tc.vendor,
        },
      ];
  try {
    const { doc } = await env.write.TierConfigRequest.create({
      doc: {
        _id: id,
        type: 'setup',
        status: initialTcrStatus({
          waitsForTier2: waitingFor !== null,
          missingOrdering: params.some((p) => p.valueError),
        }),
        configId: tc._id,
        tierLevel: tc.tierLevel,
        productId: tc.productId,
        accountId: tc.accountId,
        vendor: tc.vendor,
        provider: tc.provider,
        params,
        waitingFor,
        reason: null,
        templateId: null,
        activationText: null,
        _acl: tc._acl,
      },
      actor: actorOf(identity),
      effects,
    });
    return doc;
  } catch (e) {
    if (!(isDomainError(e) && e.code === 'CONFLICT')) throw e;
    const doc = await landed(() => env.models.TierConfigRequest.findById(id).lean<TierConfigRequestDoc>());
    if (!doc) throw e;
    return doc;
  }
}

/**
 * A purchase that started waiting after its TCR already ended (the outcome's effects looked for waiting
 * purchases before this one existed) is moved here.
 */
export async function settleWaiting(env: RequestEnv, request: AssetRequestDoc): Promise<AssetRequestDoc> {
  if (!request.waitingFor) return request;
  const tcr = await env.models.TierConfigRequest.findById(request.waitingFor).lean<TierConfigRequestDoc>();
  if (!tcr || (tcr.status !== 'approved' && tcr.status !== 'failed')) return request;
  const effect =
    tcr.status === 'approved' ? purchaseReady(request) : purchaseFailed(request, 'tier configuration failed');
  try {
    return await env.write.AssetRequest.change({
      id: request._id,
      actor: { accountId: 'service:requests', role: 'SERVICE' },
      decide: (doc) => {
        if (doc.status !== 'tiers_setup') throw new Settled();
        return { kind: effect.kind, to: effect.to!, set: effect.set, effects: effect.effects ?? [] };
      },
    });
  } catch (e) {
    if (e instanceof Settled)
      return (await env.models.AssetRequest.findById(request._id).lean<AssetRequestDoc>())!;
    throw e;
  }
}

class Settled extends Error {}

/** What waits for a TCR: tier-1 TCRs (level 2 chains) and purchases, read before the TCR's outcome. */
async function waitersOf(env: RequestEnv, tcrId: string) {
  const [tcrs, requests] = await Promise.all([
    env.models.TierConfigRequest.find({ waitingFor: tcrId, status: 'tiers_setup' }).lean<
      TierConfigRequestDoc[]
    >(),
    env.models.AssetRequest.find({ waitingFor: tcrId, status: 'tiers_setup' }).lean<AssetRequestDoc[]>(),
  ]);
  return { tcrs, requests };
}

function configEffect(tcr: TierConfigRequestDoc, set: Record<string, unknown>, to?: 'active'): EffectSpec {
  return {
    collection: 'tier_configs',
    entityType: 'TierConfig',
    entityId: tcr.configId,
    kind: to ? 'activated' : 'setup_failed',
    ...(to ? { to, expect: ['processing', 'active'] } : {}),
    set,
    partitionKey: tcr.vendor,
  };
}

/** Effects of a TCR failing: its config loses the open request; everything waiting fails in cascade. */
async function failureEffects(
  env: RequestEnv,
  tcr: TierConfigRequestDoc,
  reason: string,
): Promise<EffectSpec[]> {
  const waiting = await waitersOf(env, tcr._id);
  const effects: EffectSpec[] = [configEffect(tcr, { openRequestId: null })];
  for (const t of waiting.tcrs) {
    effects.push(tcrFailed(t, reason, await failureEffects(env, t, reason)));
  }
  for (const r of waiting.requests) effects.push(purchaseFailed(r, reason));
  return effects;
}

export interface TcrInput {
  reason?: string | null;
  template?: string | null;
  params?: { name: string; value?: string | null; valueError?: string | null }[];
}

export async function actOnTierConfigRequest(
  env: RequestEnv,
  identity: Identity,
  requestId: string,
  tcr: TierConfigRequestDoc,
  action: TcrAction,
  input: TcrInput,
): Promise<TierConfigRequestDoc> {
  const party = partyOf(identity, tcr);
  tcrTransition(tcr, action, party);
  let effects: EffectSpec[] = [];
  let activationText: string | null = null;
  const reason = action === 'fail' ? optionalText(input.reason, 'input.reason') : null;
  if (action === 'fail' && !reason) throw badInput('input.reason', 'a reason is required');
  if (action === 'approve') {
    activationText = await tierApproval(env, requestId, tcr, input.template ?? null);
    const waiting = await waitersOf(env, tcr._id);
    effects = [
      configEffect(
        tcr,
        { openRequestId: null, params: tcr.params.map((p) => ({ ...p, valueError: null })) },
        'active',
      ),
      ...waiting.tcrs.map(tcrReady),
      ...waiting.requests.map(purchaseReady),
    ];
  }
  if (action === 'fail') effects = await failureEffects(env, tcr, reason!);
  return env.write.TierConfigRequest.change({
    id: tcr._id,
    actor: actorOf(identity),
    decide: (doc) => {
      const t = tcrTransition(doc, action, party);
      const set: Record<string, unknown> = {};
      if (reason) set.reason = reason;
      if (action === 'approve') {
        set.activationText = activationText;
        set.templateId = input.template ?? null;
      }
      if (action === 'inquire') {
        const errors = (input.params ?? []).map((p) => ({ name: p.name, valueError: p.valueError ?? null }));
        set.params = updateParams(doc.params, errors);
      }
      if (action === 'answer') {
        set.params = updateParams(
          doc.params,
          (input.params ?? []).map((p) => ({ name: p.name, value: p.value ?? null, valueError: null })),
        );
      }
      return { kind: action, to: t.to, set, effects };
    },
  });
}

/** Approval needs every required tier parameter filled; the optional template renders the activation text. */
async function tierApproval(
  env: RequestEnv,
  requestId: string,
  tcr: TierConfigRequestDoc,
  template: string | null,
): Promise<string | null> {
  const values = tcr.params.map((p) => ({ name: p.name, value: p.value }));
  const product = await env.peers.product(tcr.productId, null, requestId);
  if (!product) throw conflict(`product ${tcr.productId} is no longer available`);
  const scope = tcr.tierLevel === 1 ? ('TIER1' as const) : ('TIER2' as const);
  const names = (phase: string) =>
    new Set(product.parameters.filter((p) => p.scope === scope && p.phase === phase).map((p) => p.name));
  const ordering = names('ORDERING');
  const fulfillment = names('FULFILLMENT');
  const checks = await env.peers.checkParams(
    product.id,
    product.version,
    [
      { phase: 'ORDERING', scopes: [scope], values: values.filter((v) => ordering.has(v.name)) },
      { phase: 'FULFILLMENT', scopes: [scope], values: values.filter((v) => fulfillment.has(v.name)) },
    ],
    requestId,
  );
  const bad = checks.flat().filter((c) => !c.valid);
  if (bad.length > 0) {
    throw badInput(
      `params.${bad[0]!.name}`,
      `approval needs every required tier parameter: ${bad.map((c) => `${c.name} (${c.error})`).join(', ')}`,
    );
  }
  if (!template) return null;
  const t = product.templates.find((x) => x.id === template);
  if (t?.scope !== scope)
    throw badInput('input.template', `${template} is not a ${scope.toLowerCase()} template of ${product.id}`);
  return env.peers.render(template, values, requestId);
}
