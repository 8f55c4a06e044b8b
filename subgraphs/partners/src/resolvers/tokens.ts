import { conflict, forbidden, idOf, newId, notFound, paginate, parseId } from '@daas/kit';
import { ACCOUNT_ID_KINDS } from '../domain/accounts.js';
import { partnerPermissions } from '../domain/permissions.js';
import {
  formatToken,
  hashSecret,
  newSecret,
  parseToken,
  secretMatches,
  tokenStatus,
} from '../domain/tokens.js';
import type { PartnerContext } from '../env.js';
import type { AccountDoc, ApiTokenDoc } from '../models/index.js';

function tokenAccount(ctx: PartnerContext, accountId: string | undefined | null, field: string): string {
  if (!accountId || accountId === ctx.identity.accountId) return ctx.identity.accountId;
  const id = parseId(accountId, field, ...ACCOUNT_ID_KINDS);
  partnerPermissions.assert(ctx.identity.role, 'createApiTokenForAnotherAccount');
  return id;
}

export const tokenResolvers = {
  Query: {
    apiTokens: (
      _: unknown,
      args: { accountId?: string; first?: number; after?: string },
      ctx: PartnerContext,
    ) => {
      const accountId = tokenAccount(ctx, args.accountId, 'accountId');
      return paginate(ctx.env.models.ApiToken, { accountId }, args);
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
    createApiToken: async (
      _: unknown,
      args: { input: { accountId?: string; name: string; expiresAt?: Date } },
      ctx: PartnerContext,
    ) => {
      partnerPermissions.assert(ctx.identity.role, 'createApiToken');
      const accountId = tokenAccount(ctx, args.input.accountId, 'input.accountId');
      const account = await ctx.loaders.account.load(accountId);
      if (!account) throw notFound('Account', accountId);
      const name = args.input.name.trim();
      if (!name) throw conflict('name must not be empty');
      if (args.input.expiresAt && args.input.expiresAt <= new Date()) {
        throw forbidden('input.expiresAt: must be in the future');
      }
      const secret = newSecret();
      const { doc } = await ctx.env.kit.changes.create<ApiTokenDoc>({
        model: ctx.env.models.ApiToken,
        entityType: 'ApiToken',
        doc: {
          _id: newId('token'),
          name,
          accountId,
          role: (account as AccountDoc).role,
          secretHash: hashSecret(secret),
          expiresAt: args.input.expiresAt ?? null,
          revokedAt: null,
          status: 'active',
          _acl: [accountId],
        },
        newId: () => newId('token'),
        actor: ctx.identity,
        partitionKey: accountId,
      });
      return { token: doc, secret: formatToken(doc._id, secret) };
    },
    revokeApiToken: async (_: unknown, args: { id: string }, ctx: PartnerContext) => {
      partnerPermissions.assert(ctx.identity.role, 'revokeApiToken');
      const id = parseId(args.id, 'id', 'token');
      const token = await ctx.loaders.apiToken.load(id);
      if (!token) throw notFound('ApiToken', id);
      return ctx.env.kit.changes.change<ApiTokenDoc>({
        model: ctx.env.models.ApiToken,
        entityType: 'ApiToken',
        id,
        actor: ctx.identity,
        partitionKey: (t) => t.accountId,
        decide: (t) => {
          if (t.revokedAt) throw conflict(`ApiToken ${id} is already revoked`, 'revoked');
          return { kind: 'revoked', to: 'revoked', set: { revokedAt: new Date() } };
        },
      });
    },
  },
  ApiToken: {
    id: idOf,
    status: (t: ApiTokenDoc) => tokenStatus(t),
    account: (t: ApiTokenDoc, _: unknown, ctx: PartnerContext) => ctx.loaders.account.load(t.accountId),
    __resolveReference: (ref: { id: string }, ctx: PartnerContext) => ctx.loaders.apiToken.load(ref.id),
  },
};
