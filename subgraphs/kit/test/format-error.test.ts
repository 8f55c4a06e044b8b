// What a client reads of an error (format-error.ts) and how many label values operation names may make
// (metrics.ts): the codes GraphQL tools expect are kept, internals are dropped outside development.
import {
  ALL_ERROR_CODES,
  boundedLabels,
  createFormatError,
  DOWNSTREAM_MESSAGE,
  limitExceeded,
  OTHER_LABEL,
} from '@daas/kit';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';

const production = createFormatError(false);
const development = createFormatError(true);
const format = (f: typeof production, error: GraphQLError) => f(error.toJSON(), error);

/** What Apollo Server does to a validation rule's error: it re-codes it, keeping the original inside. */
const asValidationFailure = (inner: GraphQLError) =>
  new GraphQLError(inner.message, {
    originalError: inner,
    extensions: { ...inner.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
  });

describe('formatError', () => {
  it.each([
    'GRAPHQL_PARSE_FAILED',
    'GRAPHQL_VALIDATION_FAILED',
    'BAD_REQUEST',
    'OPERATION_RESOLUTION_FAILURE',
  ])('keeps the protocol code %s', (code) => {
    expect(format(production, new GraphQLError('x', { extensions: { code } })).extensions?.code).toBe(code);
  });

  it("keeps a rule's own code under the validation wrapper, with its details", () => {
    const inner = new GraphQLError('too deep', {
      extensions: { code: 'LIMIT_EXCEEDED', depth: 20, maxDepth: 15 },
    });
    expect(format(production, asValidationFailure(inner)).extensions).toEqual({
      code: 'LIMIT_EXCEEDED',
      depth: 20,
      maxDepth: 15,
    });
  });

  it('names the domain error a resolver threw', () => {
    const thrown = new GraphQLError('x', { path: ['a'], originalError: limitExceeded('too many') });
    expect(format(production, thrown)).toMatchObject({
      message: 'too many',
      extensions: { code: 'LIMIT_EXCEEDED' },
    });
  });

  it('drops which subgraph answered and any stack outside development', () => {
    const fromSubgraph = new GraphQLError('Asset AS-1 not found', {
      extensions: { code: 'NOT_FOUND', serviceName: 'requests', stacktrace: ['at x'] },
    });
    expect(format(production, fromSubgraph).extensions).toEqual({ code: 'NOT_FOUND' });
    expect(format(development, fromSubgraph).extensions).toHaveProperty('serviceName', 'requests');
  });

  it('says only that a subgraph failed, in production; the cause in development', () => {
    const failed = new GraphQLError('the usage service failed: connect ECONNREFUSED 127.0.0.1:4004', {
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'usage' },
    });
    expect(format(production, failed)).toEqual({
      message: DOWNSTREAM_MESSAGE,
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' },
    });
    expect(format(development, failed).message).toMatch(/ECONNREFUSED/);
  });

  it('masks anything else as INTERNAL in production, and every answer has a code of the set', () => {
    const internal = format(
      production,
      new GraphQLError('E11000 duplicate key', { extensions: { code: 'X' } }),
    );
    expect(internal).toEqual({ message: 'Internal error', extensions: { code: 'INTERNAL' } });
    const persisted = format(
      production,
      new GraphQLError('x', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }),
    );
    expect(ALL_ERROR_CODES).toContain(persisted.extensions?.code);
  });
});

describe('boundedLabels', () => {
  it('keeps the first values and counts every later one as other', () => {
    const label = boundedLabels(3);
    expect(['a', 'b', 'a', 'c', 'd', 'e', 'b'].map(label)).toEqual([
      'a',
      'b',
      'a',
      'c',
      OTHER_LABEL,
      OTHER_LABEL,
      'b',
    ]);
  });
});
