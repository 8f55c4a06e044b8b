// Every document the REST service sends is valid against the API schema: a renamed field or input fails
// here, before any request does.
import { buildSchema, parse, validate } from 'graphql';
import { expect, it } from 'vitest';
import { apiSchemaSdl } from '../../schema/api-schema.js';
import * as ops from '../src/operations.js';

it('every GraphQL document of the REST service validates against the API schema', () => {
  const schema = buildSchema(apiSchemaSdl());
  const documents: [string, string][] = [];
  for (const [name, value] of Object.entries(ops)) {
    if (typeof value === 'string') documents.push([name, value]);
    else for (const [k, v] of Object.entries(value)) documents.push([`${name}.${k}`, v]);
  }
  expect(documents.length).toBeGreaterThan(10);
  const errors = documents.flatMap(([name, document]) =>
    validate(schema, parse(document)).map((e) => `${name}: ${e.message}`),
  );
  expect(errors).toEqual([]);
});
