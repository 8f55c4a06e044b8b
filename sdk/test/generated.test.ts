import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, generateTypes } from '../codegen/generate.js';

describe('the SDK', () => {
  it('has generated types matching sdk/operations and the supergraph (run `pnpm sdk:codegen`)', async () => {
    const fresh = await generateTypes();
    const checkedIn = readdirSync(GENERATED_DIR).sort();
    expect(checkedIn).toEqual(fresh.map((f) => f.path.slice(GENERATED_DIR.length + 1)).sort());
    for (const f of fresh) expect(readFileSync(f.path, 'utf8'), f.path).toBe(f.content);
  });

  it('refuses an operation the API schema does not have', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdk-ops-'));
    writeFileSync(join(dir, 'bad.graphql'), 'query Bad { viewer { noSuchField } }\n');
    await expect(generateTypes(join(dir, '*.graphql'))).rejects.toThrow(/noSuchField/);
  });
});
