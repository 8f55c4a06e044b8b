// The walking skeleton end to end: real processes, real database, through the gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { ASSETS } from '../../scripts/seed/requests.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ seed: true });
});

afterAll(async () => {
  await t?.stop();
});

const ASSETS_QUERY = /* GraphQL */ `
  query Assets($first: Int) {
    assets(first: $first) {
      totalCount
      edges {
        node {
          id
          status
          product { id name vendor { id name } }
          marketplace { id name }
        }
      }
    }
  }
`;

describe('walking skeleton', () => {
  it('answers a query crossing three subgraphs with the seeded data', async () => {
    const data = await t.queryOk<{
      assets: {
        totalCount: number;
        edges: {
          node: {
            id: string;
            product: { name: string; vendor: { name: string } };
            marketplace: { name: string };
          };
        }[];
      };
    }>(DEMO.operator, ASSETS_QUERY, { first: 5 });
    // the fixed skeleton assets, plus the demo orders placed through the API
    expect(data.assets.totalCount).toBeGreaterThan(ASSETS.length);
    expect(data.assets.edges).toHaveLength(5);
    for (const { node } of data.assets.edges) {
      expect(node.product.name).toBeTruthy();
      expect(node.product.vendor.name).toBeTruthy();
      expect(node.marketplace.name).toBeTruthy();
    }
    const { asset: office } = await t.queryOk<{
      asset: { product: { name: string; vendor: { name: string } }; marketplace: { name: string } };
    }>(
      DEMO.operator,
      '{ asset(id: "AS-1000-0000-0003") { product { name vendor { name } } marketplace { name } } }',
    );
    expect(office.product.name).toBe('Acme Office Suite');
    expect(office.product.vendor.name).toBe('Acme Software');
    expect(office.marketplace.name).toBe('Globex Europe');
  });

  it("echoes the caller's x-request-id, or a new one per request", async () => {
    const post = (headers: Record<string, string>) =>
      fetch(t.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO.operator}`, ...headers },
        body: JSON.stringify({ query: '{ viewer { role } }' }),
      });
    const mine = await post({ 'x-request-id': 'skeleton-trace-1' });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('x-request-id')).toBe('skeleton-trace-1');
    const [a, b] = await Promise.all([post({}), post({})]);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(a.headers.get('x-request-id')).toMatch(uuid);
    expect(b.headers.get('x-request-id')).toMatch(uuid);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it('pages by cursor without overlap or gaps', async () => {
    const { assets } = await t.queryOk<{ assets: { totalCount: number } }>(
      DEMO.operator,
      '{ assets(first: 1) { totalCount } }',
    );
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: {
        assets: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      } = await t.queryOk(
        DEMO.operator,
        'query($after: String) { assets(first: 4, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      seen.push(...data.assets.edges.map((e) => e.node.id));
      if (!data.assets.pageInfo.hasNextPage) break;
      after = data.assets.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(assets.totalCount);
    expect(new Set(seen).size).toBe(assets.totalCount);
    for (const a of ASSETS) expect(seen).toContain(a._id);
  });

  it('resolves Asset.usageFiles from the usage subgraph', async () => {
    const data = await t.queryOk<{
      asset: { usageFiles: { edges: { node: { id: string; name: string } }[] } };
    }>(DEMO.operator, '{ asset(id: "AS-1000-0000-0002") { usageFiles { edges { node { id name } } } } }');
    // the two fixed demo files and the seed's live report for this month
    const files = data.asset.usageFiles.edges.map((e) => e.node);
    const month = new Date().toISOString().slice(0, 7);
    expect(
      files
        .map((f) => f.id)
        .filter((id) => id.startsWith('UF-2025-'))
        .sort(),
    ).toEqual(['UF-2025-05-1000-0001', 'UF-2025-06-1000-0002']);
    expect(files.filter((f) => !f.id.startsWith('UF-2025-')).map((f) => f.name)).toEqual([`Usage ${month}`]);
  });

  it('gives NOT_FOUND for an unknown id and BAD_USER_INPUT naming the field for a malformed one', async () => {
    const unknown = await t.query(DEMO.operator, '{ asset(id: "AS-9999-9999-9999") { id } }');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const malformed = await t.query(DEMO.operator, '{ asset(id: "PRD-100-000-001") { id } }');
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(malformed.errors?.[0]?.extensions?.field).toBe('id');
    expect(malformed.errors?.[0]?.message).toMatch(/product id/);
    const badPage = await t.query(DEMO.operator, '{ assets(first: 100000) { totalCount } }');
    expect(badPage.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses callers without a valid token, but lets them introspect', async () => {
    const anonymous = await t.query(undefined, '{ assets(first: 1) { totalCount } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const wrong = await t.query('SU-000-000-001:not-the-secret', '{ viewer { role } }');
    expect(wrong.status).toBe(401);
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const intro = await t.query<{ __schema: { queryType: { name: string } } }>(
      undefined,
      '{ __schema { queryType { name } } }',
    );
    expect(intro.data?.__schema.queryType.name).toBe('Query');
  });

  it('serves /health and /ready on every service', async () => {
    for (const name of ['gateway', 'partners', 'products', 'requests', 'usage'] as const) {
      const base = t.stack.urlOf(name).replace(/\/graphql$/, '');
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
    }
  });
});
