import { idOf, mustExist, paginate, parseId, visibleTo } from '@daas/kit';
import { ACCOUNT_ID_KINDS } from '../domain/accounts.js';
import { partnerPermissions } from '../domain/permissions.js';
import { tokenStatus, validTokenInput } from '../domain/tokens.js';
import type { PartnerContext } from '../env.js';
import { authenticateToken, issueApiToken, revokeApiToken } from '../flows/tokens.js';
import type { ApiTokenDoc } from '../models/index.js';

interface CreateApiTokenInput {
  account?: string | null;
  name: string;
  expiresAt?: Date | null;
  admin?: boolean | null;
}

export const tokenResolvers = {
  Query: {
    apiTokens: (
      _: unknown,
      args: { first?: number; after?: string; filter?: { account?: string | null } | null },
      ctx: PartnerContext,
    ) => {
      const filter: Record<string, unknown> = { ...visibleTo(ctx.identity) };
      const account = args.filter?.account;
      if (account) filter.accountId = parseId(account, 'filter.account', ...ACCOUNT_ID_KINDS);
      return paginate(ctx.env.models.ApiToken, filter, args);
    },
    apiToken: (_: unknown, args: { id: string }, ctx: PartnerContext) => {
      const id = parseId(args.id, 'id', 'token');
      return mustExist('ApiToken', id, ctx.loaders.apiToken.load(id));
    },
    authenticate: (_: unknown, args: { token: string }, ctx: PartnerContext) => {
      partnerPermissions.assert(ctx.identity.role, 'authenticate');
      return authenticateToken(ctx.env, args.token);
    },
  },
  Mutation: {
    createApiToken: (_: unknown, args: { input: CreateApiTokenInput }, ctx: PartnerContext) => {
      const input = args.input;
      const { name, expiresAt } = validTokenInput(input);
      const accountId = input.account
        ? parseId(input.account, 'input.account', ...ACCOUNT_ID_KINDS)
        : ctx.identity.accountId;
      return issueApiToken(ctx.env, ctx.identity, { accountId, name, expiresAt, admin: input.admin }, (id) =>
        ctx.loaders.account.load(id),
      );
    },
    revokeApiToken: async (_: unknown, args: { input: { apiToken: string } }, ctx: PartnerContext) => {
      const id = parseId(args.input.apiToken, 'input.apiToken', 'token');
      // What the caller may not see is NOT_FOUND, exactly like a token that does not exist.
      const token = await mustExist('ApiToken', id, ctx.loaders.apiToken.load(id));
      return { apiToken: await revokeApiToken(ctx.env, ctx.identity, token) };
    },
  },
  ApiToken: {
    id: idOf,
    admin: (t: ApiTokenDoc) => t.admin === true,
    status: (t: ApiTokenDoc) => tokenStatus(t),
    account: (t: ApiTokenDoc, _: unknown, ctx: PartnerContext) => ctx.loaders.account.load(t.accountId),
    __resolveReference: (ref: { id: string }, ctx: PartnerContext) => ctx.loaders.apiToken.load(ref.id),
  },
};
