import { describe, expect, it } from 'vitest';
import { byStartThenId, earliestStart, newestFirst, TraceCollector } from '../../src/model/collect-traces.js';
import type { Span, TraceId } from '../../src/model/types.js';
import { makeSpan, makeTrace, ms, tid } from '../helpers/make-span.js';

const names = (spans: readonly Span[]) => spans.map((s) => s.name);

describe('TraceCollector', () => {
  it('groups spans by trace id, across calls, each trace keeping its spans in input order', () => {
    const collector = new TraceCollector();
    collector.span(makeSpan({ trace: 'a', id: '2', parent: '1', name: 'child', startMs: 5 }));
    collector.span(makeSpan({ trace: 'b', id: '1', name: 'other', startMs: 50 }));
    collector.span(makeSpan({ trace: 'a', id: '1', name: 'root', startMs: 0 }));
    const traces = collector.traces();
    expect(traces.map((t) => t.traceId)).toEqual([tid('a'), tid('b')]);
    expect(names(traces[0]!.spans)).toEqual(['child', 'root']);
    expect(names(traces[1]!.spans)).toEqual(['other']);
    expect(collector.spanCount).toBe(3);
  });

  it('orders traces by their earliest span, wherever it is in the trace, then by id', () => {
    const collector = new TraceCollector();
    // Trace c's first span starts late, but its second starts first of all.
    collector.span(makeSpan({ trace: 'c', id: '1', startMs: 100 }));
    collector.span(makeSpan({ trace: 'b', id: '1', startMs: 20 }));
    collector.span(makeSpan({ trace: 'a', id: '1', startMs: 20 }));
    collector.span(makeSpan({ trace: 'c', id: '2', startMs: 10 }));
    expect(collector.traces().map((t) => t.traceId)).toEqual([tid('c'), tid('a'), tid('b')]);
  });

  it('keeps each trace warning once, and lists no trace that has warnings but no spans', () => {
    const collector = new TraceCollector();
    collector.traceWarning(tid('a'), 'trace has more than 10 spans, showing first 10');
    collector.traceWarning(tid('a'), 'trace has more than 10 spans, showing first 10');
    collector.traceWarning(tid('a'), 'duplicate span IDs');
    collector.traceWarning(tid('b'), 'only a warning');
    collector.span(makeSpan({ trace: 'a' }));
    const traces = collector.traces();
    expect(traces.map((t) => t.traceId)).toEqual([tid('a')]);
    expect(traces[0]!.warnings).toEqual([
      'trace has more than 10 spans, showing first 10',
      'duplicate span IDs',
    ]);
  });

  it('keeps what `keep` makes of each span, and tells decoders which attributes it wants', () => {
    const keepSet = new Set(['http.response.status_code']);
    const keep = Object.assign(
      (span: Span): Span => ({ ...span, attributes: {}, name: `kept ${span.name}` }),
      {
        keep: keepSet,
      },
    );
    const collector = new TraceCollector(keep);
    expect(collector.keepAttributes).toBe(keepSet);
    collector.span(makeSpan({ name: 'GET', attributes: { 'http.response.status_code': 200, big: 'x' } }));
    const [trace] = collector.traces();
    expect(trace!.spans).toMatchObject([{ name: 'kept GET', attributes: {} }]);
    expect(new TraceCollector().keepAttributes).toBeUndefined();
  });

  it('holds only the traces `accept` takes, and counts each trace it turned away once', () => {
    const wanted = tid('a');
    const collector = new TraceCollector(undefined, (traceId: TraceId) => traceId === wanted);
    collector.span(makeSpan({ trace: 'a', id: '1' }));
    collector.span(makeSpan({ trace: 'b', id: '1' }));
    collector.span(makeSpan({ trace: 'b', id: '2' }));
    collector.span(makeSpan({ trace: 'c', id: '1' }));
    expect(collector.traces().map((t) => t.traceId)).toEqual([wanted]);
    expect(collector.spanCount).toBe(1);
    expect(collector.tracesTurnedAway).toBe(2);
  });

  it('is empty before any span', () => {
    const collector = new TraceCollector();
    expect(collector.traces()).toEqual([]);
    expect(collector.spanCount).toBe(0);
    expect(collector.tracesTurnedAway).toBe(0);
  });
});

describe('TraceCollector.begin / rollback / commit', () => {
  it('takes back the spans, warnings, new traces and turned-away traces added since begin', () => {
    const collector = new TraceCollector(undefined, (id) => id !== tid('9'));
    collector.span(makeSpan({ id: '1', trace: 'a' }));
    collector.begin();
    collector.span(makeSpan({ id: '2', trace: 'a' }));
    collector.span(makeSpan({ id: '3', trace: 'b' }));
    collector.span(makeSpan({ id: '4', trace: '9' }));
    collector.traceWarning(tid('a'), 'truncated');
    collector.rollback();
    expect(
      collector.traces().map((t) => [t.traceId, t.spans.map((s) => s.spanId.slice(-1)), t.warnings]),
    ).toEqual([[tid('a'), ['1'], []]]);
    expect(collector.tracesTurnedAway).toBe(0);
    collector.begin();
    collector.span(makeSpan({ id: '5', trace: 'b' }));
    collector.commit();
    collector.rollback(); // nothing to take back after a commit
    expect(collector.traces().map((t) => t.spans.length)).toEqual([1, 1]);
  });
});

describe('trace order', () => {
  it('earliestStart is the smallest start among the spans, not the first span’s', () => {
    const trace = makeTrace([
      { startMs: 30, endMs: 40 },
      { startMs: 10, endMs: 90 },
      { startMs: 20, endMs: 25 },
    ]);
    expect(earliestStart(trace)).toBe(ms(10));
  });

  it('byStartThenId orders by start, then by trace id, and is 0 only for equal keys', () => {
    const a = { start: 5n, traceId: tid('a') };
    const b = { start: 5n, traceId: tid('b') };
    const early = { start: 1n, traceId: tid('f') };
    expect(byStartThenId(early, a)).toBe(-1);
    expect(byStartThenId(a, early)).toBe(1);
    expect(byStartThenId(a, b)).toBe(-1);
    expect(byStartThenId(b, a)).toBe(1);
    expect(byStartThenId(a, { ...a })).toBe(0);
    // Beyond 2^53: compared as bigints, not rounded floats.
    expect(
      byStartThenId(
        { start: 1_700_000_000_000_000_001n, traceId: tid('a') },
        { start: 1_700_000_000_000_000_000n, traceId: tid('b') },
      ),
    ).toBe(1);
  });

  it('newestFirst is that order reversed, and leaves its input alone', () => {
    const items = [
      { name: 'middle', start: 5n, traceId: tid('b') },
      { name: 'newest', start: 9n, traceId: tid('a') },
      { name: 'oldest', start: 1n, traceId: tid('c') },
      { name: 'middle, smaller id', start: 5n, traceId: tid('a') },
    ];
    const copy = [...items];
    expect(newestFirst(items, (i) => i).map((i) => i.name)).toEqual([
      'newest',
      'middle',
      'middle, smaller id',
      'oldest',
    ]);
    expect(items).toEqual(copy);
  });
});
