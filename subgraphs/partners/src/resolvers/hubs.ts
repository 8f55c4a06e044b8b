import { idOf, mustExist, newId, paginate, parseId, visibleTo } from '@daas/kit';
import { ACCOUNT_ID_KINDS, validName } from '../domain/accounts.js';
import { validDescription } from '../domain/agreements.js';
import type { HubInstanceType } from '../domain/hubs.js';
import { partnerPermissions } from '../domain/permissions.js';
import type { PartnerContext } from '../env.js';
import type { HubDoc } from '../models/index.js';
import { type Args, mapFilter, scopedKey } from './common.js';

interface HubFilter {
  owner?: string;
}

export const hubResolvers = {
  Query: {
    hub: (_: unknown, args: { id: string }, ctx: PartnerContext) => {
      const id = parseId(args.id, 'id', 'hub');
      return mustExist('Hub', id, ctx.loaders.hub.load(id));
    },
    hubs: (_: unknown, args: Args<{ filter?: HubFilter }>, ctx: PartnerContext) => {
      const filter = {
        ...visibleTo(ctx.identity),
        ...mapFilter(args.filter, {
          owner: (v) => ['owner', parseId(v, 'filter.owner', ...ACCOUNT_ID_KINDS)],
        }),
      };
      return paginate(ctx.env.models.Hub, filter, args);
    },
  },
  Mutation: {
    createHub: async (
      _: unknown,
      args: {
        input: {
          name: string;
          description?: string;
          instanceType?: HubInstanceType;
          idempotencyKey?: string;
        };
      },
      ctx: PartnerContext,
    ) => {
      partnerPermissions.assert(ctx.identity.role, 'createHub');
      const owner = ctx.identity.accountId;
      const input = args.input;
      const doc: Omit<HubDoc, 'version' | 'createdAt' | 'updatedAt'> = {
        _id: newId('hub'),
        name: validName(input.name, 'input.name'),
        description: validDescription(input.description),
        owner,
        instanceType: input.instanceType ?? 'API',
        status: 'active',
        _acl: [owner],
      };
      const idempotencyKey = scopedKey('createHub', owner, input.idempotencyKey);
      const { doc: hub } = await ctx.env.write.Hub.create({
        doc,
        newId: () => newId('hub'),
        actor: ctx.identity,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      return { hub };
    },
  },
  Hub: {
    id: idOf,
    owner: (h: HubDoc, _: unknown, ctx: PartnerContext) => ctx.loaders.account.load(h.owner),
    __resolveReference: (ref: { id: string }, ctx: PartnerContext) => ctx.loaders.hub.load(ref.id),
  },
};
