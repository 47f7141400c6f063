import { describe, expect, it } from 'vitest';
import { type AlignedPlace, alignTrees } from '../../../src/analysis/diff/align-spans.js';
import { buildTree } from '../../../src/model/build-tree.js';
import { deepChain, frozen, makeTrace, type SpanSpec } from '../../helpers/make-span.js';
import { healthy, queryPerOrder } from './scenarios.js';

const align = (a: SpanSpec[], b: SpanSpec[]) =>
  alignTrees(buildTree(frozen(makeTrace(a))), buildTree(frozen(makeTrace(b))));

/** Each place as `depth service › name a×b`, in the alignment's order. */
const outline = (places: readonly AlignedPlace[]) =>
  places.map((p) => `${p.depth} ${p.service} › ${p.name} ${p.a.length}×${p.b.length}`);

describe('alignTrees', () => {
  it('lines up the same tree place by place, every span beside its twin', () => {
    const { places, roots } = align(healthy('a1'), healthy('b2'));
    expect(roots).toEqual([0]);
    expect(outline(places)).toEqual([
      '0 user-service › GET 1×1',
      '1 user-service › get_user_profile 1×1',
      '2 user-service › get_user_data 1×1',
      '2 user-service › get_user_orders 1×1',
      '3 user-service › GET 1×1',
      '4 order-service › GET 1×1',
      '5 order-service › query_orders 1×1',
    ]);
    for (const place of places) expect(place.a[0]!.span.spanId).toBe(place.b[0]!.span.spanId);
    // Parents and children agree with the pre-order.
    for (const place of places)
      for (const child of place.children) expect(places[child]!.parent).toBe(place.index);
  });

  it('puts same-named siblings in one place, the i-th of A beside the i-th of B', () => {
    const { places } = align(queryPerOrder('a1', 2), queryPerOrder('b2', 12));
    const selects = places.find((p) => p.name === 'SELECT orders')!;
    expect([selects.a.length, selects.b.length]).toEqual([2, 12]);
    // In start order on both sides: the 2nd query of A stands beside the 2nd of B.
    expect(selects.a[1]!.span.attributes['db.statement']).toBe('SELECT * FROM orders WHERE id = 1');
    expect(selects.b[1]!.span.attributes['db.statement']).toBe('SELECT * FROM orders WHERE id = 1');
    expect(places).toHaveLength(3);
  });

  it('keeps B’s order and slots what only A has after what it followed in A', () => {
    const children = (trace: string, names: string[]): SpanSpec[] => [
      { trace, id: '1', name: 'root', startMs: 0, endMs: 100 },
      ...names.map((name, i) => ({
        trace,
        id: (2 + i).toString(16),
        parent: '1',
        name,
        startMs: 1 + i,
        endMs: 2 + i,
      })),
    ];
    const { places } = align(children('a1', ['x', 'y', 'z', 'v']), children('b2', ['x', 'w', 'z']));
    expect(places.map((p) => `${p.name} ${p.a.length}×${p.b.length}`)).toEqual([
      'root 1×1',
      'x 1×1',
      'y 1×0',
      'w 0×1',
      'z 1×1',
      'v 1×0',
    ]);
  });

  it('tells services apart: the same name in two services is two places', () => {
    const a: SpanSpec[] = [
      { trace: 'a1', id: '1', name: 'GET', service: 'user-service', startMs: 0, endMs: 10 },
      { trace: 'a1', id: '2', parent: '1', name: 'GET', service: 'order-service', startMs: 1, endMs: 9 },
    ];
    const b: SpanSpec[] = [
      { trace: 'b2', id: '1', name: 'GET', service: 'user-service', startMs: 0, endMs: 10 },
      { trace: 'b2', id: '2', parent: '1', name: 'GET', service: 'cart-service', startMs: 1, endMs: 9 },
    ];
    expect(outline(align(a, b).places)).toEqual([
      '0 user-service › GET 1×1',
      '1 order-service › GET 1×0',
      '1 cart-service › GET 0×1',
    ]);
  });

  it('aligns several roots and orphans by name, like siblings', () => {
    const a: SpanSpec[] = [
      { trace: 'a1', id: '1', name: 'GET /users', service: 'web', startMs: 0, endMs: 10 },
      { trace: 'a1', id: '2', name: 'cron tick', service: 'jobs', startMs: 20, endMs: 30 },
      // An orphan: its parent never arrived.
      { trace: 'a1', id: '3', parent: 'dead', name: 'late work', service: 'jobs', startMs: 40, endMs: 50 },
    ];
    const b: SpanSpec[] = [
      { trace: 'b2', id: '1', name: 'GET /users', service: 'web', startMs: 0, endMs: 12 },
      { trace: 'b2', id: '3', parent: 'dead', name: 'late work', service: 'jobs', startMs: 40, endMs: 55 },
    ];
    const { places, roots } = align(a, b);
    expect(roots.map((i) => `${places[i]!.name} ${places[i]!.a.length}×${places[i]!.b.length}`)).toEqual([
      'GET /users 1×1',
      'cron tick 1×0',
      'late work 1×1',
    ]);
  });

  it('pairs the one root left on each side when their names differ, and aligns below it', () => {
    const a = healthy('a1').map((s) => (s.id === '1' ? { ...s, name: 'GET /users/1' } : s));
    const b = healthy('b2').map((s) => (s.id === '1' ? { ...s, name: 'GET /users/2' } : s));
    const { places, roots } = align(a, b);
    expect(roots).toHaveLength(1);
    const root = places[roots[0]!]!;
    expect(root.name).toBe('GET /users/2');
    expect(root.renamedFrom).toEqual({ service: 'user-service', name: 'GET /users/1' });
    expect(places.every((p) => p.a.length === 1 && p.b.length === 1)).toBe(true);
  });

  it('does not pair roots when a side has more than one left over, nor an orphan', () => {
    const a: SpanSpec[] = [{ trace: 'a1', id: '1', name: 'one', startMs: 0, endMs: 10 }];
    const b: SpanSpec[] = [
      { trace: 'b2', id: '1', name: 'two', startMs: 0, endMs: 10 },
      { trace: 'b2', id: '2', name: 'three', startMs: 20, endMs: 30 },
    ];
    expect(align(a, b).places.map((p) => p.renamedFrom)).toEqual([undefined, undefined, undefined]);
    const orphan: SpanSpec[] = [{ trace: 'b2', id: '1', parent: 'dead', name: 'two', startMs: 0, endMs: 10 }];
    expect(align(a, orphan).places).toHaveLength(2);
  });

  it('walks a 10,000-level chain without recursion', () => {
    const chain = deepChain(10_000);
    const { places } = align(
      chain.map((s) => ({ ...s, trace: 'a1' })),
      chain.map((s) => ({ ...s, trace: 'b2' })),
    );
    expect(places).toHaveLength(10_000);
    expect(places.at(-1)!.depth).toBe(9_999);
    expect(places.at(-1)!.name).toBe('s9999');
  });
});
