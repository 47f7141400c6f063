import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../src/analysis/analyze-trace.js';
import type { SpanFacts } from '../../../src/analysis/span-facts.js';
import { buildTree } from '../../../src/model/build-tree.js';
import type { AnalysisView } from '../../../src/render/show/view.js';
import { selectVisible, type VisibilityOptions } from '../../../src/render/show/visibility.js';
import { deepChain, makeTrace, ms } from '../../helpers/make-span.js';

const ALL: VisibilityOptions = {
  maxDepth: undefined,
  errorsOnly: false,
  minDuration: undefined,
  service: undefined,
};

/*
 *   ms      0    10   20   30   40   50   60   70   80   90  100
 *   1 web   |==================================================|
 *   2 web   |=========================|
 *   4 db         |===============|  ✗ status ERROR
 *   3 web                             |====|
 *   5 web                              |        (1 ms)
 *
 * Pre-order (children by start): 1, 2, 4, 3, 5 → node indexes 0..4.
 */
const view = analyzeTrace(
  makeTrace([
    { id: '1', name: 'root', service: 'web', startMs: 0, endMs: 100 },
    { id: '2', parent: '1', name: 'two', service: 'web', startMs: 0, endMs: 50 },
    { id: '3', parent: '1', name: 'three', service: 'web', startMs: 50, endMs: 60 },
    {
      id: '4',
      parent: '2',
      name: 'four',
      service: 'db',
      startMs: 10,
      endMs: 40,
      status: { code: 'error', message: 'boom' },
    },
    { id: '5', parent: '3', name: 'five', service: 'web', startMs: 51, endMs: 52 },
  ]),
  { limits: [] },
);
/** Names of the visible spans, in pre-order. */
const shown = (options: Partial<VisibilityOptions>) => {
  const { visible } = selectVisible(view, { ...ALL, ...options });
  return view.tree.nodes.filter((n) => visible[n.index]).map((n) => n.span.name);
};

describe('selectVisible', () => {
  it('the tree is laid out as drawn', () => {
    expect(view.tree.nodes.map((n) => `${n.span.name}@${n.depth}`)).toEqual([
      'root@0',
      'two@1',
      'four@2',
      'three@1',
      'five@2',
    ]);
  });

  it('shows every span when nothing filters', () => {
    const v = selectVisible(view, ALL);
    expect(v.visible).toEqual([true, true, true, true, true]);
    expect(v.hiddenBelow).toEqual([0, 0, 0, 0, 0]);
    expect(v.visibleCount).toBe(5);
  });

  it('errorsOnly: the failing span and its ancestors, for context', () => {
    expect(shown({ errorsOnly: true })).toEqual(['root', 'two', 'four']);
    expect(selectVisible(view, { ...ALL, errorsOnly: true }).visibleCount).toBe(3);
  });

  it('service: that service’s spans and their ancestors', () => {
    expect(shown({ service: 'db' })).toEqual(['root', 'two', 'four']);
    expect(shown({ service: 'web' })).toEqual(['root', 'two', 'three', 'five']);
    expect(shown({ service: 'nope' })).toEqual([]);
  });

  it('minDuration: hides spans shorter than the limit, but never a failing one', () => {
    expect(shown({ minDuration: ms(5) })).toEqual(['root', 'two', 'four', 'three']);
    // 'four' (30 ms) fails; 'two' (50 ms) and 'three' (10 ms) stay for their length or as ancestors.
    expect(shown({ minDuration: ms(60) })).toEqual(['root', 'two', 'four']);
  });

  it('a span shorter than the limit stays as the ancestor of a longer one (fire and forget)', () => {
    const fired = analyzeTrace(
      makeTrace([
        { id: '1', name: 'enqueue', startMs: 0, endMs: 2 },
        { id: '2', parent: '1', name: 'job', startMs: 1, endMs: 100 },
      ]),
      { limits: [] },
    );
    expect(selectVisible(fired, { ...ALL, minDuration: ms(10) }).visible).toEqual([true, true]);
    expect(selectVisible(fired, { ...ALL, minDuration: ms(200) }).visible).toEqual([false, false]);
  });

  it('filters combine: every filter must match', () => {
    expect(shown({ errorsOnly: true, service: 'web' })).toEqual([]);
    expect(shown({ errorsOnly: true, service: 'db' })).toEqual(['root', 'two', 'four']);
  });

  it('maxDepth: hides deeper spans and counts them at the ancestor on the limit', () => {
    const v = selectVisible(view, { ...ALL, maxDepth: 1 });
    expect(v.visible).toEqual([true, true, false, true, false]);
    expect(v.hiddenBelow).toEqual([0, 1, 0, 1, 0]);
    expect(v.visibleCount).toBe(3);
  });

  it('maxDepth 0: only the roots, everything counted at the root', () => {
    const v = selectVisible(view, { ...ALL, maxDepth: 0 });
    expect(v.visible).toEqual([true, false, false, false, false]);
    expect(v.hiddenBelow).toEqual([4, 0, 0, 0, 0]);
  });

  it('maxDepth counts only spans the other filters would have shown', () => {
    const v = selectVisible(view, { ...ALL, maxDepth: 1, errorsOnly: true });
    expect(v.visible).toEqual([true, true, false, false, false]);
    expect(v.hiddenBelow).toEqual([0, 1, 0, 0, 0]);
    expect(v.visibleCount).toBe(2);
  });

  it('errorsOnly keeps the slow span behind a timeout, which did not fail itself', () => {
    const masked = analyzeTrace(
      makeTrace([
        {
          id: '1',
          name: 'POST',
          kind: 'server',
          startMs: 0,
          endMs: 15_000,
          attributes: { 'http.response.status_code': 504 },
        },
        { id: '2', parent: '1', name: 'work', startMs: 10, endMs: 15_000 },
        { id: '3', parent: '2', name: 'quick', startMs: 10, endMs: 11 },
      ]),
      { limits: [] },
    );
    expect(masked.facts.map((f) => [f.failed, f.slowBehind?.span.name])).toEqual([
      [true, undefined],
      [false, 'POST'],
      [false, undefined],
    ]);
    const { visible } = selectVisible(masked, { ...ALL, errorsOnly: true });
    expect(visible).toEqual([true, true, false]);
  });

  it('runs over a 20,000-level chain without recursion', () => {
    const tree = buildTree(makeTrace(deepChain(20_000)));
    const healthy: SpanFacts = {
      error: undefined,
      timeout: undefined,
      exceptions: [],
      failed: false,
      role: undefined,
      recoveredBy: undefined,
      slowBehind: undefined,
    };
    const chain = { tree, facts: tree.nodes.map(() => healthy) } as unknown as AnalysisView;
    const v = selectVisible(chain, { ...ALL, maxDepth: 2, service: 'svc' });
    expect(v.visibleCount).toBe(3);
    expect(v.hiddenBelow[2]).toBe(19_997);
    expect(v.hiddenBelow.filter((n) => n > 0)).toHaveLength(1);
  });
});
