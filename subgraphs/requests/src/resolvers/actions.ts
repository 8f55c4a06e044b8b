// One mutation per request verb. Each checks the caller's role, parses its input, loads what the input
// names (unknown or invisible: BAD_USER_INPUT naming the field) and hands over to flows/.
import { badInput, mustLoad, optionalText, parseId, scopedKey } from '@daas/kit';
import type { RequestAction, RequestType } from '../domain/asset-request-machine.js';
import { requestPermissions } from '../domain/permissions.js';
import type { TcrAction } from '../domain/tier-config-machine.js';
import type { RequestContext } from '../env.js';
import { purchase } from '../flows/purchase.js';
import {
  type ActionInput,
  actOnRequest,
  editRequestParams,
  type ItemInput,
  openAssetRequest,
} from '../flows/requests.js';
import { actOnTierConfigRequest } from '../flows/tiers.js';

type Input<T> = { input: T };

interface PurchaseArgs {
  product: string;
  marketplace: string;
  externalId?: string | null;
  items: ItemInput[];
  params: { name: string; value?: string | null }[];
  tiers: { customer: string; tier1?: string | null; tier2?: string | null };
  idempotencyKey?: string | null;
}

const tierId = (value: string | null | undefined, field: string) =>
  value ? parseId(value, field, 'tierAccount') : null;

const note = (v: string | null | undefined) => optionalText(v, 'input.note');

function opener(type: Exclude<RequestType, 'purchase'>) {
  return async (
    _: unknown,
    args: Input<{
      asset: string;
      items?: ItemInput[];
      params?: { name: string; value?: string | null }[];
      note?: string | null;
    }>,
    ctx: RequestContext,
  ) => {
    requestPermissions.assert(ctx.identity.role, type === 'adjustment' ? 'adjustAsset' : 'openAssetRequest');
    const id = parseId(args.input.asset, 'input.asset', 'asset');
    const asset = await mustLoad(ctx.loaders.asset, id, 'input.asset', 'asset');
    const request = await openAssetRequest(ctx.env, ctx.identity, ctx.requestId, asset, type, {
      items: args.input.items ?? [],
      params: (args.input.params ?? []).map((p) => ({ name: p.name, value: p.value ?? null })),
      note: note(args.input.note),
    });
    // The asset was loaded (and cached) before the request changed it.
    ctx.loaders.asset.clear(asset._id);
    return { assetRequest: request };
  };
}

async function requestOf(ctx: RequestContext, value: string) {
  const id = parseId(value, 'input.assetRequest', 'assetRequest');
  return mustLoad(ctx.loaders.assetRequest, id, 'input.assetRequest', 'asset request');
}

function act(action: RequestAction, parse: (input: Record<string, unknown>) => ActionInput = () => ({})) {
  return async (
    _: unknown,
    args: Input<{ assetRequest: string } & Record<string, unknown>>,
    ctx: RequestContext,
  ) => {
    requestPermissions.assert(ctx.identity.role, 'actOnAssetRequest');
    const input = parse(args.input);
    const request = await requestOf(ctx, args.input.assetRequest);
    const changed = await actOnRequest(ctx.env, ctx.identity, ctx.requestId, request, action, input);
    ctx.loaders.asset.clear(changed.assetId);
    return { assetRequest: changed };
  };
}

function actOnTcr(
  action: TcrAction,
  parse: (input: Record<string, unknown>) => Record<string, unknown> = () => ({}),
) {
  return async (
    _: unknown,
    args: Input<{ tierConfigRequest: string } & Record<string, unknown>>,
    ctx: RequestContext,
  ) => {
    requestPermissions.assert(ctx.identity.role, 'actOnTierConfigRequest');
    const field = 'input.tierConfigRequest';
    const id = parseId(args.input.tierConfigRequest, field, 'tierConfigRequest');
    const tcr = await mustLoad(ctx.loaders.tierConfigRequest, id, field, 'tier config request');
    return {
      tierConfigRequest: await actOnTierConfigRequest(
        ctx.env,
        ctx.identity,
        ctx.requestId,
        tcr,
        action,
        parse(args.input),
      ),
    };
  };
}

const withParams = (i: Record<string, unknown>) => ({ params: i.params as ActionInput['params'] });
const withReason = (i: Record<string, unknown>) => ({ reason: i.reason as string });

export const actionResolvers = {
  Mutation: {
    createPurchaseRequest: async (_: unknown, args: Input<PurchaseArgs>, ctx: RequestContext) => {
      requestPermissions.assert(ctx.identity.role, 'purchase');
      const { input } = args;
      const product = parseId(input.product, 'input.product', 'product');
      const marketplace = parseId(input.marketplace, 'input.marketplace', 'marketplace');
      const externalId = optionalText(input.externalId, 'input.externalId');
      const items = input.items.map((it, i) => ({
        item: parseId(it.item, `input.items.${i}.item`, 'item'),
        quantity: it.quantity ?? null,
      }));
      const { asset, request } = await purchase(ctx.env, ctx.identity, ctx.requestId, {
        product,
        marketplace,
        externalId,
        items,
        params: (input.params ?? []).map((p) => ({ name: p.name, value: p.value ?? null })),
        tiers: {
          customer: parseId(input.tiers.customer, 'input.tiers.customer', 'tierAccount'),
          tier1: tierId(input.tiers.tier1, 'input.tiers.tier1'),
          tier2: tierId(input.tiers.tier2, 'input.tiers.tier2'),
        },
        idempotencyKey: scopedKey('purchase', ctx.identity.accountId, input.idempotencyKey),
      });
      return { asset, assetRequest: request };
    },
    createChangeRequest: opener('change'),
    createSuspendRequest: opener('suspend'),
    createResumeRequest: opener('resume'),
    createCancelRequest: opener('cancel'),
    createAdjustmentRequest: opener('adjustment'),
    updateAssetRequestParams: async (
      _: unknown,
      args: Input<{ assetRequest: string; params: ActionInput['params'] }>,
      ctx: RequestContext,
    ) => {
      requestPermissions.assert(ctx.identity.role, 'actOnAssetRequest');
      const request = await requestOf(ctx, args.input.assetRequest);
      return {
        assetRequest: await editRequestParams(ctx.env, ctx.identity, request, args.input.params ?? []),
      };
    },
    inquireAssetRequest: act('inquire', withParams),
    answerAssetRequest: act('answer', withParams),
    pendAssetRequest: act('pend'),
    approveAssetRequest: act('approve', (i) => ({
      template: i.template ? parseId(i.template, 'input.template', 'template') : null,
      effectiveDate: (i.effectiveDate as Date | null) ?? null,
    })),
    failAssetRequest: act('fail', withReason),
    scheduleAssetRequest: act('schedule', (i) => {
      const planned = i.plannedDate as Date;
      if (planned.getTime() <= Date.now()) throw badInput('input.plannedDate', 'must be in the future');
      return { plannedDate: planned };
    }),
    revokeAssetRequest: act('revoke', withReason),
    confirmAssetRequestRevocation: act('confirmRevocation'),
    inquireTierConfigRequest: actOnTcr('inquire', withParams),
    answerTierConfigRequest: actOnTcr('answer', withParams),
    pendTierConfigRequest: actOnTcr('pend'),
    approveTierConfigRequest: actOnTcr('approve', (i) => ({
      template: i.template ? parseId(i.template, 'input.template', 'template') : null,
    })),
    failTierConfigRequest: actOnTcr('fail', withReason),
  },
};
