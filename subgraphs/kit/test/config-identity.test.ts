import { ConfigError, DomainError, IdentitySigner, loadConfig, subgraphConfigShape } from '@daas/kit';
import { describe, expect, it } from 'vitest';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/' };

describe('configuration', () => {
  it('applies defaults and coerces values', () => {
    const c = loadConfig(subgraphConfigShape(4001), { ...base, PORT: '5000', FEED_PARTITIONS: '4' });
    expect(c.PORT).toBe(5000);
    expect(c.FEED_PARTITIONS).toBe(4);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.IDENTITY_KEYS[0]?.kid).toBe('dev');
  });

  it('names every bad variable, hiding secrets', () => {
    try {
      loadConfig(subgraphConfigShape(4001), {
        MONGODB_URI: 'postgres://x',
        PORT: '70000',
        IDENTITY_KEYS: 'k:short',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as ConfigError).message;
      expect(msg).toMatch(/MONGODB_URI: .*mongodb:\/\//);
      expect(msg).toMatch(/PORT: .*got "70000"/);
      expect(msg).toMatch(/IDENTITY_KEYS: .*\(got \(hidden\)\)/);
      expect(msg).not.toMatch(/short/);
    }
  });

  it('refuses the development key in production', () => {
    expect(() => loadConfig(subgraphConfigShape(4001), { ...base, NODE_ENV: 'production' })).toThrow(
      /development key/,
    );
  });
});

describe('identity tokens', () => {
  const keyA = { kid: 'a', secret: 'a'.repeat(40) };
  const keyB = { kid: 'b', secret: 'b'.repeat(40) };

  it('round-trips an identity', async () => {
    const s = new IdentitySigner([keyA]);
    const jwt = await s.sign(
      { accountId: 'VA-100-001', role: 'VENDOR', tokenId: 'SU-000-000-002' },
      'gateway',
    );
    expect(await s.verify(jwt)).toEqual({
      accountId: 'VA-100-001',
      role: 'VENDOR',
      tokenId: 'SU-000-000-002',
    });
  });

  it('rotates keys: the old key still verifies while the new one signs', async () => {
    const before = new IdentitySigner([keyA]);
    const during = new IdentitySigner([keyB, keyA]);
    const after = new IdentitySigner([keyB]);
    const old = await before.sign({ accountId: 'VA-1', role: 'VENDOR' }, 'gw');
    const fresh = await during.sign({ accountId: 'VA-1', role: 'VENDOR' }, 'gw');
    expect((await during.verify(old)).accountId).toBe('VA-1');
    expect((await after.verify(fresh)).accountId).toBe('VA-1');
    await expect(after.verify(old)).rejects.toThrow(/unknown key/);
  });

  it('refuses tampered, expired and wrongly signed identities with UNAUTHENTICATED', async () => {
    const s = new IdentitySigner([keyA]);
    const jwt = await s.sign({ accountId: 'VA-1', role: 'VENDOR' }, 'gw');
    const [h, p, sig] = jwt.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.role = 'OPERATOR';
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
    const expired = await s.sign({ accountId: 'VA-1', role: 'VENDOR' }, 'gw', -5);
    const wrongKey = await new IdentitySigner([{ kid: 'a', secret: 'z'.repeat(40) }]).sign(
      { accountId: 'VA-1', role: 'VENDOR' },
      'gw',
    );
    for (const bad of [tampered, expired, wrongKey, 'garbage']) {
      const err = await s.verify(bad).catch((e) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('UNAUTHENTICATED');
    }
  });
});
