// API tokens: `SU-ddd-ddd-ddd:<secret>`. The secret is random, shown once, stored only as a SHA-256 hash
// (a 256-bit random secret needs no slow hash), and compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isId } from '@daas/kit';

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
