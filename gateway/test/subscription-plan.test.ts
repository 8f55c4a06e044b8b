// The per-event half of federated subscriptions, on a two-subgraph supergraph: the planner's primary
// fetch goes to the owning subgraph with the resume cursor added, and each event runs the rest of the plan
// (here an entity fetch to the other subgraph), shaped for the client's selection. The other subgraph is
// a data source answering `_entities` from a table, so the test sees exactly what the gateway asked.

import { composeServices } from '@apollo/composition';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createLogger } from '@daas/kit';
import { parse, type ValidationRule } from 'graphql';
import { describe, expect, it } from 'vitest';
import { costLimit, depthLimit } from '../src/limits.js';
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

  it('refuses what it cannot serve with the code HTTP gives the same fault', () => {
    const p = planner();
    const codeOf = (query: string, operationName?: string, rules = [] as ValidationRule[]) => {
      const errors = p.prepare(parse(query), operationName, rules);
      expect(Array.isArray(errors), query).toBe(true);
      return (errors as unknown as { extensions: { code: string } }[])[0]!.extensions.code;
    };
    const two = 'subscription A { requestChanged { status } } subscription B { requestChanged { status } }';
    expect(codeOf('subscription { requestChanged { nope } }')).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(codeOf(two)).toBe('OPERATION_RESOLUTION_FAILURE');
    expect(codeOf(two, 'C')).toBe('OPERATION_RESOLUTION_FAILURE');
    expect(codeOf('subscription A { requestChanged { status } }', 'B')).toBe('OPERATION_RESOLUTION_FAILURE');
    // HTTP refuses a subscription with BAD_REQUEST; the socket, a query
    expect(codeOf('{ product(id: "1") { name } }')).toBe('BAD_REQUEST');
    expect(codeOf('subscription { ...F } fragment F on Subscription { requestChanged { status } }')).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    // a limit's own code is kept: requestChanged, request and product cost 1 each; the depth is 4
    expect(codeOf(QUERY, undefined, [costLimit(2)])).toBe('LIMIT_EXCEEDED');
    expect(codeOf(QUERY, undefined, [depthLimit(3)])).toBe('LIMIT_EXCEEDED');
    expect(Array.isArray(p.prepare(parse(QUERY), undefined, [costLimit(3), depthLimit(4)]))).toBe(false);
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
