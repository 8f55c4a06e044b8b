// No import loops in any workspace package (issue 22): a loop means two modules are really one, or one of
// them holds something that belongs lower down. Type-only imports count too: they tie the files together
// for every reader, if not for the runtime.
import { describe, expect, it } from 'vitest';
import { cycles, type Graph, workspaceImportGraph } from './import-graph.js';
import { rel } from './source.js';

describe('the import graph', () => {
  it('finds a loop, and names every file of it in order', () => {
    const graph: Graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(cycles(graph)).toEqual([
      ['a', 'b', 'c', 'a'],
      ['e', 'e'],
    ]);
    expect(
      cycles(
        new Map([
          ['x', ['y']],
          ['y', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('of every workspace package has no loop', () => {
    const graph = workspaceImportGraph();
    // it did read the workspace: the kit and every subgraph are in it
    expect(graph.size).toBeGreaterThan(100);
    expect([...graph.keys()].some((f) => rel(f) === 'subgraphs/kit/src/index.ts')).toBe(true);
    const loops = cycles(graph).map((loop) => loop.map(rel).join(' -> '));
    expect(loops, `import loops:\n${loops.join('\n')}`).toEqual([]);
  });
});
