import { idOf, mustExist, newId, paginate, parseId, visibleTo } from '@daas/kit';
import { ACCOUNT_ID_KINDS } from '../domain/accounts.js';
import { partnerPermissions } from '../domain/permissions.js';
import { assertMayManageTokens, type TokenManager } from '../domain/token-managers.js';
import {
  formatToken,
  hashSecret,
  newSecret,
  newTokenIsAdmin,
  parseToken,
  revocation,
  secretMatches,
  tokenStatus,
  validTokenInput,
} from '../domain/tokens.js';
import type { PartnerContext } from '../env.js';
import type { ApiTokenDoc } from '../models/index.js';

/**
 * The caller as a token manager. Its token is read from the database, not taken from the gateway's
 * cached verdict, so a revoked admin token cannot manage tokens even within the revocation bound.
 */
async function tokenManager(ctx: PartnerContext): Promise<TokenManager> {
  const { accountId, role, tokenId } = ctx.identity;
  const own = tokenId ? await ctx.env.models.ApiToken.findById(tokenId).lean<ApiTokenDoc>() : null;
  const admin = !!own && own.accountId === accountId && own.admin === true && tokenStatus(own) === 'ACTIVE';
  return { accountId, role, admin };
}

async function hasActiveAdmin(ctx: PartnerContext, accountId: string): Promise<boolean> {
  const admins = await ctx.env.models.ApiToken.find({ accountId, admin: true }).lean<ApiTokenDoc[]>();
  return admins.some((t) => tokenStatus(t) === 'ACTIVE');
}

/** Aborts a change store decision that has nothing to change (a token revoked already). */
class NothingToChange extends Error {}

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
    authenticate: async (_: unknown, args: { token: string }, ctx: PartnerContext) => {
      partnerPermissions.assert(ctx.identity.role, 'authenticate');
      const parsed = parseToken(args.token);
      if (!parsed) return null;
      const token = await ctx.env.models.ApiToken.findById(parsed.id).lean<ApiTokenDoc>();
      if (!token || !secretMatches(parsed.secret, token.secretHash)) return null;
      if (tokenStatus(token) !== 'ACTIVE') return null;
      return {
        accountId: token.accountId,
        role: token.role,
        tokenId: token._id,
        expiresAt: token.expiresAt ?? null,
      };
    },
  },
  Mutation: {
    createApiToken: async (_: unknown, args: { input: CreateApiTokenInput }, ctx: PartnerContext) => {
      const input = args.input;
      const { name, expiresAt } = validTokenInput(input);
      const accountId = input.account
        ? parseId(input.account, 'input.account', ...ACCOUNT_ID_KINDS)
        : ctx.identity.accountId;
      assertMayManageTokens(await tokenManager(ctx), accountId, 'createApiToken');
      const account = await mustExist('Account', accountId, ctx.loaders.account.load(accountId));
      const admin = newTokenIsAdmin(input.admin, await hasActiveAdmin(ctx, accountId));
      const secret = newSecret();
      const { doc } = await ctx.env.write.ApiToken.create({
        doc: {
          _id: newId('token'),
          name,
          accountId,
          role: account.role,
          admin,
          secretHash: hashSecret(secret),
          expiresAt,
          revokedAt: null,
          status: 'active',
          _acl: [accountId],
        },
        newId: () => newId('token'),
        actor: ctx.identity,
      });
      return { apiToken: doc, secret: formatToken(doc._id, secret) };
    },
    revokeApiToken: async (_: unknown, args: { input: { apiToken: string } }, ctx: PartnerContext) => {
      const id = parseId(args.input.apiToken, 'input.apiToken', 'token');
      // What the caller may not see is NOT_FOUND, exactly like a token that does not exist.
      const token = await mustExist('ApiToken', id, ctx.loaders.apiToken.load(id));
      assertMayManageTokens(await tokenManager(ctx), token.accountId, 'revokeApiToken');
      // Revoking twice (a retry, or two admins at once) answers with the first revocation, unchanged:
      // the change store lets one writer win, and the other finds nothing left to change.
      try {
        const apiToken = await ctx.env.write.ApiToken.change({
          id,
          actor: ctx.identity,
          decide: (t) => {
            const change = revocation(t);
            if (!change) throw new NothingToChange();
            return change;
          },
        });
        return { apiToken };
      } catch (e) {
        if (!(e instanceof NothingToChange)) throw e;
        return {
          apiToken: await mustExist('ApiToken', id, ctx.env.models.ApiToken.findById(id).lean<ApiTokenDoc>()),
        };
      }
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
