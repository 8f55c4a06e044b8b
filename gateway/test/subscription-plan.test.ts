// The per-event half of federated subscriptions, on a two-subgraph supergraph: the planner's primary
// fetch goes to the owning subgraph with the resume cursor added, and each event runs the rest of the plan
// (here an entity fetch to the other subgraph), shaped for the client's selection. The other subgraph is
// a data source answering `_entities` from a table, so the test sees exactly what the gateway asked.

import { composeServices } from '@apollo/composition';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createLogger } from '@daas/kit';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { cursorOf, eventPlan, executeEvent } from '../src/subscriptions/event-execution.js';
import { type PreparedSubscription, SubscriptionPlanner } from '../src/subscriptions/planning.js';
import { withAfterLiteral } from '../src/subscriptions/upstream.js';

const REQUESTS = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Product @key(fields: "id", resolvable: false) { id: ID! }
  type Request @key(fields: "id") { id: ID! status: String! product: Product }
  type RequestChange { cursor: String! status: String request: Request! }
  type Query { request(id: ID!): Request }
  type Subscription { requestChanged(productId: ID, after: String): RequestChange }
`;
const PRODUCTS = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Product @key(fields: "id") { id: ID! name: String! }
  type Query { product(id: ID!): Product }
`;

function planner(): SubscriptionPlanner {
  const composed = composeServices([
    { name: 'requests', url: 'http://requests/graphql', typeDefs: parse(REQUESTS) },
    { name: 'products', url: 'http://products/graphql', typeDefs: parse(PRODUCTS) },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  const p = new SubscriptionPlanner();
  p.load(composed.supergraphSdl);
  return p;
}

/** A products subgraph answering entity fetches from a table; `fail` makes it answer with an error. */
function productsSource(names: Record<string, string>, calls: unknown[], fail = false): GraphQLDataSource {
  return {
    process: async (options: GraphQLDataSourceProcessOptions) => {
      calls.push(options.request.variables);
      if (fail) return { errors: [{ message: 'products is down', extensions: { code: 'INTERNAL' } }] };
      const reps = (options.request.variables?.representations ?? []) as { id: string }[];
      return { data: { _entities: reps.map((r) => ({ __typename: 'Product', name: names[r.id] })) } };
    },
  };
}

const context = {
  identity: { accountId: 'VA-1', role: 'VENDOR' as const },
  requestId: 'r',
  log: createLogger('t', 'silent'),
};

const QUERY = `subscription($p: ID) {
  changed: requestChanged(productId: $p) { status request { id product { name } } }
}`;

function prepare(query = QUERY): PreparedSubscription {
  const prepared = planner().prepare(parse(query), undefined, []);
  if (Array.isArray(prepared)) throw new Error(prepared.map((e) => e.message).join('\n'));
  return prepared as PreparedSubscription;
}

const event = (cursor: string, product: string) => ({
  data: {
    changed: {
      status: 'approved',
      request: { id: 'PR-1', product: { __typename: 'Product', id: product } },
      _resumeCursor: cursor,
    },
  },
});

describe('subscription planning', () => {
  it('sends the primary fetch to the owning subgraph with the cursor asked for, and plans the rest', () => {
    const prepared = prepare();
    expect(prepared.service).toBe('requests');
    expect(prepared.primary.operation).toContain('_resumeCursor:cursor');
    expect(prepared.primary.operation).toContain('changed:requestChanged(productId:$p)');
    expect(prepared.rest).toBeDefined();
    expect(prepared.resumable).toBe(true);
    expect(prepared.responseKey).toBe('changed');
  });

  it('refuses what is not a valid subscription with BAD_USER_INPUT', () => {
    const p = planner();
    for (const q of ['subscription { requestChanged { nope } }', '{ product(id: "1") { name } }']) {
      const errors = p.prepare(parse(q), undefined, []);
      expect(Array.isArray(errors)).toBe(true);
      expect((errors as unknown as { extensions: { code: string } }[])[0]!.extensions.code).toBe(
        'BAD_USER_INPUT',
      );
    }
  });

  it('resumes by setting `after` in the primary operation', () => {
    const q = withAfterLiteral('subscription { requestChanged(productId: "P") { status } }', 'c1-42');
    expect(q).toContain('requestChanged(productId: "P", after: "c1-42")');
  });
});

describe('per-event execution of the rest of the plan', () => {
  it('resolves the fields of another subgraph for each event and hides the resume cursor', async () => {
    const prepared = prepare();
    const calls: unknown[] = [];
    const services = { products: productsSource({ 'PRD-1': 'Cloud Backup', 'PRD-2': 'Mail' }, calls) };
    const plan = eventPlan(prepared);
    const first = await executeEvent(prepared, plan, event('c1-1', 'PRD-1'), services, context, { p: null });
    const second = await executeEvent(prepared, plan, event('c1-2', 'PRD-2'), services, context, { p: null });
    expect(first).toEqual({
      data: { changed: { status: 'approved', request: { id: 'PR-1', product: { name: 'Cloud Backup' } } } },
    });
    expect(second.data).toEqual({
      changed: { status: 'approved', request: { id: 'PR-1', product: { name: 'Mail' } } },
    });
    expect(calls).toEqual([
      { representations: [{ __typename: 'Product', id: 'PRD-1' }] },
      { representations: [{ __typename: 'Product', id: 'PRD-2' }] },
    ]);
    expect(cursorOf(prepared, event('c1-9', 'PRD-1'))).toBe('c1-9');
  });

  it('turns a failure of the rest into an event with errors, keeping what the owning subgraph sent', async () => {
    const prepared = prepare();
    const services = { products: productsSource({}, [], true) };
    const result = await executeEvent(
      prepared,
      eventPlan(prepared),
      event('c1-1', 'PRD-1'),
      services,
      context,
      {},
    );
    expect(result.errors?.[0]?.message).toContain('products is down');
    expect((result.data as { changed: { status: string } }).changed.status).toBe('approved');
  });
});
