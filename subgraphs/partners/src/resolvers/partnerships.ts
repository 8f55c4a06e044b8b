import { apiEnum, badInput, idOf, mustExist, paginate, parseId, storedEnum, visibleTo } from '@daas/kit';
import { ACCOUNT_ID_KINDS, type AccountRole, validName } from '../domain/accounts.js';
import { PARTNER_ROLES, type PartnerActor } from '../domain/partnership-machine.js';
import { partnerPermissions } from '../domain/permissions.js';
import type { PartnerContext } from '../env.js';
import { createPartner, movePartnership, removePartner, startPartnership } from '../flows/partnerships.js';
import type { AccountDoc, PartnershipDoc } from '../models/index.js';
import { type Args, mapFilter, mustLoad, scopedKey } from './common.js';

interface PartnershipFilter {
  status?: string;
  role?: string;
  distributor?: string;
  partner?: string;
}

const isPartnerRole = (role: string): role is (typeof PARTNER_ROLES)[number] =>
  (PARTNER_ROLES as readonly string[]).includes(role);

async function partnershipOf(ctx: PartnerContext, value: string) {
  const id = parseId(value, 'input.partnership', 'partnership');
  return mustLoad(ctx.loaders.partnership, id, 'input.partnership', 'partnership');
}

function actorIn(p: PartnershipDoc, accountId: string): PartnerActor | null {
  if (p.distributor === accountId) return 'distributor';
  if (p.partner === accountId) return 'partner';
  return null;
}

export const partnershipResolvers = {
  Query: {
    partnership: (_: unknown, args: { id: string }, ctx: PartnerContext) => {
      const id = parseId(args.id, 'id', 'partnership');
      return mustExist('Partnership', id, ctx.loaders.partnership.load(id));
    },
    partnerships: (_: unknown, args: Args<{ filter?: PartnershipFilter }>, ctx: PartnerContext) => {
      const filter = {
        ...visibleTo(ctx.identity),
        ...mapFilter(args.filter, {
          status: (v) => ['status', storedEnum(v)],
          role: (v) => ['role', v],
          distributor: (v) => ['distributor', parseId(v, 'filter.distributor', 'providerAccount')],
          partner: (v) => ['partner', parseId(v, 'filter.partner', ...ACCOUNT_ID_KINDS)],
        }),
      };
      return paginate(ctx.env.models.Partnership, filter, args);
    },
  },
  Mutation: {
    invitePartner: async (_: unknown, args: { input: { account: string } }, ctx: PartnerContext) => {
      partnerPermissions.assert(ctx.identity.role, 'invitePartner');
      const id = parseId(args.input.account, 'input.account', 'vendorAccount', 'providerAccount');
      const account = (await ctx.loaders.account.load(id)) as AccountDoc | null;
      if (!account || !isPartnerRole(account.role)) {
        throw badInput('input.account', `no vendor or reseller account ${id}`);
      }
      return {
        partnership: await startPartnership(ctx.env, ctx.identity, ctx.identity.accountId, account, 'invite'),
      };
    },
    createPartner: async (
      _: unknown,
      args: { input: { name: string; role: AccountRole; idempotencyKey?: string } },
      ctx: PartnerContext,
    ) => {
      partnerPermissions.assert(ctx.identity.role, 'createPartner');
      const input = args.input;
      if (!isPartnerRole(input.role)) throw badInput('input.role', 'a partner is a VENDOR or a RESELLER');
      const name = validName(input.name, 'input.name');
      const idempotencyKey = scopedKey('createPartner', ctx.identity.accountId, input.idempotencyKey);
      return {
        partnership: await createPartner(ctx.env, ctx.identity, { name, role: input.role }, idempotencyKey),
      };
    },
    acceptPartnerInvitation: async (
      _: unknown,
      args: { input: { partnership: string } },
      ctx: PartnerContext,
    ) => {
      partnerPermissions.assert(ctx.identity.role, 'acceptPartnerInvitation');
      const p = await partnershipOf(ctx, args.input.partnership);
      const by = actorIn(p, ctx.identity.accountId);
      return { partnership: await movePartnership(ctx.env, ctx.identity, p._id, 'accept', by) };
    },
    removePartner: async (_: unknown, args: { input: { partnership: string } }, ctx: PartnerContext) => {
      partnerPermissions.assert(ctx.identity.role, 'removePartner');
      const p = await partnershipOf(ctx, args.input.partnership);
      const by = actorIn(p, ctx.identity.accountId);
      return { partnership: await removePartner(ctx.env, ctx.identity, p, by) };
    },
  },
  Partnership: {
    id: idOf,
    status: (p: PartnershipDoc) => apiEnum(p.status),
    distributor: (p: PartnershipDoc, _: unknown, ctx: PartnerContext) =>
      ctx.loaders.account.load(p.distributor),
    partner: (p: PartnershipDoc, _: unknown, ctx: PartnerContext) => ctx.loaders.account.load(p.partner),
    __resolveReference: (ref: { id: string }, ctx: PartnerContext) => ctx.loaders.partnership.load(ref.id),
  },
};
