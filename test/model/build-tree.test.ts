import { describe, expect, it } from 'vitest';
import { buildTree } from '../../src/model/build-tree.js';
import type { TraceTree } from '../../src/model/types.js';
import { frozen, makeTrace, sid } from '../helpers/make-span.js';

const names = (tree: TraceTree) => tree.nodes.map((n) => `${'  '.repeat(n.depth)}${n.span.name}`);

describe('buildTree', () => {
  it('nests children under parents in start order, pre-order numbering, never mutating input', () => {
    const trace = frozen(
      makeTrace([
        { id: 'c', parent: 'a', name: 'second child', startMs: 5, endMs: 6 },
        { id: 'b', parent: 'a', name: 'first child', startMs: 1, endMs: 4 },
        { id: 'd', parent: 'b', name: 'grandchild', startMs: 2, endMs: 3 },
        { id: 'a', name: 'root', startMs: 0, endMs: 10 },
      ]),
    );
    const tree = buildTree(trace);
    expect(names(tree)).toEqual(['root', '  first child', '    grandchild', '  second child']);
    expect(tree.nodes.map((n) => n.index)).toEqual([0, 1, 2, 3]);
    expect(tree.roots.map((r) => r.span.name)).toEqual(['root']);
    expect(tree.byId.get(sid('d'))!.parent!.span.name).toBe('first child');
    expect(tree.start).toBe(0n);
    expect(tree.end).toBe(10_000_000n);
  });

  it('keeps spans whose parent is missing as extra roots, marked', () => {
    const tree = buildTree(
      makeTrace([
        { id: 'a', name: 'root', startMs: 0, endMs: 10 },
        { id: 'x', parent: 'gone', name: 'orphan', startMs: 3, endMs: 4 },
      ]),
    );
    expect(tree.roots.map((r) => [r.span.name, r.parentMissing])).toEqual([
      ['root', false],
      ['orphan', true],
    ]);
  });

  it('keeps every span of a duplicated id; children attach to the first', () => {
    const tree = buildTree(
      makeTrace([
        { id: 'a', name: 'root', startMs: 0, endMs: 10 },
        { id: 'b', parent: 'a', name: 'first b', startMs: 1, endMs: 5 },
        { id: 'b', parent: 'a', name: 'second b', startMs: 2, endMs: 6 },
        { id: 'c', parent: 'b', name: 'child of b', startMs: 3, endMs: 4 },
      ]),
    );
    expect(tree.nodes).toHaveLength(4);
    expect(names(tree)).toEqual(['root', '  first b', '    child of b', '  second b']);
    expect(tree.nodes.map((n) => n.duplicateId)).toEqual([false, false, false, true]);
    expect(tree.byId.get(sid('b'))!.span.name).toBe('first b');
  });

  it('cuts a span that is its own parent', () => {
    const tree = buildTree(makeTrace([{ id: 'a', parent: 'a', name: 'self' }]));
    expect(tree.roots.map((r) => [r.span.name, r.cycleCut, r.parentMissing])).toEqual([
      ['self', true, false],
    ]);
  });

  it.each([
    [
      'two',
      [
        { id: 'a', parent: 'b', name: 'A', startMs: 1 },
        { id: 'b', parent: 'a', name: 'B', startMs: 0 },
      ],
      ['B', '  A'],
    ],
    [
      'three',
      [
        { id: 'a', parent: 'c', name: 'A', startMs: 2 },
        { id: 'b', parent: 'a', name: 'B', startMs: 1 },
        { id: 'c', parent: 'b', name: 'C', startMs: 0 },
        { id: 'd', parent: 'b', name: 'D (hangs off the loop)', startMs: 5 },
      ],
      ['C', '  A', '    B', '      D (hangs off the loop)'],
    ],
  ])('cuts a %s-span parent cycle at its earliest span', (_n, specs, expected) => {
    const tree = buildTree(makeTrace(specs));
    expect(names(tree)).toEqual(expected);
    expect(tree.roots).toHaveLength(1);
    expect(tree.roots[0]!.cycleCut).toBe(true);
    expect(tree.nodes).toHaveLength(specs.length);
  });

  it('builds a 100,000-level chain without recursion', () => {
    const specs = Array.from({ length: 100_000 }, (_, i) => ({
      id: (i + 1).toString(16),
      parent: i === 0 ? undefined : i.toString(16),
      startMs: i,
      endMs: 200_000 - i,
    }));
    const tree = buildTree(makeTrace(specs));
    expect(tree.nodes).toHaveLength(100_000);
    expect(tree.nodes[99_999]!.depth).toBe(99_999);
    expect(tree.roots).toHaveLength(1);
  });

  it('handles an empty trace', () => {
    const tree = buildTree({ traceId: makeTrace([]).traceId, spans: [], warnings: [] });
    expect(tree.nodes).toEqual([]);
    expect(tree.start).toBe(0n);
  });
});
