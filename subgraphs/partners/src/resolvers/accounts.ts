import { idOf, mustExist, newId, notFound, paginate, parseId } from '@daas/kit';
import { ACCOUNT_ID_KINDS, type AccountRole, accountIdKind, validName } from '../domain/accounts.js';
import { partnerPermissions } from '../domain/permissions.js';
import type { PartnerContext } from '../env.js';

export const accountResolvers = {
  Query: {
    viewer: (_: unknown, __: unknown, ctx: PartnerContext) => ({
      accountId: ctx.identity.accountId,
      role: ctx.identity.role,
      tokenId: ctx.identity.tokenId ?? null,
    }),
    account: async (_: unknown, args: { id: string }, ctx: PartnerContext) => {
      const id = parseId(args.id, 'id', ...ACCOUNT_ID_KINDS);
      return mustExist('Account', id, ctx.loaders.account.load(id));
    },
    accounts: (
      _: unknown,
      args: { first?: number; after?: string; filter?: { role?: AccountRole } },
      ctx: PartnerContext,
    ) => {
      const scope = partnerPermissions.may(ctx.identity.role, 'listAllAccounts')
        ? {}
        : { _id: ctx.identity.accountId };
      const filter = { ...scope, ...(args.filter?.role ? { role: args.filter.role } : {}) };
      return paginate(ctx.env.models.Account, filter, args);
    },
  },
  Mutation: {
    createAccount: async (
      _: unknown,
      args: { input: { name: string; role: AccountRole } },
      ctx: PartnerContext,
    ) => {
      partnerPermissions.assert(ctx.identity.role, 'createAccount');
      const name = validName(args.input.name);
      const kind = accountIdKind(args.input.role);
      const { doc } = await ctx.env.write.Account.create({
        doc: { _id: newId(kind), name, role: args.input.role, status: 'active', _acl: [] },
        newId: () => newId(kind),
        actor: ctx.identity,
      });
      return { account: doc };
    },
  },
  Viewer: {
    account: async (v: { accountId: string }, _: unknown, ctx: PartnerContext) => {
      const account = await ctx.loaders.account.load(v.accountId);
      if (!account) throw notFound('Account', v.accountId);
      return account;
    },
    token: (v: { tokenId: string | null }, _: unknown, ctx: PartnerContext) =>
      v.tokenId ? ctx.loaders.apiToken.load(v.tokenId) : null,
  },
  Account: {
    id: idOf,
    __resolveReference: (ref: { id: string }, ctx: PartnerContext) => ctx.loaders.account.load(ref.id),
  },
};
