import { describe, expect, it } from 'vitest';
import { computeSelfTimes } from '../../src/analysis/self-time.js';
import { buildTree } from '../../src/model/build-tree.js';
import { nanos } from '../../src/model/units.js';
import { deepChain, frozen, makeTrace, ms, type SpanSpec } from '../helpers/make-span.js';

/** Self times by span name, in ms. */
const selfTimes = (specs: SpanSpec[]): Record<string, number> => {
  const tree = buildTree(makeTrace(specs));
  const times = computeSelfTimes(tree);
  return Object.fromEntries(tree.nodes.map((node) => [node.span.name, Number(times[node.index]) / 1e6]));
};

describe('computeSelfTimes', () => {
  it('is the whole duration for a span without children', () => {
    expect(selfTimes([{ id: 'a', name: 'leaf', startMs: 2, endMs: 7.25 }])).toEqual({ leaf: 5.25 });
  });

  it('subtracts sequential children', () => {
    expect(
      selfTimes([
        { id: 'a', name: 'parent', startMs: 0, endMs: 100 },
        { id: 'b', parent: 'a', name: 'A', startMs: 10, endMs: 30 },
        { id: 'c', parent: 'a', name: 'B', startMs: 30, endMs: 45 },
        { id: 'd', parent: 'a', name: 'C', startMs: 80, endMs: 90 },
      ]),
    ).toEqual({ parent: 55, A: 20, B: 15, C: 10 });
  });

  it('counts overlapping children once and only the part of a child inside the parent', () => {
    /*
     * ms       0         20        40        60        80        100       120
     * parent   |-------------------------------------------------|
     * A             |--------------|
     * B                       |--------------|                            overlaps A
     * C                                                     |--------------|  outlives the parent
     * self     |====|                        |==============|             40 ms
     */
    expect(
      selfTimes([
        { id: 'a', name: 'parent', startMs: 0, endMs: 100 },
        { id: 'b', parent: 'a', name: 'A', startMs: 10, endMs: 40 },
        { id: 'c', parent: 'a', name: 'B', startMs: 30, endMs: 60 },
        { id: 'd', parent: 'a', name: 'C', startMs: 90, endMs: 120 },
      ]),
    ).toEqual({ parent: 40, A: 30, B: 30, C: 30 });
  });

  it('counts a child nested inside another child once', () => {
    expect(
      selfTimes([
        { id: 'a', name: 'parent', startMs: 0, endMs: 100 },
        { id: 'b', parent: 'a', name: 'outer', startMs: 10, endMs: 70 },
        { id: 'c', parent: 'a', name: 'inner', startMs: 20, endMs: 30 },
        { id: 'd', parent: 'a', name: 'last', startMs: 65, endMs: 80 },
      ]),
    ).toEqual({ parent: 30, outer: 60, inner: 10, last: 15 });
  });

  it('clips children that start before the parent or lie wholly outside it', () => {
    expect(
      selfTimes([
        { id: 'a', name: 'parent', startMs: 10, endMs: 50 },
        { id: 'b', parent: 'a', name: 'starts early', startMs: 0, endMs: 15 },
        { id: 'c', parent: 'a', name: 'wholly before', startMs: 1, endMs: 5 },
        { id: 'd', parent: 'a', name: 'wholly after', startMs: 60, endMs: 70 },
        { id: 'e', parent: 'a', name: 'covers the rest', startMs: 40, endMs: 80 },
      ]),
    ).toEqual({
      parent: 25,
      'starts early': 15,
      'wholly before': 4,
      'covers the rest': 40,
      'wholly after': 10,
    });
  });

  it('is zero for a span that ends before it starts, and ignores such children', () => {
    expect(
      selfTimes([
        { id: 'a', name: 'parent', startMs: 0, endMs: 10 },
        { id: 'b', parent: 'a', name: 'backwards', startMs: 8, endMs: 2 },
        { id: 'c', parent: 'b', name: 'under backwards', startMs: 3, endMs: 4 },
      ]),
    ).toEqual({ parent: 10, backwards: 0, 'under backwards': 1 });
  });

  it('is zero when children cover the parent completely', () => {
    expect(
      selfTimes([
        { id: 'a', name: 'parent', startMs: 0, endMs: 10 },
        { id: 'b', parent: 'a', name: 'A', startMs: -5, endMs: 6 },
        { id: 'c', parent: 'a', name: 'B', startMs: 4, endMs: 15 },
      ]),
    ).toEqual({ parent: 0, A: 11, B: 11 });
  });

  it('is indexed by node index, not input order, and keeps nanosecond precision', () => {
    const tree = buildTree(
      makeTrace([
        { id: 'b', parent: 'a', start: nanos(1_000n), end: nanos(1_250n) },
        { id: 'a', start: nanos(1_000n), end: nanos(2_001n) },
      ]),
    );
    expect(computeSelfTimes(tree)).toEqual([751n, 250n]);
  });

  it('walks a 100,000-level chain without recursion', () => {
    const count = 100_000;
    const specs = deepChain(count);
    const times = computeSelfTimes(buildTree(makeTrace(specs)));
    expect(times).toHaveLength(count);
    expect(times[0]).toBe(ms(2));
    expect(times.slice(0, count - 1).every((t) => t === ms(2))).toBe(true);
    expect(times[count - 1]).toBe(ms(300_000 - 2 * (count - 1)));
  });

  it('never mutates the tree or the trace', () => {
    const tree = frozen(
      buildTree(
        frozen(
          makeTrace([
            { id: 'a', startMs: 0, endMs: 10 },
            { id: 'b', parent: 'a', startMs: 1, endMs: 4 },
            { id: 'c', parent: 'a', startMs: 3, endMs: 12 },
          ]),
        ),
      ),
    );
    expect(computeSelfTimes(tree)).toEqual([ms(1), ms(3), ms(9)]);
  });

  it('is empty for an empty tree', () => {
    expect(computeSelfTimes(buildTree(makeTrace([])))).toEqual([]);
  });
});
