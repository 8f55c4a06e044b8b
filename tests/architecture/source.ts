// Reads the source of every workspace package with TypeScript's own parser, for the architecture tests
// (import-cycles.test.ts, writes.test.ts): no new dependency, and no regular expression guessing at syntax.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(import.meta.dirname, '../..');

/** The `src` folder of every workspace package (subgraphs/*, gateway, gateway/ide, sdk) and its name. */
export function packageSources(): { dir: string; name: string; src: string }[] {
  const dirs = [
    ...readdirSync(join(ROOT, 'subgraphs')).map((d) => join('subgraphs', d)),
    'gateway',
    join('gateway', 'ide'),
    'sdk',
  ];
  return dirs
    .filter((d) => existsSync(join(ROOT, d, 'src')))
    .map((d) => ({
      dir: d,
      name: (JSON.parse(readFileSync(join(ROOT, d, 'package.json'), 'utf8')) as { name: string }).name,
      src: join(ROOT, d, 'src'),
    }));
}

/** Every .ts/.tsx file under `dir` (no declaration files, no node_modules). */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

export function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** The module specifiers a file imports or re-exports (type-only ones too: a loop of types is still a loop). */
export function importsOf(source: ts.SourceFile): string[] {
  const specs: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      specs.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs;
}

/** The file a relative specifier names (`./x.js` is `./x.ts` in the source), or null for a package. */
export function resolveRelative(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  const candidates = [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    base,
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

export const rel = (file: string) => relative(ROOT, file);
