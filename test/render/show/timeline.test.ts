import { describe, expect, it } from 'vitest';
import { nanos } from '../../../src/model/units.js';
import { renderBar } from '../../../src/render/show/timeline.js';
import { makeSpan, ms } from '../../helpers/make-span.js';

/** A trace from 0 to 100 ms; bars of width 12 have 10 cells inside the frame, 10 ms each. */
const bar = (startMs: number, endMs: number, width = 12) =>
  renderBar(makeSpan({ startMs, endMs }), ms(0), ms(100), width);

describe('renderBar', () => {
  it('fills the whole inner width for a span as long as the trace', () => {
    expect(bar(0, 100)).toBe('│██████████│');
  });

  it('places a span by its start and end on the time axis', () => {
    expect(bar(20, 50)).toBe('│  ███     │');
    expect(bar(90, 100)).toBe('│         █│');
  });

  it('is always width characters wide', () => {
    for (const [s, e] of [
      [0, 1],
      [33, 66],
      [99, 100],
      [0, 100],
    ] as const) {
      expect([...bar(s, e, 23)]).toHaveLength(23);
    }
  });

  it('gives a span shorter than one cell a cell, so that it does not disappear', () => {
    expect(bar(41, 42)).toBe('│    █     │');
    expect(bar(50, 50)).toBe('│     █    │');
  });

  it('gives a zero-length span at the very end the last cell', () => {
    expect(bar(100, 100)).toBe('│         █│');
  });

  it('clamps a span outside the trace (clock skew) to the frame', () => {
    const before = renderBar(makeSpan({ startMs: -30, endMs: 20 }), ms(0), ms(100), 12);
    expect(before).toBe('│██        │');
    const after = renderBar(makeSpan({ startMs: 80, endMs: 150 }), ms(0), ms(100), 12);
    expect(after).toBe('│        ██│');
  });

  it('fills the bar when the trace lasts no time at all', () => {
    expect(renderBar(makeSpan({ startMs: 5, endMs: 5 }), ms(5), ms(5), 6)).toBe('│████│');
  });

  it('draws just the frame when there is no room inside it', () => {
    expect(bar(0, 100, 2)).toBe('││');
    expect(bar(0, 100, 1)).toBe('││');
  });

  it('works on epoch nanoseconds far beyond 2^53', () => {
    const base = 1_700_000_000_000_000_000n;
    const span = makeSpan({ start: nanos(base + 50_000_000n), end: nanos(base + 100_000_000n) });
    expect(renderBar(span, nanos(base), nanos(base + 100_000_000n), 12)).toBe('│     █████│');
  });
});
