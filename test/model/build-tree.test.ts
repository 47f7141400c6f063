import { describe, expect, it } from 'vitest';
import { buildTree } from '../../src/model/build-tree.js';
import type { TraceTree } from '../../src/model/types.js';
import { deepChain, frozen, makeTrace, ms, sid } from '../helpers/make-span.js';

/** The tree as indented names, in `nodes` order. */
const outline = (tree: TraceTree): string[] =>
  tree.nodes.map((node) => `${'  '.repeat(node.depth)}${node.span.name}`);

const flags = (tree: TraceTree): string[] =>
  tree.nodes.map((node) =>
    [
      node.span.name,
      node.parentMissing ? 'parentMissing' : '',
      node.duplicateId ? 'duplicateId' : '',
      node.cycleCut ? 'cycleCut' : '',
    ]
      .filter(Boolean)
      .join(' '),
  );

describe('buildTree', () => {
  it('nests children under their parents in start order, numbered depth-first', () => {
    const tree = buildTree(
      makeTrace(
        [
          { id: 'c', parent: 'a', name: 'second child', startMs: 5, endMs: 6 },
          { id: 'b', parent: 'a', name: 'first child', startMs: 1, endMs: 4 },
          { id: 'd', parent: 'b', name: 'grandchild', startMs: 2, endMs: 3 },
          { id: 'a', name: 'root', startMs: 0, endMs: 10 },
        ],
        ['trace-level warning'],
      ),
    );
    expect(outline(tree)).toEqual(['root', '  first child', '    grandchild', '  second child']);
    expect(tree.nodes.map((n) => n.index)).toEqual([0, 1, 2, 3]);
    expect(tree.nodes.map((n) => n.depth)).toEqual([0, 1, 2, 1]);
    expect(tree.nodes.map((n) => n.parent?.index)).toEqual([undefined, 0, 1, 0]);
    expect(tree.nodes[0]!.children.map((c) => c.index)).toEqual([1, 3]);
    expect(tree.roots).toEqual([tree.nodes[0]]);
    expect([...tree.byId.keys()]).toEqual([sid('c'), sid('b'), sid('d'), sid('a')]);
    expect(tree.byId.get(sid('d'))).toBe(tree.nodes[2]);
    expect(tree.traceId).toBe(tree.nodes[0]!.span.traceId);
    expect(tree.warnings).toEqual(['trace-level warning']);
    expect(flags(tree)).toEqual(['root', 'first child', 'grandchild', 'second child']);
  });

  it('keeps input order among children and among roots that start together', () => {
    const tree = buildTree(
      makeTrace([
        { id: 'a', name: 'root 2', startMs: 3, endMs: 9 },
        { id: 'b', name: 'root 1', startMs: 0, endMs: 9 },
        { id: 'c', parent: 'b', name: 'later', startMs: 5 },
        { id: 'd', parent: 'b', name: 'tie first', startMs: 1 },
        { id: 'e', parent: 'b', name: 'tie second', startMs: 1 },
        { id: 'f', name: 'root 3', startMs: 3, endMs: 4 },
      ]),
    );
    expect(outline(tree)).toEqual(['root 1', '  tie first', '  tie second', '  later', 'root 2', 'root 3']);
    expect(tree.roots.map((r) => r.index)).toEqual([0, 4, 5]);
  });

  it('spans the trace from the earliest start to the latest end, even past the root', () => {
    const tree = buildTree(
      makeTrace([
        { id: 'a', name: 'root', startMs: 10, endMs: 20 },
        { id: 'b', parent: 'a', name: 'early child', startMs: 5, endMs: 12 },
        { id: 'c', parent: 'a', name: 'outliving child', startMs: 15, endMs: 40.5 },
      ]),
    );
    expect(tree.start).toBe(ms(5));
    expect(tree.end).toBe(ms(40.5));
  });

  it('makes spans whose parent is not in the trace extra roots, marked, with their subtrees', () => {
    const tree = buildTree(
      makeTrace([
        { id: 'a', name: 'root', startMs: 1, endMs: 10 },
        { id: 'b', parent: 'dead', name: 'orphan', startMs: 0, endMs: 4 },
        { id: 'c', parent: 'b', name: 'child of orphan', startMs: 1, endMs: 2 },
        { id: 'd', parent: 'beef', name: 'late orphan', startMs: 3, endMs: 4 },
      ]),
    );
    expect(outline(tree)).toEqual(['orphan', '  child of orphan', 'root', 'late orphan']);
    expect(flags(tree)).toEqual([
      'orphan parentMissing',
      'child of orphan',
      'root',
      'late orphan parentMissing',
    ]);
    expect(tree.roots.map((r) => r.span.name)).toEqual(['orphan', 'root', 'late orphan']);
  });

  it('keeps every span of a repeated id; byId and children go to the first', () => {
    const tree = buildTree(
      makeTrace([
        { id: 'a', name: 'root', startMs: 0, endMs: 10 },
        { id: 'b', parent: 'a', name: 'first b', startMs: 2, endMs: 5 },
        { id: 'b', parent: 'a', name: 'second b', startMs: 1, endMs: 6 },
        { id: 'c', parent: 'b', name: 'child of b', startMs: 3, endMs: 4 },
        { id: 'b', parent: 'c', name: 'third b, under c', startMs: 3, endMs: 4 },
        { id: 'a', name: 'second root a', startMs: 0, endMs: 1 },
      ]),
    );
    expect(tree.nodes).toHaveLength(6);
    expect(outline(tree)).toEqual([
      'root',
      '  second b',
      '  first b',
      '    child of b',
      '      third b, under c',
      'second root a',
    ]);
    expect(flags(tree)).toEqual([
      'root',
      'second b duplicateId',
      'first b',
      'child of b',
      'third b, under c duplicateId',
      'second root a duplicateId',
    ]);
    expect(tree.byId.size).toBe(3);
    expect(tree.byId.get(sid('b'))!.span.name).toBe('first b');
    expect(tree.byId.get(sid('a'))!.span.name).toBe('root');
  });

  it('cuts a span that names itself as parent, keeping its children', () => {
    const tree = buildTree(
      makeTrace([
        { id: 'a', name: 'root', startMs: 0, endMs: 10 },
        { id: 'b', parent: 'b', name: 'self parent', startMs: 1, endMs: 5 },
        { id: 'c', parent: 'b', name: 'child', startMs: 2, endMs: 3 },
      ]),
    );
    expect(outline(tree)).toEqual(['root', 'self parent', '  child']);
    expect(flags(tree)).toEqual(['root', 'self parent cycleCut', 'child']);
  });

  it('cuts a two-span cycle at the earlier span', () => {
    const tree = buildTree(
      makeTrace([
        { id: 'f', name: 'real root', startMs: 0, endMs: 10 },
        { id: 'a', parent: 'b', name: 'A', startMs: 2 },
        { id: 'b', parent: 'a', name: 'B', startMs: 1 },
      ]),
    );
    expect(outline(tree)).toEqual(['real root', 'B', '  A']);
    expect(flags(tree)).toEqual(['real root', 'B cycleCut', 'A']);
  });

  it('cuts a three-span cycle at its earliest span; a span hanging below the loop stays below', () => {
    // A -> C -> B -> A (an arrow points at the parent), D -> B
    const tree = buildTree(
      makeTrace([
        { id: 'a', parent: 'c', name: 'A', startMs: 2 },
        { id: 'b', parent: 'a', name: 'B', startMs: 3 },
        { id: 'c', parent: 'b', name: 'C', startMs: 1 },
        { id: 'd', parent: 'b', name: 'D', startMs: 5 },
      ]),
    );
    expect(outline(tree)).toEqual(['C', '  A', '    B', '      D']);
    expect(flags(tree)).toEqual(['C cycleCut', 'A', 'B', 'D']);
  });

  it('cuts at the earliest unreached span even when it hangs below the loop, then cuts the loop', () => {
    // A -> B -> A, D -> B; D starts first: D is cut first, which leaves the loop unreached still.
    const tree = buildTree(
      makeTrace([
        { id: 'a', parent: 'b', name: 'A', startMs: 2 },
        { id: 'b', parent: 'a', name: 'B', startMs: 3 },
        { id: 'd', parent: 'b', name: 'D', startMs: 1 },
      ]),
    );
    expect(outline(tree)).toEqual(['D', 'A', '  B']);
    expect(flags(tree)).toEqual(['D cycleCut', 'A cycleCut', 'B']);
  });

  it('cuts separate cycles separately; equal starts are cut in input order', () => {
    const tree = buildTree(
      makeTrace([
        { id: 'a', parent: 'b', name: 'A', startMs: 4 },
        { id: 'b', parent: 'a', name: 'B', startMs: 4 },
        { id: 'c', parent: 'd', name: 'C', startMs: 1 },
        { id: 'd', parent: 'c', name: 'D', startMs: 2 },
      ]),
    );
    expect(outline(tree)).toEqual(['C', '  D', 'A', '  B']);
    expect(flags(tree)).toEqual(['C cycleCut', 'D', 'A cycleCut', 'B']);
  });

  it('builds a 100,000-level chain listed leaf first, without recursion', () => {
    const tree = buildTree(makeTrace(deepChain(100_000).reverse()));
    expect(tree.nodes).toHaveLength(100_000);
    expect(tree.roots.map((r) => r.span.name)).toEqual(['s0']);
    expect(tree.nodes[99_999]!.span.name).toBe('s99999');
    expect(tree.nodes[99_999]!.depth).toBe(99_999);
    expect(tree.nodes[99_999]!.parent).toBe(tree.nodes[99_998]);
    expect(tree.nodes.every((node, i) => node.index === i && node.depth === i)).toBe(true);
  });

  it('cuts a 100,000-span cycle once, without recursion', () => {
    const count = 100_000;
    const specs = Array.from({ length: count }, (_, i) => ({
      id: (i + 1).toString(16),
      parent: (((i + 1) % count) + 1).toString(16),
      startMs: count - i,
    }));
    const tree = buildTree(makeTrace(specs));
    expect(tree.roots).toHaveLength(1);
    expect(tree.roots[0]!.span.spanId).toBe(sid(count.toString(16)));
    expect(tree.roots[0]!.cycleCut).toBe(true);
    expect(tree.nodes.filter((n) => n.cycleCut)).toHaveLength(1);
    expect(tree.nodes[count - 1]!.depth).toBe(count - 1);
  });

  it('never mutates its input', () => {
    const trace = makeTrace([
      { id: 'c', parent: 'a', startMs: 5, endMs: 6 },
      { id: 'b', parent: 'a', startMs: 1, endMs: 4 },
      { id: 'a', startMs: 0, endMs: 10 },
      { id: 'd', parent: 'e', startMs: 2 },
      { id: 'e', parent: 'd', startMs: 3 },
      { id: 'b', parent: 'b', startMs: 1 },
      { id: 'f', parent: 'dead', startMs: 1 },
    ]);
    const before = structuredClone(trace);
    expect(() => buildTree(frozen(trace))).not.toThrow();
    expect(trace).toEqual(before);
  });

  it('builds an empty tree from an empty trace', () => {
    const tree = buildTree(makeTrace([], ['no spans']));
    expect(tree.roots).toEqual([]);
    expect(tree.nodes).toEqual([]);
    expect(tree.byId.size).toBe(0);
    expect(tree.start).toBe(0n);
    expect(tree.end).toBe(0n);
    expect(tree.warnings).toEqual(['no spans']);
  });
});
