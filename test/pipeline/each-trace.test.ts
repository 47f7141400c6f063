import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/types.js';
import { eachTrace } from '../../src/pipeline/each-trace.js';
import { makeTrace } from '../helpers/make-span.js';

/** `n` traces of `spans` spans each, ids 1, 2, … */
function traces(n: number, spans = 1): Trace[] {
  return Array.from({ length: n }, (_, i) =>
    makeTrace(
      Array.from({ length: spans }, (_, s) => ({ trace: (i + 1).toString(16), id: (s + 1).toString(16) })),
    ),
  );
}

describe('eachTrace', () => {
  it('visits every trace once, in order', () => {
    const list = traces(4);
    const ids = list.map((t) => t.traceId);
    const visited: string[] = [];
    for (const trace of eachTrace(list)) visited.push(trace.traceId);
    expect(visited).toEqual(ids);
  });

  it("clears each trace's slot before visiting it, and leaves the later ones until their turn", () => {
    const list = traces(3);
    const [, b, c] = list.map((t) => t.traceId);
    const seen: (string | undefined)[][] = [];
    for (const _ of eachTrace(list)) seen.push(list.map((t) => t?.traceId));
    expect(seen).toEqual([
      [undefined, b, c],
      [undefined, undefined, c],
      [undefined, undefined, undefined],
    ]);
    expect(list).toHaveLength(3);
  });

  it('visits every trace when full collections run between them', () => {
    // 5 traces of 3 spans over a threshold of 4 spans: a collection is asked for every two traces.
    const list = traces(5, 3);
    const counts: number[] = [];
    for (const trace of eachTrace(list, 4)) counts.push(trace.spans.length);
    expect(counts).toEqual([3, 3, 3, 3, 3]);
    expect(list.every((t) => t === undefined)).toBe(true);
  });

  it('does nothing for no traces', () => {
    let calls = 0;
    for (const _ of eachTrace([])) calls++;
    expect(calls).toBe(0);
  });
});
