// Who is calling. The gateway authenticates API tokens and hands subgraphs a short-lived signed
// identity (a JWT, HS256, keyed by `kid` so keys can be rotated); subgraphs trust nothing else.
// Services calling through the gateway (cross-subgraph precondition checks) sign their own SERVICE identity.
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { unauthenticated } from './errors.js';

export const ROLES = ['VENDOR', 'DISTRIBUTOR', 'RESELLER', 'OPERATOR', 'SERVICE'] as const;
export type Role = (typeof ROLES)[number];

export interface Identity {
  /** the account acting (VA-…, PA-…, OA-…), or `service:<name>` for a platform service */
  accountId: string;
  role: Role;
  /** the API token used, for audit and revocation */
  tokenId?: string;
}

export interface IdentityKey {
  kid: string;
  secret: string;
}

export const IDENTITY_HEADER = 'x-daas-identity';
const AUDIENCE = 'daas-subgraphs';
const DEFAULT_TTL_SECONDS = 60;

const encoder = new TextEncoder();

export function serviceIdentity(name: string): Identity {
  return { accountId: `service:${name}`, role: 'SERVICE' };
}

/** Platform-wide readers: the operator and internal services see every tenant. */
export function seesEverything(identity: Identity): boolean {
  return identity.role === 'OPERATOR' || identity.role === 'SERVICE';
}

export class IdentitySigner {
  private readonly keys: Map<string, Uint8Array>;
  private readonly signingKid: string;

  /** The first key signs; all keys verify, which is how a rotation overlaps (see docs/identity.md). */
  constructor(keys: IdentityKey[]) {
    if (keys.length === 0) throw new Error('at least one identity key is required');
    this.keys = new Map(keys.map((k) => [k.kid, encoder.encode(k.secret)]));
    this.signingKid = keys[0]!.kid;
  }

  async sign(identity: Identity, issuer: string, ttlSeconds = DEFAULT_TTL_SECONDS): Promise<string> {
    const claims: Record<string, unknown> = { role: identity.role };
    if (identity.tokenId) claims.tid = identity.tokenId;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: this.signingKid })
      .setSubject(identity.accountId)
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.keys.get(this.signingKid)!);
  }

  /** Verifies signature, key id, audience and expiry; throws UNAUTHENTICATED with a reason otherwise. */
  async verify(token: string): Promise<Identity> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid ? this.keys.get(header.kid) : undefined;
          if (!key) throw unauthenticated('identity signed with an unknown key');
          return key;
        },
        { audience: AUDIENCE, algorithms: ['HS256'] },
      );
      const role = payload.role;
      if (typeof payload.sub !== 'string' || !ROLES.includes(role as Role)) {
        throw unauthenticated('identity without subject or role');
      }
      const identity: Identity = { accountId: payload.sub, role: role as Role };
      if (typeof payload.tid === 'string') identity.tokenId = payload.tid;
      return identity;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw unauthenticated('identity expired');
      // the library's own error code (ERR_JWS_…) says nothing to a client: the reason is enough
      if (e instanceof joseErrors.JOSEError) throw unauthenticated('invalid identity');
      throw e;
    }
  }
}
