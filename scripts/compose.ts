// `pnpm compose`: writes schema/supergraph.graphql from the subgraph schemas.
import { writeFileSync } from 'node:fs';
import { CompositionError, composeSupergraph, SUPERGRAPH_PATH } from '../schema/compose.js';

try {
  const sdl = composeSupergraph();
  writeFileSync(SUPERGRAPH_PATH, sdl);
  process.stdout.write(`wrote ${SUPERGRAPH_PATH} (${sdl.length} bytes)\n`);
} catch (e) {
  if (e instanceof CompositionError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
