// The portal's typed documents are generated from portal/operations against the API schema and checked
// in; a changed supergraph or operation without `pnpm portal:codegen` fails here (and `tsc -p portal`
// then shows which screen uses what changed).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatePortalTypes, PORTAL_GENERATED_DIR } from '../../portal/codegen/generate.js';

describe('the portal', () => {
  it('has generated types matching portal/operations and the supergraph (run `pnpm portal:codegen`)', async () => {
    const fresh = await generatePortalTypes();
    const checkedIn = readdirSync(PORTAL_GENERATED_DIR).sort();
    expect(checkedIn).toEqual(fresh.map((f) => f.path.slice(PORTAL_GENERATED_DIR.length + 1)).sort());
    for (const f of fresh) expect(readFileSync(f.path, 'utf8'), f.path).toBe(f.content);
  });
});
