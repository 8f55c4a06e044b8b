// `pnpm bench` runs every benchmark in this folder, one after another; `pnpm bench <name>` runs one
// (its exported name, or a prefix of its file name). A benchmark is a module exporting `benchmark`:
// a name, a one-line description and a run function that prints its figures.
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './lib/benchmark.js';

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .sort();

const found: { file: string; benchmark: Benchmark }[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { benchmark?: Benchmark };
  if (mod.benchmark) found.push({ file: basename(file, '.ts'), benchmark: mod.benchmark });
}

const wanted = process.argv[2];
const selected = wanted
  ? found.filter((b) => b.benchmark.name === wanted || b.file.startsWith(wanted))
  : found;
if (selected.length === 0) {
  process.stderr.write(
    `no benchmark named ${JSON.stringify(wanted)}; available:\n${found.map((b) => `  ${b.benchmark.name}  ${b.benchmark.description}`).join('\n')}\n`,
  );
  process.exit(2);
}

for (const { benchmark } of selected) {
  process.stdout.write(`\n== ${benchmark.name}: ${benchmark.description}\n`);
  await benchmark.run();
}
process.exit(0);
