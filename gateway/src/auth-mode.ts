// AUTH_MODE=off: the gateway skips token authentication and acts as one fixed identity. It exists only
// to measure what authentication costs (bench/auth-overhead.ts); it is refused with NODE_ENV=production,
// and subgraphs still require the identity the gateway signs, so nothing else changes.
import { ConfigError, type Identity, isId, type Role } from '@daas/kit';
import type { GatewayConfig } from './config.js';

const USER_ROLES: readonly Role[] = ['VENDOR', 'DISTRIBUTOR', 'RESELLER', 'OPERATOR'];
const ACCOUNT_KINDS = ['vendorAccount', 'providerAccount', 'operatorAccount'] as const;

/** The fixed identity of AUTH_MODE=off, or null when tokens are checked; throws ConfigError if misused. */
export function authOffIdentity(
  config: Pick<GatewayConfig, 'NODE_ENV' | 'AUTH_MODE' | 'AUTH_OFF_IDENTITY'>,
): Identity | null {
  if (config.AUTH_MODE !== 'off') return null;
  if (config.NODE_ENV === 'production') {
    throw new ConfigError(['AUTH_MODE: `off` is a benchmarking aid and is refused with NODE_ENV=production']);
  }
  const raw = config.AUTH_OFF_IDENTITY ?? '';
  const i = raw.lastIndexOf(':');
  const accountId = raw.slice(0, i);
  const role = raw.slice(i + 1) as Role;
  if (i < 0 || !ACCOUNT_KINDS.some((k) => isId(k, accountId)) || !USER_ROLES.includes(role)) {
    throw new ConfigError([
      `AUTH_OFF_IDENTITY: with AUTH_MODE=off, expected <accountId>:<ROLE> such as VA-100-001:VENDOR (got ${raw ? JSON.stringify(raw) : 'unset'})`,
    ]);
  }
  return { accountId, role };
}
