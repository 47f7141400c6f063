import { describe, expect, it } from 'vitest';
import { criticalPathIndexes, findCriticalPath } from '../../src/analysis/critical-path.js';
import { buildTree } from '../../src/model/build-tree.js';
import type { TraceTree } from '../../src/model/types.js';
import { deepChain, frozen, makeTrace, ms, type SpanSpec, sid } from '../helpers/make-span.js';

const toMs = (value: bigint): number => Number(value) / 1e6;

/** The critical path as `name start-end` (ms), in time order. */
const describePath = (tree: TraceTree): string[] =>
  findCriticalPath(tree).map((s) => `${s.node.span.name} ${toMs(s.start)}-${toMs(s.end)}`);

const criticalPath = (specs: SpanSpec[]): string[] => describePath(buildTree(makeTrace(specs)));

/** The example drawn in critical-path.ts. */
const DOC_EXAMPLE: SpanSpec[] = [
  { id: 'f', name: 'root', startMs: 0, endMs: 100 },
  { id: 'a', parent: 'f', name: 'A', startMs: 6, endMs: 20 },
  { id: 'c', parent: 'f', name: 'C', startMs: 10, endMs: 46 },
  { id: 'b', parent: 'f', name: 'B', startMs: 26, endMs: 90 },
  { id: 'b1a', parent: 'b', name: 'B1a', startMs: 30, endMs: 40 },
  { id: 'b1b', parent: 'b', name: 'B1b', startMs: 50, endMs: 80 },
];

describe('findCriticalPath', () => {
  it('walks the documented example', () => {
    const tree = buildTree(makeTrace(DOC_EXAMPLE));
    expect(describePath(tree)).toEqual([
      'root 0-6',
      'A 6-20',
      'root 20-26',
      'B 26-30',
      'B1a 30-40',
      'B 40-50',
      'B1b 50-80',
      'B 80-90',
      'root 90-100',
    ]);
    // nodes: root 0, A 1, C 2, B 3, B1a 4, B1b 5
    expect(criticalPathIndexes(findCriticalPath(tree))).toEqual(new Set([0, 1, 3, 4, 5]));
  });

  it('returns sections with the nodes of the tree and exact bounds', () => {
    const tree = buildTree(
      makeTrace([
        { id: 'a', name: 'root', startMs: 0, endMs: 10 },
        { id: 'b', parent: 'a', name: 'child', startMs: 2.5, endMs: 7.000001 },
      ]),
    );
    expect(findCriticalPath(tree)).toEqual([
      { node: tree.nodes[0], start: ms(0), end: ms(2.5) },
      { node: tree.nodes[1], start: ms(2.5), end: 7_000_001n },
      { node: tree.nodes[0], start: 7_000_001n, end: ms(10) },
    ]);
    expect(findCriticalPath(tree)[1]!.node).toBe(tree.byId.get(sid('b')));
  });

  it('walks a sequential trace end to end, the parent owning the gaps', () => {
    expect(
      criticalPath([
        { id: 'f', name: 'root', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'f', name: 'A', startMs: 10, endMs: 40 },
        { id: 'b', parent: 'f', name: 'B', startMs: 50, endMs: 90 },
      ]),
    ).toEqual(['root 0-10', 'A 10-40', 'root 40-50', 'B 50-90', 'root 90-100']);
  });

  it('like Jaeger, leaves a sibling that finished exactly when the next one started to the parent', () => {
    expect(
      criticalPath([
        { id: 'f', name: 'root', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'f', name: 'A', startMs: 10, endMs: 40 },
        { id: 'b', parent: 'f', name: 'B', startMs: 40, endMs: 90 },
      ]),
    ).toEqual(['root 0-40', 'B 40-90', 'root 90-100']);
  });

  it('follows the last child to finish among parallel ones, then those finished before it started', () => {
    /*
     * root |----------------------------------------|  0-100
     * A       |--------|                                5-30   finished before B started: on the path
     * C         |-----------------|                    10-60   overlaps B: not on the path
     * B                     |-----------------|        40-90   finishes last
     */
    expect(
      criticalPath([
        { id: 'f', name: 'root', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'f', name: 'A', startMs: 5, endMs: 30 },
        { id: 'b', parent: 'f', name: 'B', startMs: 40, endMs: 90 },
        { id: 'c', parent: 'f', name: 'C', startMs: 10, endMs: 60 },
      ]),
    ).toEqual(['root 0-5', 'A 5-30', 'root 30-40', 'B 40-90', 'root 90-100']);
  });

  it('of two children finishing together, follows the longer', () => {
    expect(
      criticalPath([
        { id: 'f', name: 'root', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'f', name: 'short', startMs: 20, endMs: 80 },
        { id: 'b', parent: 'f', name: 'long', startMs: 10, endMs: 80 },
      ]),
    ).toEqual(['root 0-10', 'long 10-80', 'root 80-100']);
  });

  it('clips a child that outlives its parent, and fits grandchildren into the clipped child', () => {
    /*
     * root |----------------------------------------|  0-100
     * A    |-------------------|                        0-50
     * B            |--------------------|              20-70   clipped to 20-50
     * B1                          |--|                 55-65   under B, after A ended: left out
     */
    expect(
      criticalPath([
        { id: 'f', name: 'root', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'f', name: 'A', startMs: 0, endMs: 50 },
        { id: 'b', parent: 'a', name: 'B', startMs: 20, endMs: 70 },
        { id: 'b1', parent: 'b', name: 'B1', startMs: 55, endMs: 65 },
      ]),
    ).toEqual(['A 0-20', 'B 20-50', 'root 50-100']);
  });

  it('clips a child that starts before its parent', () => {
    expect(
      criticalPath([
        { id: 'f', name: 'root', startMs: 10, endMs: 100 },
        { id: 'a', parent: 'f', name: 'early', startMs: 0, endMs: 30 },
      ]),
    ).toEqual(['early 10-30', 'root 30-100']);
  });

  it('ignores a child that starts after its parent ended, with its subtree', () => {
    expect(
      criticalPath([
        { id: 'f', name: 'root', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'f', name: 'A', startMs: 0, endMs: 50 },
        { id: 'c', parent: 'a', name: 'after A', startMs: 60, endMs: 95 },
        { id: 'c1', parent: 'c', name: 'under after A', startMs: 70, endMs: 80 },
      ]),
    ).toEqual(['A 0-50', 'root 50-100']);
  });

  it('ignores a child that ended before its parent started', () => {
    expect(
      criticalPath([
        { id: 'f', name: 'root', startMs: 10, endMs: 100 },
        { id: 'a', parent: 'f', name: 'before', startMs: 0, endMs: 10 },
      ]),
    ).toEqual(['root 10-100']);
  });

  it('starts from the root that ends last', () => {
    expect(
      criticalPath([
        { id: 'a', name: 'early root', startMs: 0, endMs: 10 },
        { id: 'b', name: 'late root', startMs: 5, endMs: 30 },
        { id: 'c', parent: 'a', name: 'child of early root', startMs: 1, endMs: 9 },
      ]),
    ).toEqual(['late root 5-30']);
  });

  it('of roots ending together, starts from the longest', () => {
    expect(
      criticalPath([
        { id: 'a', name: 'short root', startMs: 10, endMs: 30 },
        { id: 'b', name: 'long root', startMs: 0, endMs: 30 },
      ]),
    ).toEqual(['long root 0-30']);
  });

  it('can start from an orphan that outlives the real root', () => {
    expect(
      criticalPath([
        { id: 'a', name: 'root', startMs: 0, endMs: 50 },
        { id: 'b', parent: 'dead', name: 'orphan', startMs: 20, endMs: 60 },
        { id: 'c', parent: 'b', name: 'child', startMs: 30, endMs: 40 },
      ]),
    ).toEqual(['orphan 20-30', 'child 30-40', 'orphan 40-60']);
  });

  it('passes over a zero-length child without splitting its parent', () => {
    expect(
      criticalPath([
        { id: 'f', name: 'root', startMs: 0, endMs: 10 },
        { id: 'a', parent: 'f', name: 'instant', startMs: 5, endMs: 5 },
      ]),
    ).toEqual(['root 0-10']);
  });

  it('is one section for a lone span, and empty for no spans or a span that ends before it starts', () => {
    expect(criticalPath([{ id: 'a', name: 'only', startMs: 3, endMs: 4 }])).toEqual(['only 3-4']);
    expect(criticalPath([])).toEqual([]);
    expect(criticalPath([{ id: 'a', name: 'backwards', startMs: 4, endMs: 3 }])).toEqual([]);
  });

  it('tiles the root with sections in time order, each inside its span (2,000 random spans)', () => {
    let seed = 12345;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    const specs: SpanSpec[] = [{ id: '1', startMs: 0, endMs: 10_000 }];
    for (let i = 1; i < 2_000; i++) {
      const parent = specs[random(i)]!;
      const start = parent.startMs! + random(parent.endMs! - parent.startMs! + 20) - 10;
      specs.push({ id: (i + 1).toString(16), parent: parent.id, startMs: start, endMs: start + random(500) });
    }
    const tree = buildTree(makeTrace(specs));
    const sections = findCriticalPath(tree);
    expect(sections[0]!.start).toBe(ms(0));
    expect(sections.at(-1)!.end).toBe(ms(10_000));
    sections.forEach((section, i) => {
      expect(section.start).toBeLessThan(section.end);
      expect(section.start).toBeGreaterThanOrEqual(section.node.span.start);
      expect(section.end).toBeLessThanOrEqual(section.node.span.end);
      if (i > 0) expect(section.start).toBe(sections[i - 1]!.end);
    });
  });

  it('walks a 100,000-level chain without recursion', () => {
    const count = 100_000;
    const specs = deepChain(count);
    const sections = findCriticalPath(buildTree(makeTrace(specs)));
    const bounds = sections.map((s) => [s.node.index, toMs(s.start), toMs(s.end)]);
    expect(sections).toHaveLength(2 * count - 1);
    expect(bounds.slice(0, 2)).toEqual([
      [0, 0, 1],
      [1, 1, 2],
    ]);
    expect(bounds[count - 1]).toEqual([count - 1, count - 1, 300_000 - (count - 1)]);
    expect(bounds.at(-1)).toEqual([0, 299_999, 300_000]);
  });

  it('walks 100,000 sequential siblings in linear time', () => {
    const count = 100_000;
    const specs: SpanSpec[] = [{ id: '1', name: 'root', startMs: 0, endMs: 2 * count }];
    for (let i = 0; i < count; i++) {
      specs.push({ id: (i + 2).toString(16), parent: '1', startMs: 2 * i + 1, endMs: 2 * i + 2 });
    }
    const sections = findCriticalPath(buildTree(makeTrace(specs)));
    // root 0-1, child 1-2, root 2-3, child 3-4, …, child (2 count - 1)-(2 count)
    expect(sections).toHaveLength(2 * count);
    expect(sections.map((s) => s.node.index)).toEqual(
      Array.from({ length: 2 * count }, (_, i) => (i % 2 === 0 ? 0 : (i + 1) / 2)),
    );
    expect(sections.every((s, i) => s.start === ms(i) && s.end === ms(i + 1))).toBe(true);
  });

  it('never mutates the tree or the trace', () => {
    const trace = frozen(makeTrace(DOC_EXAMPLE));
    const tree = frozen(buildTree(trace));
    expect(findCriticalPath(tree)).toHaveLength(9);
  });
});

describe('criticalPathIndexes', () => {
  it('lists each node on the path once', () => {
    const tree = buildTree(
      makeTrace([
        { id: 'f', name: 'root', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'f', name: 'A', startMs: 10, endMs: 40 },
        { id: 'c', parent: 'f', name: 'C', startMs: 20, endMs: 60 },
        { id: 'b', parent: 'f', name: 'B', startMs: 50, endMs: 90 },
      ]),
    );
    expect([...criticalPathIndexes(findCriticalPath(tree))]).toEqual([0, 1, 3]);
    expect(criticalPathIndexes([])).toEqual(new Set());
  });
});
