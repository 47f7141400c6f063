import { describe, expect, it } from 'vitest';
import { findCriticalPath } from '../../src/analysis/critical-path.js';
import { computeSelfTimes } from '../../src/analysis/self-time.js';
import { buildTree } from '../../src/model/build-tree.js';
import { makeTrace, type SpanSpec } from '../helpers/make-span.js';

const path = (specs: SpanSpec[]) =>
  findCriticalPath(buildTree(makeTrace(specs))).map(
    (s) => `${s.node.span.name} ${Number(s.start) / 1e6}-${Number(s.end) / 1e6}`,
  );

describe('findCriticalPath', () => {
  it('walks a sequential trace end to end', () => {
    expect(
      path([
        { id: 'r', name: 'root', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'r', name: 'A', startMs: 10, endMs: 40 },
        { id: 'b', parent: 'r', name: 'B', startMs: 50, endMs: 90 },
      ]),
    ).toEqual(['root 0-10', 'A 10-40', 'root 40-50', 'B 50-90', 'root 90-100']);
  });

  it('with parallel children follows the last to finish, then what finished before it started', () => {
    /*
     * root |----------------------------------------|
     * A       |--------------|                          ends before B starts: on the path
     * B                        |---------------|        last finishing
     * C         |---------------------|                 overlaps B: not on the path
     */
    expect(
      path([
        { id: 'r', name: 'root', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'r', name: 'A', startMs: 5, endMs: 30 },
        { id: 'b', parent: 'r', name: 'B', startMs: 40, endMs: 90 },
        { id: 'c', parent: 'r', name: 'C', startMs: 10, endMs: 60 },
      ]),
    ).toEqual(['root 0-5', 'A 5-30', 'root 30-40', 'B 40-90', 'root 90-100']);
  });

  it('clips a child that overflows its parent and ignores one that starts after it ended', () => {
    expect(
      path([
        { id: 'r', name: 'root', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'r', name: 'A', startMs: 0, endMs: 50 },
        { id: 'b', parent: 'a', name: 'B overflows A', startMs: 20, endMs: 70 },
        { id: 'c', parent: 'a', name: 'C after A', startMs: 60, endMs: 65 },
      ]),
    ).toEqual(['A 0-20', 'B overflows A 20-50', 'root 50-100']);
  });

  it('descends through the deepest last-finishing chain', () => {
    expect(
      path([
        { id: 'r', name: 'root', startMs: 0, endMs: 10 },
        { id: 'a', parent: 'r', name: 'A', startMs: 1, endMs: 9 },
        { id: 'b', parent: 'a', name: 'B', startMs: 2, endMs: 8 },
      ]),
    ).toEqual(['root 0-1', 'A 1-2', 'B 2-8', 'A 8-9', 'root 9-10']);
  });

  it('starts from the root that ends last', () => {
    expect(
      path([
        { id: 'r', name: 'early root', startMs: 0, endMs: 10 },
        { id: 's', name: 'late root', startMs: 5, endMs: 30 },
      ]),
    ).toEqual(['late root 5-30']);
  });

  it('survives a 100,000-level chain', () => {
    const specs = Array.from({ length: 100_000 }, (_, i) => ({
      id: (i + 1).toString(16),
      parent: i === 0 ? undefined : i.toString(16),
      startMs: i,
      endMs: 300_000 - i,
    }));
    const tree = buildTree(makeTrace(specs));
    const sections = findCriticalPath(tree);
    expect(sections).toHaveLength(2 * 100_000 - 1);
    expect(computeSelfTimes(tree)[0]).toBe(2_000_000n);
  });
});

describe('computeSelfTimes', () => {
  it('subtracts the union of children clipped to the parent', () => {
    /*
     * parent |----------------------------------|  0-100
     * A          |---------|                        10-40
     * B               |---------|                   30-60  (overlaps A: counted once)
     * C                                  |--------- 90-120 (only 90-100 counts)
     */
    const tree = buildTree(
      makeTrace([
        { id: 'p', name: 'parent', startMs: 0, endMs: 100 },
        { id: 'a', parent: 'p', startMs: 10, endMs: 40 },
        { id: 'b', parent: 'p', startMs: 30, endMs: 60 },
        { id: 'c', parent: 'p', startMs: 90, endMs: 120 },
      ]),
    );
    expect(computeSelfTimes(tree).map((n) => Number(n) / 1e6)).toEqual([40, 30, 30, 30]);
  });
});
