// The pure rules of API tokens: who may manage them, what a valid token input is, admin defaults,
// idempotent revocation, parsing and hashing.
import { DomainError, ROLES, type Role } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import { assertMayManageTokens } from '../src/domain/token-managers.js';
import {
  formatToken,
  hashSecret,
  newSecret,
  newTokenIsAdmin,
  parseToken,
  revocation,
  secretMatches,
  TOKEN_NAME_MAX,
  tokenStatus,
  validTokenInput,
} from '../src/domain/tokens.js';

function refusal(fn: () => unknown): DomainError | null {
  try {
    fn();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
}

describe('who may create and revoke the tokens of an account', () => {
  const ACCOUNT_OF: Record<Role, string> = {
    VENDOR: 'VA-100-001',
    DISTRIBUTOR: 'PA-200-001',
    RESELLER: 'PA-300-001',
    OPERATOR: 'OA-000-001',
    SERVICE: 'service:requests',
  };
  const cases = ROLES.flatMap((role) =>
    (['own', 'other'] as const).flatMap((target) =>
      [true, false].flatMap((admin) =>
        (['createApiToken', 'revokeApiToken'] as const).map((action) => ({ role, target, admin, action })),
      ),
    ),
  );

  it.each(cases)('$role admin=$admin on $target account: $action', ({ role, target, admin, action }) => {
    const caller = { accountId: ACCOUNT_OF[role], role, admin };
    const account = target === 'own' ? ACCOUNT_OF[role] : 'VA-999-999';
    // The rule: a user role with an admin token, on its own account; only the operator on any account.
    const allowed = role !== 'SERVICE' && admin && (target === 'own' || role === 'OPERATOR');
    const err = refusal(() => assertMayManageTokens(caller, account, action));
    if (allowed) {
      expect(err).toBeNull();
    } else {
      expect(err?.code).toBe('FORBIDDEN');
    }
  });

  it('tells a non-admin token why it is refused', () => {
    const err = refusal(() =>
      assertMayManageTokens(
        { accountId: 'VA-100-001', role: 'VENDOR', admin: false },
        'VA-100-001',
        'revokeApiToken',
      ),
    );
    expect(err?.message).toBe('only an admin token may revoke API tokens');
  });
});

describe('token input', () => {
  const now = new Date('2025-05-01T00:00:00Z');

  it('trims the name and keeps a future expiry', () => {
    const later = new Date('2025-05-01T00:00:01Z');
    expect(validTokenInput({ name: '  ci  ', expiresAt: later }, now)).toEqual({
      name: 'ci',
      expiresAt: later,
    });
    expect(validTokenInput({ name: 'ci' }, now)).toEqual({ name: 'ci', expiresAt: null });
  });

  it.each([
    ['an empty name', { name: '' }, 'input.name'],
    ['a blank name', { name: '   ' }, 'input.name'],
    ['a name too long', { name: 'x'.repeat(TOKEN_NAME_MAX + 1) }, 'input.name'],
    ['an expiry now', { name: 'ci', expiresAt: now }, 'input.expiresAt'],
    ['an expiry in the past', { name: 'ci', expiresAt: new Date('2025-04-30T23:59:59Z') }, 'input.expiresAt'],
  ])('refuses %s with BAD_USER_INPUT naming the field', (_, input, field) => {
    const err = refusal(() => validTokenInput(input, now));
    expect(err?.code).toBe('BAD_USER_INPUT');
    expect(err?.details.field).toBe(field);
  });
});

describe('admin flag of a new token', () => {
  it('is what the creator asks (default: not admin) when the account has an active admin token', () => {
    expect(newTokenIsAdmin(undefined, true)).toBe(false);
    expect(newTokenIsAdmin(null, true)).toBe(false);
    expect(newTokenIsAdmin(false, true)).toBe(false);
    expect(newTokenIsAdmin(true, true)).toBe(true);
  });

  it('is always admin for an account without an active admin token, and says so if asked otherwise', () => {
    expect(newTokenIsAdmin(undefined, false)).toBe(true);
    expect(newTokenIsAdmin(true, false)).toBe(true);
    const err = refusal(() => newTokenIsAdmin(false, false));
    expect(err?.code).toBe('BAD_USER_INPUT');
    expect(err?.details.field).toBe('input.admin');
  });
});

describe('revocation', () => {
  const now = new Date('2025-05-01T00:00:00Z');

  it('revokes an active or expired token, once', () => {
    expect(revocation({ revokedAt: null }, now)).toEqual({
      kind: 'revoked',
      to: 'revoked',
      set: { revokedAt: now },
    });
    expect(revocation({}, now)?.set.revokedAt).toBe(now);
  });

  it('has nothing to change on a revoked token (a retried revocation is a no-op)', () => {
    expect(revocation({ revokedAt: new Date('2025-01-01T00:00:00Z') }, now)).toBeNull();
  });

  it('derives the status: revoked wins over expired', () => {
    const past = new Date('2025-04-01T00:00:00Z');
    const future = new Date('2025-06-01T00:00:00Z');
    expect(tokenStatus({}, now)).toBe('ACTIVE');
    expect(tokenStatus({ expiresAt: future }, now)).toBe('ACTIVE');
    expect(tokenStatus({ expiresAt: now }, now)).toBe('EXPIRED');
    expect(tokenStatus({ expiresAt: past }, now)).toBe('EXPIRED');
    expect(tokenStatus({ expiresAt: past, revokedAt: past }, now)).toBe('REVOKED');
  });
});

describe('token format and secret', () => {
  it('parses SU-ddd-ddd-ddd:<secret> and nothing else', () => {
    const secret = newSecret();
    expect(parseToken(formatToken('SU-123-456-789', secret))).toEqual({ id: 'SU-123-456-789', secret });
    for (const bad of [
      'SU-123-456-789',
      'SU-123-456-789:',
      'SU-123-456-789:short',
      'PRD-123-456-789:long-enough-secret',
      `SU-123-456-789:${'x'.repeat(257)}`,
      '',
    ]) {
      expect(parseToken(bad)).toBeNull();
    }
  });

  it('matches a secret against its hash only', () => {
    const secret = newSecret();
    const hash = hashSecret(secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(secret);
    expect(secretMatches(secret, hash)).toBe(true);
    expect(secretMatches(`${secret.slice(0, -1)}x`, hash)).toBe(false);
    expect(secretMatches(secret, 'not-a-hash')).toBe(false);
  });
});
