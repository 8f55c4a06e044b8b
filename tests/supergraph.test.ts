import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, SUPERGRAPH_PATH } from '../schema/compose.js';

describe('supergraph', () => {
  it('is up to date with the subgraph schemas (run `pnpm compose` after changing one)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraph());
  });
});
