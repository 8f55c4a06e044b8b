// The query cost estimate (limits.ts) on the API schema: what it counts, that variables and nested lists
// multiply, that no document makes it slow, and that every operation the platform ships fits the default.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@daas/kit';
import {
  buildSchema,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchemaSdl } from '../../schema/api-schema.js';
import { gatewayConfigShape } from '../src/config.js';
import { ambiguousPath, routeFor } from '../src/http-routes.js';
import { costLimit, operationCost, tokenLimitError } from '../src/limits.js';

const schema = buildSchema(apiSchemaSdl());
const DEFAULT_MAX = loadConfig(gatewayConfigShape, { IDENTITY_KEYS: `k:${'s'.repeat(40)}` }).MAX_QUERY_COST;

function cost(query: string, variables: Record<string, unknown> | 'unknown' = {}): number {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return operationCost(schema, document, operation, variables);
}

describe('query cost', () => {
  it('counts objects, not scalars, and multiplies a page by its size', () => {
    expect(cost('{ viewer { role } }')).toBe(1);
    // connection 1 + 500 × (edge 1 + node 1)
    expect(cost('{ products(first: 500) { edges { node { id name } } } }')).toBe(1001);
    expect(cost('{ products(first: 500) { totalCount } }')).toBe(1);
    // no `first`: the subgraphs' default page of 20
    expect(cost('{ products { edges { node { id } } } }')).toBe(41);
    // above the largest page the subgraphs serve (they refuse it): counted as that page
    expect(cost('{ products(first: 100000) { edges { node { id } } } }')).toBe(1001);
  });

  it('multiplies nested pages, reading sizes from variables', () => {
    const query = `query($n: Int) { assets(first: $n) { edges { node {
      product { assets(first: $n) { edges { node { id } } } } } } } }`;
    // 1 + n × (1 + 1 + product 1 + (1 + n × 2))
    expect(cost(query, { n: 500 })).toBe(1 + 500 * (3 + 1 + 1000));
    expect(cost(query, { n: 5 })).toBe(1 + 5 * (3 + 1 + 10));
    // unknown variables (a subscription's validation) count as the largest page
    expect(cost(query, 'unknown')).toBe(cost(query, { n: 500 }));
    expect(cost(query.replace('$n: Int', '$n: Int = 7'), 'unknown')).toBe(cost(query, { n: 7 }));
  });

  it('adds up aliases, fragments and inline fragments, and charges a mutation its write', () => {
    const aliases = Array.from(
      { length: 100 },
      (_, i) => `p${i}: products(first: 500) { edges { node { id } } }`,
    );
    expect(cost(`{ ${aliases.join(' ')} }`)).toBe(100 * 1001);
    expect(
      cost(
        `{ products(first: 10) { ...Page } } fragment Page on ProductConnection { edges { node { id } } }`,
      ),
    ).toBe(21);
    expect(cost('mutation { createHub(input: { name: "x" }) { hub { id } } }')).toBe(10 + 2);
    expect(cost('{ __schema { types { name fields { name } } } }')).toBe(0);
  });

  it('stays linear for fragments spread twice at every level, and ends on a cycle', () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) =>
        `fragment F${i} on Query { ${i + 1 < levels ? `...F${i + 1} a${i}: viewer { role } ...F${i + 1}` : 'viewer { role }'} }`,
    );
    const started = performance.now();
    const value = cost(`{ ...F0 } ${fragments.join(' ')}`);
    expect(value).toBe(2 ** levels - 1);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(cost('{ ...A } fragment A on Query { viewer { role } ...A }')).toBe(1);
  });

  it('as a validation rule, refuses with LIMIT_EXCEEDED, the estimate and the limit', () => {
    const document = parse('{ products(first: 500) { edges { node { id } } } }');
    const errors = validate(schema, document, [...specifiedRules, costLimit(1000)]);
    expect(errors.map((e) => e.extensions)).toEqual([{ code: 'LIMIT_EXCEEDED', cost: 1001, maxCost: 1000 }]);
  });

  it('lets every IDE example and SDK operation through at the default limit', () => {
    const dirs = ['../ide/src/examples/', '../../sdk/operations/'].map((d) =>
      fileURLToPath(new URL(d, import.meta.url)),
    );
    const files = dirs.flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.graphql'))
        .map((f) => d + f),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      // variables unknown: every page size counts as the largest
      expect(cost(readFileSync(file, 'utf8'), 'unknown'), file).toBeLessThanOrEqual(DEFAULT_MAX);
    }
  });
});

describe('usage route paths', () => {
  it.each([
    '/usage/../graphql',
    '/usage/./files/UF-1/errors',
    '/usage/%2e%2e/metrics',
    '/usage/%2E./metrics',
    '/usage/..%2fmetrics',
    '/usage/..%2Fmetrics',
    '/usage/..\\metrics',
    '/usage/%5C..%5Cmetrics',
    '/usage/%252e%252e/metrics',
    '/usage/files/UF-1/errors/..',
  ])('%s is ambiguous', (path) => {
    expect(ambiguousPath(path)).toBe(true);
  });

  it('knows its routes by method and exact shape', () => {
    expect(ambiguousPath('/usage/files/UF-2025-05-1000-0001/upload')).toBe(false);
    expect(routeFor('POST', '/usage/files/UF-2025-05-1000-0001/upload')).toMatchObject({ subgraph: 'usage' });
    expect(routeFor('GET', '/usage/files/UF-2025-05-1000-0001/upload')).toBe('method');
    expect(routeFor('GET', '/usage/products/PRD-100-000-002/template')).toMatchObject({ method: 'GET' });
    for (const path of [
      '/usage/graphql',
      '/usage/metrics',
      '/usage/feed/position',
      '/usage/files/x/upload/',
    ]) {
      expect(routeFor('GET', path), path).toBeNull();
      expect(routeFor('POST', path), path).toBeNull();
    }
  });
});

describe('token limit', () => {
  it("turns the parser's token limit into LIMIT_EXCEEDED, and nothing else", () => {
    let error: unknown;
    try {
      parse('{ a b c d e f }', { maxTokens: 4 });
    } catch (e) {
      error = e;
    }
    expect(tokenLimitError(error, 4)?.extensions).toEqual({ code: 'LIMIT_EXCEEDED', maxTokens: 4 });
    expect(tokenLimitError(new GraphQLError('Syntax Error: Expected Name'), 4)).toBeNull();
  });
});
