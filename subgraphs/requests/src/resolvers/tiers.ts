// Tier accounts, tier configs and tier config requests: queries, fields and the tier account mutations.
import {
  apiEnum,
  badInput,
  idOf,
  mapFilter,
  mustExist,
  mustLoad,
  newId,
  optionalText,
  type PageArgs,
  paginate,
  parseId,
  requiredText,
  scopedKey,
  storedEnum,
  visibleTo,
} from '@daas/kit';
import { requestPermissions } from '../domain/permissions.js';
import type { RequestContext } from '../env.js';
import { actorOf } from '../flows/requests.js';
import { createTierAccount, decommissionTierAccount } from '../flows/tier-accounts.js';
import type { TierAccountDoc, TierConfigDoc, TierConfigRequestDoc } from '../models/index.js';
import { enumsParser, history, idParser, ref, statusParser } from './common.js';

interface CreateTierAccountInput {
  type: 'CUSTOMER' | 'RESELLER';
  name: string;
  externalId?: string | null;
  parent?: string | null;
  idempotencyKey?: string | null;
}

export const tierResolvers = {
  Query: {
    tierAccount: (_: unknown, args: { id: string }, ctx: RequestContext) => {
      const id = parseId(args.id, 'id', 'tierAccount');
      return mustExist('TierAccount', id, ctx.loaders.tierAccount.load(id));
    },
    tierAccounts: (
      _: unknown,
      args: PageArgs & { filter?: { type?: string; status?: string } },
      ctx: RequestContext,
    ) =>
      paginate(
        ctx.env.models.TierAccount,
        {
          ...visibleTo(ctx.identity),
          ...mapFilter(args.filter, { type: statusParser('type'), status: statusParser() }),
        },
        args,
      ),
    tierConfig: (_: unknown, args: { id: string }, ctx: RequestContext) => {
      const id = parseId(args.id, 'id', 'tierConfig');
      return mustExist('TierConfig', id, ctx.loaders.tierConfig.load(id));
    },
    tierConfigs: (_: unknown, args: PageArgs, ctx: RequestContext) =>
      paginate(ctx.env.models.TierConfig, visibleTo(ctx.identity), args),
    tierConfigRequest: (_: unknown, args: { id: string }, ctx: RequestContext) => {
      const id = parseId(args.id, 'id', 'tierConfigRequest');
      return mustExist('TierConfigRequest', id, ctx.loaders.tierConfigRequest.load(id));
    },
    tierConfigRequests: (
      _: unknown,
      args: PageArgs & { filter?: { id?: string; status?: string; statuses?: string[]; product?: string } },
      ctx: RequestContext,
    ) =>
      paginate(
        ctx.env.models.TierConfigRequest,
        {
          ...visibleTo(ctx.identity),
          ...mapFilter(args.filter, {
            id: idParser('_id', 'filter.id', 'tierConfigRequest'),
            status: statusParser(),
            statuses: enumsParser('statuses'),
            product: idParser('productId', 'filter.product', 'product'),
          }),
        },
        args,
      ),
  },
  Mutation: {
    createTierAccount: async (_: unknown, args: { input: CreateTierAccountInput }, ctx: RequestContext) => {
      requestPermissions.assert(ctx.identity.role, 'manageTierAccounts');
      const { input } = args;
      const owner = ctx.identity.accountId;
      let parentId: string | null = null;
      if (input.parent) {
        const parent = await mustLoad(
          ctx.loaders.tierAccount,
          parseId(input.parent, 'input.parent', 'tierAccount'),
          'input.parent',
          'tier account',
        );
        if (parent.owner !== owner || parent.type !== 'reseller') {
          throw badInput('input.parent', `no reseller tier account ${parent._id} of yours`);
        }
        parentId = parent._id;
      }
      const externalId = optionalText(input.externalId, 'input.externalId');
      const doc = await createTierAccount(
        ctx.env,
        actorOf(ctx.identity),
        {
          _id: newId('tierAccount'),
          type: storedEnum(input.type),
          status: 'active',
          name: requiredText(input.name, 'input.name', 200),
          externalId,
          parentId,
          owner,
          _acl: [owner],
        },
        input.idempotencyKey ? scopedKey('createTierAccount', owner, input.idempotencyKey) : undefined,
      );
      return { tierAccount: doc };
    },
    decommissionTierAccount: async (
      _: unknown,
      args: { input: { tierAccount: string } },
      ctx: RequestContext,
    ) => {
      requestPermissions.assert(ctx.identity.role, 'manageTierAccounts');
      const id = parseId(args.input.tierAccount, 'input.tierAccount', 'tierAccount');
      const ta = await mustLoad(ctx.loaders.tierAccount, id, 'input.tierAccount', 'tier account');
      if (ta.owner !== ctx.identity.accountId)
        throw badInput('input.tierAccount', `no tier account ${id} of yours`);
      const doc = await decommissionTierAccount(ctx.env, actorOf(ctx.identity), id);
      return { tierAccount: doc };
    },
  },
  TierAccount: {
    id: idOf,
    type: (t: TierAccountDoc) => apiEnum(t.type),
    status: (t: TierAccountDoc) => apiEnum(t.status),
    parent: (t: TierAccountDoc, _: unknown, ctx: RequestContext) =>
      t.parentId ? ctx.loaders.tierAccount.load(t.parentId) : null,
    owner: (t: TierAccountDoc) => ({ id: t.owner }),
    __resolveReference: (r: { id: string }, ctx: RequestContext) => ctx.loaders.tierAccount.load(r.id),
  },
  TierConfig: {
    id: idOf,
    status: (t: TierConfigDoc) => apiEnum(t.status),
    product: (t: TierConfigDoc) => ref(t.productId),
    marketplace: (t: TierConfigDoc) => ref(t.marketplaceId),
    vendor: (t: TierConfigDoc) => ({ id: t.vendor }),
    provider: (t: TierConfigDoc) => ({ id: t.provider }),
    openRequest: (t: TierConfigDoc, _: unknown, ctx: RequestContext) =>
      t.openRequestId ? ctx.loaders.tierConfigRequest.load(t.openRequestId) : null,
    __resolveReference: (r: { id: string }, ctx: RequestContext) => ctx.loaders.tierConfig.load(r.id),
  },
  TierConfigRequest: {
    id: idOf,
    type: (t: TierConfigRequestDoc) => apiEnum(t.type),
    status: (t: TierConfigRequestDoc) => apiEnum(t.status),
    configuration: (t: TierConfigRequestDoc, _: unknown, ctx: RequestContext) =>
      ctx.loaders.tierConfig.load(t.configId),
    vendor: (t: TierConfigRequestDoc) => ({ id: t.vendor }),
    waitingFor: (t: TierConfigRequestDoc, _: unknown, ctx: RequestContext) =>
      t.waitingFor ? ctx.loaders.tierConfigRequest.load(t.waitingFor) : null,
    history,
    __resolveReference: (r: { id: string }, ctx: RequestContext) => ctx.loaders.tierConfigRequest.load(r.id),
  },
};
