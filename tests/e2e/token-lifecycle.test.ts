// API tokens end to end, through the gateway and at a subgraph: create (secret shown once, only its hash
// stored), use, revoke (honoured until the cache bound, refused after), expire, tampered secrets,
// malformed headers, identities signed with a wrong key. One stack, with a short cache bound.
import { createHash } from 'node:crypto';
import { type Database, IdentitySigner } from '@daas/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../../scripts/lib/graphql-client.js';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const CACHE_SECONDS = 2;

let t: TestStack;
let partnersDb: Database;

beforeAll(async () => {
  t = await startTestStack({
    seed: true,
    env: { AUTH_CACHE_SECONDS: String(CACHE_SECONDS), AUTH_NEGATIVE_CACHE_SECONDS: '1' },
  });
  partnersDb = await t.database('partners');
});

afterAll(async () => {
  await t?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      secret
      token: apiToken { id name admin status expiresAt revokedAt account { id } }
    }
  }
`;
const REVOKE =
  'mutation Revoke($id: ID!) { revokeApiToken(input: { apiToken: $id }) { apiToken { id status revokedAt } } }';
const VIEWER = '{ viewer { role tokenId account { id name } token { id admin status } } }';

interface Created {
  createApiToken: {
    secret: string;
    token: {
      id: string;
      name: string;
      admin: boolean;
      status: string;
      expiresAt: string | null;
      account: { id: string };
    };
  };
}

async function createToken(by: string, input: Record<string, unknown>) {
  return (await t.queryOk<Created>(by, CREATE, { input })).createApiToken;
}

const tokens = () => partnersDb.conn.db!.collection('api_tokens');

async function works(token: string): Promise<boolean> {
  const r = await t.query(token, '{ viewer { role } }');
  if (r.status === 200 && !r.errors) return true;
  expect(r.status).toBe(401);
  expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(r.data ?? undefined).toBeUndefined();
  return false;
}

describe('creating a token', () => {
  it('shows the secret once and stores only its hash', async () => {
    const created = await createToken(DEMO.vendor, { name: 'ci pipeline' });
    const [id, secret] = [
      created.secret.slice(0, created.secret.indexOf(':')),
      created.secret.split(':')[1]!,
    ];
    expect(id).toBe(created.token.id);
    expect(id).toMatch(/^SU-\d{3}-\d{3}-\d{3}$/);
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect(created.token).toMatchObject({
      name: 'ci pipeline',
      admin: false,
      status: 'ACTIVE',
      expiresAt: null,
    });

    const stored = await tokens().findOne({ _id: id as never });
    expect(stored?.secretHash).toBe(createHash('sha256').update(secret).digest('hex'));
    // Nowhere in the partners database (token, change log, feed…) is the secret itself.
    for (const c of await partnersDb.conn.db!.listCollections().toArray()) {
      const docs = await partnersDb.conn.db!.collection(c.name).find({}).toArray();
      expect(JSON.stringify(docs), `collection ${c.name}`).not.toContain(secret);
    }
    // Nor in any later answer.
    const listed = await t.query(
      DEMO.vendor,
      '{ apiTokens(first: 100) { edges { node { id name status } } } }',
    );
    expect(JSON.stringify(listed)).toContain(id);
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it('gives a working token that knows its account, role and itself', async () => {
    const created = await createToken(DEMO.distributor, { name: 'billing' });
    const data = await t.queryOk<{
      viewer: {
        role: string;
        tokenId: string;
        account: { id: string };
        token: { id: string; admin: boolean };
      };
    }>(created.secret, VIEWER);
    expect(data.viewer).toMatchObject({
      role: 'DISTRIBUTOR',
      tokenId: created.token.id,
      account: { id: 'PA-200-001' },
      token: { id: created.token.id, admin: false, status: 'ACTIVE' },
    });
  });

  it('refuses bad input with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const before = await tokens().countDocuments({});
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '   ' }, 'input.name'],
      [{ name: 'x'.repeat(101) }, 'input.name'],
      [{ name: 'old', expiresAt: '2020-01-01T00:00:00Z' }, 'input.expiresAt'],
      [{ name: 'other', account: 'PRD-100-000-001' }, 'input.account'],
    ];
    for (const [input, field] of cases) {
      const r = await t.query(DEMO.operator, CREATE, { input });
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.extensions?.field).toBe(field);
    }
    const badDate = await t.query(DEMO.operator, CREATE, { input: { name: 'x', expiresAt: 'tomorrow' } });
    expect(badDate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(badDate.errors?.[0]?.message).toMatch(/input\.expiresAt.*ISO-8601/);
    expect(await tokens().countDocuments({})).toBe(before);
  });
});

describe('who manages tokens', () => {
  it('refuses a non-admin token, and lets an admin token create admin tokens of its account', async () => {
    const plain = await createToken(DEMO.vendor, { name: 'read only' });
    const before = await tokens().countDocuments({});
    const create = await t.query(plain.secret, CREATE, { input: { name: 'sneaky' } });
    expect(create.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(create.errors?.[0]?.message).toBe('only an admin token may create API tokens');
    const revoke = await t.query(plain.secret, REVOKE, { id: plain.token.id });
    expect(revoke.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await tokens().countDocuments({})).toBe(before);

    const admin = await createToken(DEMO.vendor, { name: 'second admin', admin: true });
    expect(admin.token.admin).toBe(true);
    const byAdmin = await createToken(admin.secret, { name: 'made by the second admin' });
    expect(byAdmin.token).toMatchObject({ admin: false, account: { id: 'VA-100-001' } });
  });

  it("keeps a tenant off another account's tokens: FORBIDDEN to create, NOT_FOUND (like a missing one) to revoke", async () => {
    const other = await t.query(DEMO.vendor, CREATE, { input: { name: 'x', account: 'VA-100-002' } });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const invisible = await t.query(DEMO.vendor, REVOKE, { id: 'SU-000-000-005' });
    const missing = await t.query(DEMO.vendor, REVOKE, { id: 'SU-999-999-999' });
    expect(invisible.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(invisible.errors?.[0]?.message.replace('SU-000-000-005', '<id>')).toBe(
      missing.errors?.[0]?.message.replace('SU-999-999-999', '<id>'),
    );
    expect(await works(DEMO.vendor2)).toBe(true);
  });

  it('lets the operator create an account whose first token is an admin token', async () => {
    const { createAccount } = await t.queryOk<{ createAccount: { account: { id: string } } }>(
      DEMO.operator,
      'mutation { createAccount(input: { name: "Hooli Reseller", role: RESELLER }) { account { id } } }',
    );
    const refusedPlain = await t.query(DEMO.operator, CREATE, {
      input: { name: 'first', account: createAccount.account.id, admin: false },
    });
    expect(refusedPlain.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refusedPlain.errors?.[0]?.extensions?.field).toBe('input.admin');

    const first = await createToken(DEMO.operator, { name: 'first', account: createAccount.account.id });
    expect(first.token.admin).toBe(true);
    const second = await createToken(DEMO.operator, { name: 'second', account: createAccount.account.id });
    expect(second.token.admin).toBe(false);
    const own = await createToken(first.secret, { name: 'own' });
    expect(own.token.admin).toBe(false);
    const viewer = await t.queryOk<{ viewer: { role: string; account: { id: string } } }>(own.secret, VIEWER);
    expect(viewer.viewer).toMatchObject({ role: 'RESELLER', account: { id: createAccount.account.id } });
  });
});

describe('revoking a token', () => {
  it('is honoured until the cache bound and refused after it', async () => {
    const victim = await createToken(DEMO.vendor, { name: 'to revoke' });
    const warmedAt = Date.now();
    expect(await works(victim.secret)).toBe(true); // the gateway now trusts it for CACHE_SECONDS
    const revoked = await t.queryOk<{ revokeApiToken: { apiToken: { status: string; revokedAt: string } } }>(
      DEMO.vendor,
      REVOKE,
      { id: victim.token.id },
    );
    const revokedAt = Date.now();
    expect(revoked.revokeApiToken.apiToken.status).toBe('REVOKED');
    // Still inside the bound: the cached verdict answers (checked only while clearly inside it).
    if (Date.now() - warmedAt < CACHE_SECONDS * 1000 - 500) expect(await works(victim.secret)).toBe(true);
    await sleep(revokedAt + CACHE_SECONDS * 1000 + 200 - Date.now());
    expect(await works(victim.secret)).toBe(false);
    expect(await works(victim.secret)).toBe(false);
  });

  it('takes token management away from a revoked admin token at once, whatever the gateway cache says', async () => {
    const admin = await createToken(DEMO.vendor, { name: 'admin to revoke', admin: true });
    expect(await works(admin.secret)).toBe(true);
    await t.queryOk(DEMO.vendor, REVOKE, { id: admin.token.id });
    const before = await tokens().countDocuments({});
    const r = await t.query(admin.secret, CREATE, { input: { name: 'after revocation' } });
    expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(r.errors?.[0]?.extensions?.code);
    expect(await tokens().countDocuments({})).toBe(before);
  });

  it('is race-free and safe to retry: concurrent revocations record one change and agree on its time', async () => {
    const victim = await createToken(DEMO.vendor, { name: 'revoked six times' });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.queryOk<{ revokeApiToken: { apiToken: { status: string; revokedAt: string } } }>(
          DEMO.vendor,
          REVOKE,
          {
            id: victim.token.id,
          },
        ),
      ),
    );
    const times = new Set(answers.map((a) => a.revokeApiToken.apiToken.revokedAt));
    expect(answers.every((a) => a.revokeApiToken.apiToken.status === 'REVOKED')).toBe(true);
    expect(times.size).toBe(1);
    const retry = await t.queryOk<{ revokeApiToken: { apiToken: { revokedAt: string } } }>(
      DEMO.vendor,
      REVOKE,
      {
        id: victim.token.id,
      },
    );
    expect(retry.revokeApiToken.apiToken.revokedAt).toBe([...times][0]);
    const db = partnersDb.conn.db!;
    expect(
      await db.collection('changes').countDocuments({ entityId: victim.token.id, kind: 'revoked' }),
    ).toBe(1);
    expect(await db.collection('feed').countDocuments({ entityId: victim.token.id, kind: 'revoked' })).toBe(
      1,
    );
  });
});

describe('an expiring token', () => {
  it('works until it expires, then is refused by the gateway and by the token check itself', async () => {
    const expiresAt = new Date(Date.now() + 1500);
    const created = await createToken(DEMO.vendor, {
      name: 'short lived',
      expiresAt: expiresAt.toISOString(),
    });
    expect(created.token.expiresAt).toBe(expiresAt.toISOString());
    expect(await works(created.secret)).toBe(true);
    // Refused right after expiry, although the cache bound (CACHE_SECONDS) has not passed: a verdict is
    // never cached past the token's expiry.
    await sleep(expiresAt.getTime() + 150 - Date.now());
    expect(await works(created.secret)).toBe(false);

    const service = await t.signer.sign({ accountId: 'service:gateway', role: 'SERVICE' }, 'test');
    const direct = await graphql<{ authenticate: unknown }>(
      t.stack.urlOf('partners'),
      'query($token: String!) { authenticate(token: $token) { accountId } }',
      { token: created.secret },
      { headers: { 'x-daas-identity': service } },
    );
    expect(direct.data?.authenticate).toBeNull();
    const listed = await t.queryOk<{ apiTokens: { edges: { node: { id: string; status: string } }[] } }>(
      DEMO.vendor,
      '{ apiTokens(first: 500) { edges { node { id status } } } }',
    );
    expect(listed.apiTokens.edges.find((e) => e.node.id === created.token.id)?.node.status).toBe('EXPIRED');
  });
});

describe('bad credentials at the gateway', () => {
  it('refuses a tampered or unknown secret without disturbing the real token', async () => {
    const real = DEMO.reseller;
    const last = real.at(-1)!;
    const tampered = `${real.slice(0, -1)}${last === 'x' ? 'y' : 'x'}`;
    const otherSecret = `SU-000-000-004:${DEMO.vendor.split(':')[1]}`;
    for (const bad of [tampered, otherSecret, 'SU-999-999-999:demo-reseller-secret']) {
      const r = await t.query(bad, '{ viewer { role } }');
      expect(r.status).toBe(401);
      expect(r.errors?.[0]?.message).toBe('invalid, expired or revoked API token');
    }
    expect(await works(real)).toBe(true);
  });

  it('refuses malformed Authorization headers with UNAUTHENTICATED', async () => {
    for (const header of [
      'Basic dXNlcjpwYXNz',
      'Bearer',
      'Bearer a b',
      'Token SU-000-000-002:demo-vendor-secret',
      'Bearer SU-000-000-002',
      'Bearer not-a-token',
      '   ',
    ]) {
      const r = await graphql(
        t.gatewayUrl,
        '{ viewer { role } }',
        {},
        { headers: { authorization: header } },
      );
      expect(r.status, header).toBe(401);
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(r.data ?? undefined).toBeUndefined();
    }
    // Connect's own scheme is accepted.
    const apiKey = await graphql<{ viewer: { role: string } }>(
      t.gatewayUrl,
      '{ viewer { role } }',
      {},
      { headers: { authorization: `ApiKey ${DEMO.vendor}` } },
    );
    expect(apiKey.data?.viewer.role).toBe('VENDOR');
  });

  it('accepts a signed identity as a bearer only from a platform service signed with a current key', async () => {
    const user = await t.signer.sign({ accountId: 'OA-000-001', role: 'OPERATOR' }, 'attacker');
    const wrongKey = await new IdentitySigner([{ kid: 'test', secret: 'w'.repeat(40) }]).sign(
      { accountId: 'service:x', role: 'SERVICE' },
      'attacker',
    );
    const unknownKid = await new IdentitySigner([{ kid: 'gone', secret: 'g'.repeat(40) }]).sign(
      { accountId: 'service:x', role: 'SERVICE' },
      'attacker',
    );
    for (const bearer of [user, wrongKey, unknownKid]) {
      const r = await t.query(bearer, '{ products(first: 1) { totalCount } }');
      expect(r.status).toBe(401);
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const service = await t.signer.sign({ accountId: 'service:usage', role: 'SERVICE' }, 'usage');
    const ok = await t.queryOk<{ products: { totalCount: number } }>(
      service,
      '{ products(first: 1) { totalCount } }',
    );
    expect(ok.products.totalCount).toBeGreaterThan(0);
  });
});

describe('identities at a subgraph', () => {
  it('refuses a wrong signature, an unknown key id, a tampered payload and an unsigned token', async () => {
    const claims = { accountId: 'OA-000-001', role: 'OPERATOR' } as const;
    const wrongKey = await new IdentitySigner([{ kid: 'test', secret: 'w'.repeat(40) }]).sign(
      claims,
      'attacker',
    );
    const unknownKid = await new IdentitySigner([{ kid: 'gone', secret: 'g'.repeat(40) }]).sign(
      claims,
      'attacker',
    );
    const genuine = await t.signer.sign({ accountId: 'VA-100-002', role: 'VENDOR' }, 'gateway');
    const [header, payload, signature] = genuine.split('.') as [string, string, string];
    const escalated = JSON.parse(Buffer.from(payload, 'base64url').toString());
    escalated.role = 'OPERATOR';
    const tampered = `${header}.${Buffer.from(JSON.stringify(escalated)).toString('base64url')}.${signature}`;
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    const query = '{ apiTokens(first: 100) { totalCount edges { node { id } } } }';
    for (const identity of [wrongKey, unknownKid, tampered, none]) {
      const r = await graphql(
        t.stack.urlOf('partners'),
        query,
        {},
        { headers: { 'x-daas-identity': identity } },
      );
      expect(r.status).toBe(401);
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(r.data).toBeUndefined();
    }
    const ok = await graphql<{ apiTokens: { edges: { node: { id: string } }[] } }>(
      t.stack.urlOf('partners'),
      query,
      {},
      { headers: { 'x-daas-identity': genuine } },
    );
    expect(ok.data?.apiTokens.edges.map((e) => e.node.id)).toEqual(['SU-000-000-005']);
  });
});
