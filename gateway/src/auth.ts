// Turns the caller's credentials into a verified identity.
// - `Authorization: Bearer SU-…:<secret>` (or Connect's `ApiKey SU-…:<secret>`): an API token, verified by
//   the partners subgraph and then trusted from an in-memory cache for AUTH_CACHE_SECONDS, so a request
//   costs no round trip; a revoked token stops working within that bound. A verification that takes
//   longer than AUTH_TIMEOUT_MS (partners hung, not down) is given up: "unavailable", as when it fails.
// - `Authorization: Bearer <jwt>`: a platform service's own SERVICE identity (cross-domain checks),
//   verified locally with the identity keys. User identities are never accepted in this form.
import { createHash } from 'node:crypto';
import {
  DomainError,
  IDENTITY_HEADER,
  type Identity,
  type IdentitySigner,
  type Logger,
  type Role,
  serviceIdentity,
} from '@daas/kit';
import { LRUCache } from 'lru-cache';
import type { Counter } from 'prom-client';

interface TokenIdentity {
  accountId: string;
  role: Role;
  tokenId: string;
  expiresAt: string | null;
}

export interface AuthenticatorOptions {
  signer: IdentitySigner;
  /** the URL of the subgraph that verifies tokens (it can change with the supergraph) */
  authUrl: () => string | undefined;
  ttlSeconds: number;
  negativeTtlSeconds: number;
  /** how long one verification may take; past it the check is unavailable (HTTP 503, websocket 1013) */
  timeoutMs: number;
  log: Logger;
  cacheLookups?: Counter<'result'>;
  /** AUTH_MODE=off (benchmarks, never production): every request acts as this identity, unchecked */
  fixedIdentity?: Identity | null;
}

const AUTH_QUERY =
  'query Authenticate($token: String!) { authenticate(token: $token) { accountId role tokenId expiresAt } }';

export class Authenticator {
  private readonly cache: LRUCache<string, { identity: Identity | null }>;
  private readonly inflight = new Map<string, Promise<Identity | null>>();
  private serviceToken: { value: string; expires: number } | null = null;

  constructor(private readonly opts: AuthenticatorOptions) {
    this.cache = new LRUCache({ max: 100_000, ttl: opts.ttlSeconds * 1000, ttlAutopurge: false });
  }

  /** null when no credentials were sent; throws UNAUTHENTICATED when they are not valid. */
  async authenticate(authorization: string | undefined | null): Promise<Identity | null> {
    if (this.opts.fixedIdentity) return this.opts.fixedIdentity;
    if (!authorization?.trim()) return null;
    const m = /^(Bearer|ApiKey)\s+(\S+)$/i.exec(authorization.trim());
    if (!m) throw invalid('the Authorization header must be `Bearer <token>`');
    const credential = m[2]!;
    if (credential.split('.').length === 3 && credential.startsWith('ey')) {
      const identity = await this.opts.signer.verify(credential);
      if (identity.role !== 'SERVICE') throw invalid('only platform services may present a signed identity');
      return identity;
    }
    const key = createHash('sha256').update(credential).digest('base64url');
    const cached = this.cache.get(key);
    if (cached) {
      this.opts.cacheLookups?.inc({ result: 'hit' });
      if (!cached.identity) throw invalid();
      return cached.identity;
    }
    this.opts.cacheLookups?.inc({ result: 'miss' });
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.verifyToken(credential, key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    const identity = await pending;
    if (!identity) throw invalid();
    return identity;
  }

  /**
   * The same check for a bare credential, as sent in a graphql-ws `connection_init` payload
   * (`SU-…:<secret>`, or with its `Bearer ` prefix).
   */
  authenticateToken(token: string | undefined | null): Promise<Identity | null> {
    if (typeof token !== 'string' || !token.trim()) return this.authenticate(null);
    const credential = token.trim();
    return this.authenticate(/^(Bearer|ApiKey)\s/i.test(credential) ? credential : `Bearer ${credential}`);
  }

  /** Forget every cached verdict (tests, key rotation). */
  clear(): void {
    this.cache.clear();
  }

  private async verifyToken(token: string, key: string): Promise<Identity | null> {
    const url = this.opts.authUrl();
    if (!url) throw new DomainError('INTERNAL', 'no subgraph to verify tokens');
    let body: { data?: { authenticate: TokenIdentity | null }; errors?: { message: string }[] };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: await this.serviceIdentityToken() },
        body: JSON.stringify({ query: AUTH_QUERY, variables: { token } }),
        // bounds the answer and its body: a stopped partners keeps the connection open and says nothing
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      body = (await res.json()) as typeof body;
    } catch (e) {
      const timedOut = (e as Error).name === 'TimeoutError';
      this.opts.log.error(
        { err: (e as Error).message, ...(timedOut ? { timeoutMs: this.opts.timeoutMs } : {}) },
        timedOut ? 'token verification timed out' : 'token verification unavailable',
      );
      throw new DomainError('INTERNAL', 'authentication is temporarily unavailable; retry');
    }
    if (body.errors?.length || !body.data) {
      this.opts.log.error({ errors: body.errors }, 'token verification failed');
      throw new DomainError('INTERNAL', 'authentication is temporarily unavailable; retry');
    }
    const found = body.data.authenticate;
    if (!found) {
      this.cache.set(key, { identity: null }, { ttl: this.opts.negativeTtlSeconds * 1000 });
      return null;
    }
    const identity: Identity = { accountId: found.accountId, role: found.role, tokenId: found.tokenId };
    this.cache.set(key, { identity }, { ttl: verdictTtlMs(this.opts.ttlSeconds, found.expiresAt) });
    return identity;
  }

  private async serviceIdentityToken(): Promise<string> {
    if (!this.serviceToken || this.serviceToken.expires < Date.now() + 10_000) {
      this.serviceToken = {
        value: await this.opts.signer.sign(serviceIdentity('gateway'), 'gateway', 120),
        expires: Date.now() + 120_000,
      };
    }
    return this.serviceToken.value;
  }
}

/** How long a positive verdict is trusted: the revocation bound, and never past the token's expiry. */
export function verdictTtlMs(boundSeconds: number, expiresAt: string | null, now = Date.now()): number {
  const untilExpiry = expiresAt ? Date.parse(expiresAt) - now : Number.POSITIVE_INFINITY;
  return Math.max(1, Math.min(boundSeconds * 1000, untilExpiry));
}

function invalid(message = 'invalid, expired or revoked API token'): DomainError {
  return new DomainError('UNAUTHENTICATED', message);
}
