import { describe, expect, it } from 'vitest';
import { LiveTraces } from '../../src/model/live-traces.js';
import { makeSpan } from '../helpers/make-span.js';

describe('LiveTraces', () => {
  it('completes a trace once it is idle, waiting longer while its root has not arrived', () => {
    const live = new LiveTraces(1000, 100, 5000);
    live.add([makeSpan({ id: 'a', trace: 'a1' })], 0); // a root
    live.add([makeSpan({ id: 'b', parent: 'c', trace: 'b1' })], 0); // a child, its root still running
    expect(live.takeComplete(999)).toEqual([]);
    expect(live.takeComplete(1000).map((t) => t.traceId)).toEqual([makeSpan({ trace: 'a1' }).traceId]);
    expect(live.takeComplete(4999)).toEqual([]);
    live.add([makeSpan({ id: 'c', trace: 'b1' })], 4999); // the root arrives
    expect(live.takeComplete(5998)).toEqual([]);
    const [done] = live.takeComplete(5999);
    expect(done!.spans).toHaveLength(2);
    expect(live.pendingSpans).toBe(0);
  });

  it('past the span limit, completes the traces that waited longest early, and counts them', () => {
    const live = new LiveTraces(1000, 2);
    live.add([makeSpan({ id: 'a', trace: 'a1' }), makeSpan({ id: 'b', parent: 'a', trace: 'a1' })], 0);
    live.add([makeSpan({ id: 'c', trace: 'c1' })], 10);
    const early = live.takeComplete(20);
    expect(early.map((t) => t.spans.length)).toEqual([2]);
    expect(live.completedEarly).toBe(1);
    expect(live.pendingSpans).toBe(1);
    expect(live.takeComplete(20, true)).toHaveLength(1);
  });
});
