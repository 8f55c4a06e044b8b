// `pnpm portal:codegen`: regenerates portal/src/generated after a change to an operation or the supergraph.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generatePortalTypes, PORTAL_GENERATED_DIR } from './generate.js';

const files = await generatePortalTypes();
rmSync(PORTAL_GENERATED_DIR, { recursive: true, force: true });
for (const f of files) {
  mkdirSync(dirname(f.path), { recursive: true });
  writeFileSync(f.path, f.content);
}
process.stdout.write(`wrote ${files.length} files to ${PORTAL_GENERATED_DIR}\n`);
