import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../../src/analysis/analyze-trace.js';
import { DEFAULT_THRESHOLDS, type DiffChange } from '../../../src/analysis/diff/compare-place.js';
import {
  diffTraces,
  failsOn,
  type PlaceDiff,
  type TraceDiff,
} from '../../../src/analysis/diff/diff-traces.js';
import type { Trace } from '../../../src/model/types.js';
import { deepChain, frozen, makeTrace, ms, type SpanSpec } from '../../helpers/make-span.js';
import { exceptionEvent, healthy, orderServiceDown, queryPerOrder } from './scenarios.js';

const analyze = (trace: Trace) => analyzeTrace(trace, { limits: [] });
const diff = (a: SpanSpec[], b: SpanSpec[], thresholds = DEFAULT_THRESHOLDS) =>
  diffTraces(analyze(frozen(makeTrace(a))), analyze(frozen(makeTrace(b))), thresholds);

/** A place's path of `service › name` from its root, the key a place has whichever trace is A. */
function pathOf(d: TraceDiff, place: PlaceDiff): string {
  const names: string[] = [];
  let at: PlaceDiff | undefined = place;
  for (let steps = 0; at !== undefined && steps <= d.places.length; steps++) {
    names.push(`${at.place.service} › ${at.place.name}`);
    at = at.place.parent === undefined ? undefined : d.places[at.place.parent];
  }
  return names.reverse().join(' / ');
}

const byPath = (d: TraceDiff) => new Map(d.places.map((p) => [pathOf(d, p), p]));
const placeAt = (d: TraceDiff, last: string) => d.places.find((p) => pathOf(d, p).endsWith(last))!;

/** What the same change looks like from the other side. */
function mirrored(change: DiffChange): DiffChange {
  switch (change.kind) {
    case 'duration':
    case 'count':
    case 'status':
      return { ...change, a: change.b, b: change.a } as DiffChange;
    case 'exception':
      return { ...change, direction: change.direction === 'new' ? 'lost' : 'new' };
    case 'propagation':
      return { ...change, direction: change.direction === 'lost' ? 'gained' : 'lost' };
    case 'renamed':
      return change;
  }
}

const MIRROR_STATE = { added: 'removed', removed: 'added', changed: 'changed', unchanged: 'unchanged' };

describe('diffTraces', () => {
  it('finds no change between two traces of the same shape and timing', () => {
    const d = diff(healthy('a1'), healthy('b2'));
    expect(d.counts).toEqual({ added: 0, removed: 0, changed: 0, unchanged: 7 });
    expect(d.verdict).toBe('same');
    expect(d.moves).toEqual([]);
    expect(d.places.every((p) => p.changes.length === 0 && !p.newError && !p.changedBelow)).toBe(true);
    expect(failsOn(d, ['slower', 'error', 'any'])).toBe(false);
  });

  it('finds no change between a trace and itself', () => {
    const analysis = analyze(frozen(makeTrace(orderServiceDown())));
    const d = diffTraces(analysis, analysis, DEFAULT_THRESHOLDS);
    expect(d.counts).toEqual({ added: 0, removed: 0, changed: 0, unchanged: 5 });
    expect(d.places.filter((p) => p.newError)).toEqual([]);
    expect(failsOn(d, ['any'])).toBe(false);
  });

  it('finds the failure: the status, the new exception, the lost callee, the removed spans', () => {
    const d = diff(healthy('a1'), orderServiceDown('b2'));
    const call = placeAt(d, 'user-service › get_user_orders / user-service › GET');
    expect(call.state).toBe('changed');
    expect(call.newError).toBe(true);
    expect(call.changes).toEqual([
      { kind: 'duration', a: ms(48), b: ms(5) },
      { kind: 'status', a: 0, b: 1 },
      {
        kind: 'exception',
        direction: 'new',
        type: 'ECONNREFUSED',
        message: 'connect ECONNREFUSED 10.0.0.7:8080',
        spanId: '0000000000000005',
      },
      { kind: 'propagation', direction: 'lost', callee: 'order-service', peer: 'order-service:8080' },
    ]);
    expect(placeAt(d, 'order-service › GET').state).toBe('removed');
    expect(placeAt(d, 'order-service › query_orders').state).toBe('removed');
    // get_user_data did the same in both.
    expect(placeAt(d, 'get_user_data').state).toBe('unchanged');
    expect(d.counts).toEqual({ added: 0, removed: 2, changed: 4, unchanged: 1 });
    expect(failsOn(d, ['error'])).toBe(true);
    // B is faster (it failed early): not "slower".
    expect(d.verdict).toBe('faster');
    expect(failsOn(d, ['slower'])).toBe(false);
  });

  it('gives mirrored results when A and B swap', () => {
    const pairs: [SpanSpec[], SpanSpec[]][] = [
      [healthy('a1'), orderServiceDown('b2')],
      [healthy('a1'), healthy('b2', 5032)],
      [queryPerOrder('a1', 1), queryPerOrder('b2', 12)],
    ];
    for (const [a, b] of pairs) {
      const forward = diff(a, b);
      const backward = diff(b, a);
      const back = byPath(backward);
      expect(back.size).toBe(forward.places.length);
      for (const [path, place] of byPath(forward)) {
        const other = back.get(path)!;
        expect(other.state, path).toBe(MIRROR_STATE[place.state]);
        expect(other.changes, path).toEqual(place.changes.map(mirrored));
        expect([other.a, other.b]).toEqual([place.b, place.a]);
      }
      expect(backward.verdict).toBe({ slower: 'faster', faster: 'slower', same: 'same' }[forward.verdict]);
      expect(backward.moves.map((m) => [m.service, m.name, m.b, m.a])).toEqual(
        forward.moves.map((m) => [m.service, m.name, m.a, m.b]),
      );
    }
  });

  it('shows an N+1 as a call count change, ×1 → ×12', () => {
    const d = diff(queryPerOrder('a1', 1), queryPerOrder('b2', 12));
    const selects = placeAt(d, 'SELECT orders');
    expect(selects.a!.count).toBe(1);
    expect(selects.b!.count).toBe(12);
    expect(selects.changes).toEqual([
      { kind: 'count', a: 1, b: 12 },
      { kind: 'duration', a: ms(3), b: ms(36) },
    ]);
    expect(selects.state).toBe('changed');
    // The parent changed too, and says a change is below it.
    expect(placeAt(d, 'get_user_orders').changedBelow).toBe(true);
    expect(d.verdict).toBe('slower');
    expect(d.moves[0]).toMatchObject({ service: 'user-service', name: 'SELECT orders', a: ms(3), b: ms(36) });
    // Database calls are not propagation: no callee can continue them.
    expect(selects.b!.calls).toEqual({ continued: 0, uncontinued: 0 });
  });

  it('blames the critical path: B slower by the time order-service’s query grew', () => {
    const d = diff(healthy('a1'), healthy('b2', 5032));
    expect(d.verdict).toBe('slower');
    expect(d.b.criticalPath - d.a.criticalPath).toBe(ms(5000));
    expect(d.moves[0]).toEqual({ service: 'order-service', name: 'query_orders', a: ms(32), b: ms(5032) });
    expect(failsOn(d, ['slower'])).toBe(true);
    expect(failsOn(d, ['error'])).toBe(false);
    expect(placeAt(d, 'query_orders').changes).toEqual([{ kind: 'duration', a: ms(32), b: ms(5032) }]);
  });

  it('counts a duration change only past both floors', () => {
    const pair = (aMs: number, bMs: number): [SpanSpec[], SpanSpec[]] => [
      [{ trace: 'a1', id: '1', name: 'work', startMs: 0, endMs: aMs }],
      [{ trace: 'b2', id: '1', name: 'work', startMs: 0, endMs: bMs }],
    ];
    const state = (aMs: number, bMs: number, thresholds = DEFAULT_THRESHOLDS) =>
      diff(...pair(aMs, bMs), thresholds).places[0]!.state;
    // ×3 but 2 ms: jitter.
    expect(state(1, 3)).toBe('unchanged');
    // 200 ms but 2%.
    expect(state(10_000, 10_200)).toBe('unchanged');
    expect(state(100, 5000)).toBe('changed');
    expect(state(5000, 100)).toBe('changed');
    // Just at both floors counts.
    expect(state(25, 30)).toBe('changed');
    expect(state(1, 3, { minRatio: 1.2, minDelta: ms(1) })).toBe('changed');
    expect(state(10_000, 10_200, { minRatio: 1.01, minDelta: ms(5) })).toBe('changed');
  });

  it('sees an error recovered, and the exception gone', () => {
    const failing: SpanSpec[] = [
      {
        trace: 'a1',
        id: '1',
        name: 'charge',
        startMs: 0,
        endMs: 10,
        status: { code: 'error', message: 'card declined' },
        events: [exceptionEvent('PaymentError', 'card 4242 declined', 9)],
      },
    ];
    const fixed: SpanSpec[] = [{ trace: 'b2', id: '1', name: 'charge', startMs: 0, endMs: 10 }];
    const d = diff(failing, fixed);
    expect(d.places[0]!.changes).toEqual([
      { kind: 'status', a: 1, b: 0 },
      {
        kind: 'exception',
        direction: 'lost',
        type: 'PaymentError',
        message: 'card 4242 declined',
        spanId: '0000000000000001',
      },
    ]);
    expect(d.places[0]!.newError).toBe(false);
    expect(failsOn(d, ['error'])).toBe(false);
    expect(failsOn(d, ['any'])).toBe(true);
  });

  it('takes the same exception with other values in its message as the same', () => {
    const failing = (trace: string, port: number): SpanSpec[] => [
      {
        trace,
        id: '1',
        name: 'call',
        startMs: 0,
        endMs: 10,
        status: { code: 'error', message: '' },
        events: [exceptionEvent('ECONNREFUSED', `connect ECONNREFUSED 127.0.0.1:${port}`, 9)],
      },
    ];
    expect(diff(failing('a1', 35073), failing('b2', 38849)).places[0]!.state).toBe('unchanged');
  });

  it('says where a callee now continues the trace', () => {
    const split = healthy('a1').filter((s) => s.id !== '6' && s.id !== '7');
    const d = diff(split, healthy('b2'));
    expect(placeAt(d, 'user-service › get_user_orders / user-service › GET').changes).toContainEqual({
      kind: 'propagation',
      direction: 'gained',
      callee: 'order-service',
      peer: 'order-service:8080',
    });
    expect(placeAt(d, 'order-service › GET').state).toBe('added');
  });

  it('diffs two 10,000-level chains without overflowing the stack', () => {
    const chain = deepChain(10_000);
    const failing = chain.map((s, i) =>
      i === 9_999
        ? { ...s, trace: 'b2', status: { code: 'error' as const, message: '' } }
        : { ...s, trace: 'b2' },
    );
    const d = diff(
      chain.map((s) => ({ ...s, trace: 'a1' })),
      failing,
    );
    expect(d.places).toHaveLength(10_000);
    // The deepest span fails in B; every other place is as it was, with a change below it.
    expect(d.counts).toEqual({ added: 0, removed: 0, changed: 1, unchanged: 9_999 });
    expect(d.places.at(-1)!.newError).toBe(true);
    expect(d.places.every((p, i) => p.changedBelow === i < 9_999)).toBe(true);
  });
});
