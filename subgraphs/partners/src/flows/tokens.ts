// API tokens: who may manage them, issuing one, revoking one, and checking a presented token. The
// resolvers parse the input and call these; every read that decides something is here.
import { type Identity, mustExist, newId } from '@daas/kit';
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
} from '../domain/tokens.js';
import type { PartnerEnv } from '../env.js';
import type { AccountDoc, ApiTokenDoc } from '../models/index.js';
import { changeApiToken, createApiToken } from './directory.js';

/**
 * The caller as a token manager. Its token is read from the database, not taken from the gateway's
 * cached verdict, so a revoked admin token cannot manage tokens even within the revocation bound.
 */
async function tokenManager(env: PartnerEnv, identity: Identity): Promise<TokenManager> {
  const { accountId, role, tokenId } = identity;
  const own = tokenId ? await env.models.ApiToken.findById(tokenId).lean<ApiTokenDoc>() : null;
  const admin = !!own && own.accountId === accountId && own.admin === true && tokenStatus(own) === 'ACTIVE';
  return { accountId, role, admin };
}

async function hasActiveAdmin(env: PartnerEnv, accountId: string): Promise<boolean> {
  const admins = await env.models.ApiToken.find({ accountId, admin: true }).lean<ApiTokenDoc[]>();
  return admins.some((t) => tokenStatus(t) === 'ACTIVE');
}

/**
 * Issues a token of `accountId` (checked and trimmed fields). `findAccount` is the caller's view of
 * accounts (null when invisible), asked only once the caller may manage that account's tokens.
 */
export async function issueApiToken(
  env: PartnerEnv,
  identity: Identity,
  fields: { accountId: string; name: string; expiresAt: Date | null; admin?: boolean | null },
  findAccount: (id: string) => Promise<AccountDoc | null>,
): Promise<{ apiToken: ApiTokenDoc; secret: string }> {
  const { accountId } = fields;
  assertMayManageTokens(await tokenManager(env, identity), accountId, 'createApiToken');
  const account = await mustExist('Account', accountId, findAccount(accountId));
  const admin = newTokenIsAdmin(fields.admin, await hasActiveAdmin(env, accountId));
  const secret = newSecret();
  const doc = await createApiToken(env, identity, {
    _id: newId('token'),
    name: fields.name,
    accountId,
    role: account.role,
    admin,
    secretHash: hashSecret(secret),
    expiresAt: fields.expiresAt,
    revokedAt: null,
    status: 'active',
    _acl: [accountId],
  });
  return { apiToken: doc, secret: formatToken(doc._id, secret) };
}

/** Aborts a change store decision that has nothing to change (a token revoked already). */
class NothingToChange extends Error {}

/**
 * Revokes a token the caller sees. Revoking twice (a retry, or two admins at once) answers with the first
 * revocation, unchanged: the change store lets one writer win, and the other finds nothing left to change.
 */
export async function revokeApiToken(
  env: PartnerEnv,
  identity: Identity,
  token: ApiTokenDoc,
): Promise<ApiTokenDoc> {
  assertMayManageTokens(await tokenManager(env, identity), token.accountId, 'revokeApiToken');
  try {
    return await changeApiToken(env, identity, token._id, (t) => {
      const change = revocation(t);
      if (!change) throw new NothingToChange();
      return change;
    });
  } catch (e) {
    if (!(e instanceof NothingToChange)) throw e;
    return mustExist('ApiToken', token._id, env.models.ApiToken.findById(token._id).lean<ApiTokenDoc>());
  }
}

/** Who a presented token speaks for, or null when it is unknown, wrong, revoked or expired. */
export async function authenticateToken(env: PartnerEnv, presented: string) {
  const parsed = parseToken(presented);
  if (!parsed) return null;
  const token = await env.models.ApiToken.findById(parsed.id).lean<ApiTokenDoc>();
  if (!token || !secretMatches(parsed.secret, token.secretHash)) return null;
  if (tokenStatus(token) !== 'ACTIVE') return null;
  return {
    accountId: token.accountId,
    role: token.role,
    tokenId: token._id,
    expiresAt: token.expiresAt ?? null,
  };
}
