// Fetching N assets with their product and marketplace costs a constant number of subgraph fetches
// and database queries, whatever N is: every entity hop goes through a per-request DataLoader. And the
// operation counters those figures sit beside count each operation once, by name and outcome.
import { requestModels } from '@daas/requests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../scripts/seed/demo-data.js';
import { testChangeStore } from '../support/db.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ seed: true });
  // 120 more assets spread over the seeded products and marketplaces.
  const db = await t.database('requests');
  const store = await testChangeStore(db, { pollMs: 1000 });
  const { Asset } = requestModels(db.conn);
  const products = ['PRD-100-000-001', 'PRD-100-000-002', 'PRD-100-000-003'];
  const markets = ['MP-20001', 'MP-20002'];
  for (let i = 0; i < 120; i++) {
    await store.create({
      model: Asset,
      entityType: 'Asset',
      doc: {
        _id: `AS-2000-0000-${String(i).padStart(4, '0')}`,
        externalKey: `AS-2000-0000-${String(i).padStart(4, '0')}`,
        status: 'active',
        productId: products[i % 3]!,
        marketplaceId: markets[i % 2]!,
        vendor: 'VA-100-001',
        provider: 'PA-200-001',
        externalId: null,
        _acl: ['VA-100-001', 'PA-200-001'],
      },
      actor: { accountId: 'OA-000-001', role: 'OPERATOR' },
      partitionKey: 'VA-100-001',
    });
  }
});

afterAll(async () => {
  await t?.stop();
});

const QUERY =
  'query($n: Int) { assets(first: $n) { edges { node { id product { name vendor { name } } marketplace { name } } } } }';

async function cost(n: number) {
  // Entity collections only: the change feed's own polling runs in the background meanwhile.
  const services = ['partners', 'partners', 'products', 'requests'] as const;
  const collections = ['accounts', 'marketplaces', 'products', 'assets'];
  const before = {
    fetches: await t.metric('gateway', 'gateway_subgraph_fetches_total'),
    finds: await Promise.all(
      services.map((s, i) =>
        t.metric(s, 'db_commands_total', { command: 'find', collection: collections[i]! }),
      ),
    ),
  };
  const data = await t.queryOk<{ assets: { edges: { node: { product: { name: string } | null } }[] } }>(
    DEMO.operator,
    QUERY,
    { n },
  );
  expect(data.assets.edges).toHaveLength(n);
  expect(data.assets.edges.every((e) => e.node.product?.name)).toBe(true);
  const after = {
    fetches: await t.metric('gateway', 'gateway_subgraph_fetches_total'),
    finds: await Promise.all(
      services.map((s, i) =>
        t.metric(s, 'db_commands_total', { command: 'find', collection: collections[i]! }),
      ),
    ),
  };
  return {
    subgraphFetches: after.fetches - before.fetches,
    dbFinds: after.finds.reduce((sum, v, i) => sum + v - before.finds[i]!, 0),
  };
}

describe('N+1', () => {
  it('costs the same number of fetches and queries for 10 and 100 assets', async () => {
    const small = await cost(10);
    const large = await cost(100);
    // Printed for the record (the closing note quotes these).
    console.log(`N+1 check: 10 assets -> ${JSON.stringify(small)}; 100 assets -> ${JSON.stringify(large)}`);
    expect(large).toEqual(small);
    expect(small.subgraphFetches).toBe(4); // assets; products; vendor accounts + marketplaces (partners, two fetches)
  });
});

describe('operation metrics', () => {
  it('count each operation by name and outcome, in the gateway and in the subgraphs it reaches', async () => {
    const count = (service: 'gateway' | 'requests', name: string, outcome: string) =>
      t.metric(service, service === 'gateway' ? 'gateway_operations_total' : 'graphql_operations_total', {
        operation: name,
        outcome,
      });
    const before = await Promise.all([
      count('gateway', 'CountedAssets', 'ok'),
      count('gateway', 'CountedFailure', 'error'),
      count('requests', 'CountedAssets__requests__0', 'ok'),
    ]);
    await t.queryOk(DEMO.operator, 'query CountedAssets { assets(first: 2) { edges { node { id } } } }');
    const failed = await t.query(
      DEMO.operator,
      'query CountedFailure { asset(id: "AS-0000-0000-0000") { id } }',
    );
    expect(failed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const after = await Promise.all([
      count('gateway', 'CountedAssets', 'ok'),
      count('gateway', 'CountedFailure', 'error'),
      count('requests', 'CountedAssets__requests__0', 'ok'),
    ]);
    expect(after.map((v, i) => v - before[i]!)).toEqual([1, 1, 1]);
  });
});
