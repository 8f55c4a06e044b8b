// The import graph of the workspace's source: every file of every package's src, with an edge for each
// relative import and each import of another workspace package (to that package's src/index.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { importsOf, packageSources, parse, resolveRelative, sourceFiles } from './source.js';

export type Graph = Map<string, string[]>;

export function workspaceImportGraph(): Graph {
  const packages = packageSources();
  const entry = new Map(packages.map((p) => [p.name, join(p.src, 'index.ts')]));
  const graph: Graph = new Map();
  for (const p of packages) {
    for (const file of sourceFiles(p.src)) {
      const targets = importsOf(parse(file))
        .map((spec) => resolveRelative(file, spec) ?? entry.get(spec) ?? null)
        .filter((t): t is string => t !== null && existsSync(t));
      graph.set(file, [...new Set(targets)]);
    }
  }
  return graph;
}

/**
 * The import loops of a graph: each strongly connected component of more than one file (or a file that
 * imports itself), given as one loop through it, e.g. [a, b, a]. Tarjan's algorithm, iterative so a deep
 * graph cannot overflow the stack.
 */
export function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; i: number }[] = [{ node: root, i: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.i < edges.length) {
        const to = edges[frame.i++]!;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, i: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component = new Set<string>();
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.add(member);
      } while (member !== frame.node);
      if (component.size > 1 || edges.includes(frame.node)) found.push(loopThrough(graph, component));
    }
  }
  return found;
}

/** One loop inside a strongly connected component, from its first file back to it (breadth first: shortest). */
function loopThrough(graph: Graph, component: Set<string>): string[] {
  const start = [...component].sort()[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift()!;
    for (const to of graph.get(node) ?? []) {
      if (!component.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at = node; at !== start; at = cameFrom.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}
