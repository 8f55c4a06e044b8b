// `pnpm sdk:codegen`: regenerates sdk/src/generated after a change to an operation or the supergraph.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GENERATED_DIR, generateTypes } from './generate.js';

const files = await generateTypes();
rmSync(GENERATED_DIR, { recursive: true, force: true });
for (const f of files) {
  mkdirSync(dirname(f.path), { recursive: true });
  writeFileSync(f.path, f.content);
}
process.stdout.write(`wrote ${files.length} files to ${GENERATED_DIR}\n`);
