// The gateway's authentication settings: AUTH_MODE=off is a benchmarking aid that production refuses,
// and a cached verdict never outlives the revocation bound or the token's expiry.
import { ConfigError, loadConfig } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import { verdictTtlMs } from '../src/auth.js';
import { authOffIdentity } from '../src/auth-mode.js';
import { gatewayConfigShape } from '../src/config.js';

const KEYS = { IDENTITY_KEYS: `k:${'s'.repeat(40)}` };

describe('AUTH_MODE', () => {
  it('checks tokens by default', () => {
    expect(authOffIdentity(loadConfig(gatewayConfigShape, KEYS))).toBeNull();
  });

  it('acts as AUTH_OFF_IDENTITY when off, outside production', () => {
    const config = loadConfig(gatewayConfigShape, {
      ...KEYS,
      AUTH_MODE: 'off',
      AUTH_OFF_IDENTITY: 'VA-100-001:VENDOR',
    });
    expect(authOffIdentity(config)).toEqual({ accountId: 'VA-100-001', role: 'VENDOR' });
  });

  it('is refused with NODE_ENV=production', () => {
    const config = loadConfig(gatewayConfigShape, {
      ...KEYS,
      NODE_ENV: 'production',
      AUTH_MODE: 'off',
      AUTH_OFF_IDENTITY: 'OA-000-001:OPERATOR',
    });
    expect(() => authOffIdentity(config)).toThrow(ConfigError);
    expect(() => authOffIdentity(config)).toThrow(/refused with NODE_ENV=production/);
  });

  it.each([undefined, 'VA-100-001', 'VA-100-001:SERVICE', 'nobody:VENDOR', 'VA-100-001:vendor'])(
    'needs a valid <accountId>:<ROLE> (%s is not)',
    (value) => {
      const config = loadConfig(gatewayConfigShape, {
        ...KEYS,
        AUTH_MODE: 'off',
        ...(value ? { AUTH_OFF_IDENTITY: value } : {}),
      });
      expect(() => authOffIdentity(config)).toThrow(/AUTH_OFF_IDENTITY/);
    },
  );

  it('rejects an unknown mode at load time', () => {
    expect(() => loadConfig(gatewayConfigShape, { ...KEYS, AUTH_MODE: 'none' })).toThrow(/AUTH_MODE/);
  });
});

describe('cached token verdicts', () => {
  const now = Date.parse('2025-05-01T00:00:00Z');

  it('last the revocation bound for a token without expiry', () => {
    expect(verdictTtlMs(30, null, now)).toBe(30_000);
  });

  it('never outlive the token', () => {
    expect(verdictTtlMs(30, '2025-05-01T00:00:05Z', now)).toBe(5_000);
    expect(verdictTtlMs(30, '2025-05-01T00:01:00Z', now)).toBe(30_000);
    expect(verdictTtlMs(30, '2025-04-30T00:00:00Z', now)).toBe(1);
  });
});
