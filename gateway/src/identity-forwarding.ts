// Signs the verified identity for subgraphs. A signature is reused while it has more than half of
// its life left, so a warm request costs a map lookup, not an HMAC.
import type { Identity, IdentitySigner } from '@daas/kit';

const TTL_SECONDS = 60;

export class IdentityForwarder {
  private readonly cache = new Map<string, { jwt: string; renewAt: number }>();

  constructor(private readonly signer: IdentitySigner) {}

  async tokenFor(identity: Identity): Promise<string> {
    const key = `${identity.accountId}|${identity.role}|${identity.tokenId ?? ''}`;
    const hit = this.cache.get(key);
    if (hit && hit.renewAt > Date.now()) return hit.jwt;
    const jwt = await this.signer.sign(identity, 'gateway', TTL_SECONDS);
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(key, { jwt, renewAt: Date.now() + (TTL_SECONDS * 1000) / 2 });
    return jwt;
  }
}
