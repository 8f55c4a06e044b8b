// API tokens: `SU-ddd-ddd-ddd:<secret>`. The secret is random, shown once, stored only as a SHA-256 hash
// (a 256-bit random secret needs no slow hash), and compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { badInput, isId } from '@daas/kit';
import { validName } from './accounts.js';

export type TokenStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED';

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function formatToken(id: string, secret: string): string {
  return `${id}:${secret}`;
}

export function parseToken(raw: string): { id: string; secret: string } | null {
  const i = raw.indexOf(':');
  if (i < 0) return null;
  const id = raw.slice(0, i);
  const secret = raw.slice(i + 1);
  if (!isId('token', id) || secret.length < 8 || secret.length > 256) return null;
  return { id, secret };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function tokenStatus(
  t: { revokedAt?: Date | null; expiresAt?: Date | null },
  now = new Date(),
): TokenStatus {
  if (t.revokedAt) return 'REVOKED';
  if (t.expiresAt && t.expiresAt <= now) return 'EXPIRED';
  return 'ACTIVE';
}

export const TOKEN_NAME_MAX = 100;

/** Checks a token's name and expiry; BAD_USER_INPUT names the offending input field. */
export function validTokenInput(
  input: { name: string; expiresAt?: Date | null },
  now = new Date(),
): { name: string; expiresAt: Date | null } {
  const name = validName(input.name, 'input.name', TOKEN_NAME_MAX);
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt && expiresAt <= now) throw badInput('input.expiresAt', 'must be in the future');
  return { name, expiresAt };
}

/**
 * Whether a new token is an admin token. An account must never be left with no way to manage its tokens,
 * so a token created for an account without an active admin token (its first one, made by the operator)
 * is an admin token; otherwise the creator chooses, and the default is not admin.
 */
export function newTokenIsAdmin(
  requested: boolean | null | undefined,
  accountHasActiveAdmin: boolean,
): boolean {
  if (accountHasActiveAdmin) return requested ?? false;
  if (requested === false) {
    throw badInput(
      'input.admin',
      'the account has no active admin token, so this token must be an admin token',
    );
  }
  return true;
}

/** What changes when a token is revoked; null when it is revoked already (a retry changes nothing). */
export function revocation(
  t: { revokedAt?: Date | null },
  now = new Date(),
): { kind: 'revoked'; to: 'revoked'; set: { revokedAt: Date } } | null {
  if (t.revokedAt) return null;
  return { kind: 'revoked', to: 'revoked', set: { revokedAt: now } };
}
