// Composes the four subgraph schemas into the supergraph the gateway serves, with @apollo/composition
// (no Rover binary). The checked-in schema/supergraph.graphql must equal this output (a test checks).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const SUBGRAPHS = [
  { name: 'partners', port: 4001 },
  { name: 'products', port: 4002 },
  { name: 'requests', port: 4003 },
  { name: 'usage', port: 4004 },
  { name: 'billing', port: 4007 },
  { name: 'extensions', port: 4006 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const SUPERGRAPH_PATH = join(ROOT, 'schema', 'supergraph.graphql');

export function subgraphSdl(name: SubgraphName): string {
  return readFileSync(join(ROOT, 'subgraphs', name, 'src', 'schema.graphql'), 'utf8');
}

export class CompositionError extends Error {
  constructor(readonly problems: string[]) {
    super(`Composition failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CompositionError';
  }
}

/** The supergraph SDL; routing URLs are the default local ports (the gateway can override them). */
export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPHS.map((s) => ({
      name: s.name,
      url: `http://127.0.0.1:${s.port}/graphql`,
      typeDefs: parse(subgraphSdl(s.name)),
    })),
  );
  if (result.errors) {
    throw new CompositionError(result.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`));
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}
