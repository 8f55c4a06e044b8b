// The IDE's example operations must run against the schema the gateway serves: each one parses,
// validates, names its operation (the tab's title) and carries a demo token.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, Kind, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchemaSdl } from '../../schema/api-schema.js';
import { DEMO_TOKENS, demoToken } from '../../scripts/seed/demo-data.js';
import { exampleTab } from '../ide/src/example-file.js';

const DIR = fileURLToPath(new URL('../ide/src/examples/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.graphql'));
const schema = buildSchema(apiSchemaSdl());
const demoTokens = new Set(DEMO_TOKENS.map(demoToken));

describe('IDE example operations', () => {
  it.each(files)('%s is valid against the API schema and uses a demo token', (file) => {
    const source = readFileSync(join(DIR, file), 'utf8');
    const document = parse(source);
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
    const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    expect(operations).toHaveLength(1);
    expect(operations[0]?.name?.value).toBeTruthy();
    const tab = exampleTab(source);
    const authorization = (JSON.parse(tab.headers) as { Authorization: string }).Authorization;
    expect(demoTokens.has(authorization.replace(/^Bearer /, ''))).toBe(true);
    if (tab.variables) expect(() => JSON.parse(tab.variables!)).not.toThrow();
  });
});
