import { describe, expect, it } from 'vitest';
import type { Nanos } from '../../src/model/types.js';
import {
  maxNanos,
  millisToNanos,
  minNanos,
  NANOS_PER_MICRO,
  NANOS_PER_MILLI,
  nanos,
  nanosToMillis,
  spanDuration,
  ZERO_NANOS,
} from '../../src/model/units.js';

const n = (value: bigint): Nanos => nanos(value);

describe('units', () => {
  it('has the right number of nanoseconds per microsecond and millisecond', () => {
    expect(NANOS_PER_MICRO).toBe(1000n);
    expect(NANOS_PER_MILLI).toBe(1_000_000n);
    expect(ZERO_NANOS).toBe(0n);
  });

  it('turns nanoseconds into float milliseconds, to the nanosecond', () => {
    expect(nanosToMillis(n(1_500_000n))).toBe(1.5);
    expect(nanosToMillis(1n)).toBe(0.000001);
    expect(nanosToMillis(n(5_000_000_000n))).toBe(5000);
    expect(nanosToMillis(n(-2_000_000n))).toBe(-2);
  });

  it('turns milliseconds into exact nanoseconds, rounding below the nanosecond', () => {
    expect(millisToNanos(1.5)).toBe(1_500_000n);
    expect(millisToNanos(0.0015)).toBe(1500n);
    expect(millisToNanos(0.0000004)).toBe(0n);
    expect(millisToNanos(0.0000006)).toBe(1n);
    expect(millisToNanos(30_000)).toBe(30_000_000_000n);
  });

  it('picks the larger and the smaller of two times', () => {
    expect(maxNanos(n(3n), n(7n))).toBe(7n);
    expect(maxNanos(n(7n), n(3n))).toBe(7n);
    expect(minNanos(n(3n), n(7n))).toBe(3n);
    expect(minNanos(n(7n), n(3n))).toBe(3n);
    // Epoch nanoseconds beyond 2^53 compare exactly.
    expect(maxNanos(n(1_700_000_000_000_000_001n), n(1_700_000_000_000_000_000n))).toBe(
      1_700_000_000_000_000_001n,
    );
  });

  it('measures a span from start to end, and a span that ends before it starts as zero', () => {
    expect(spanDuration({ start: n(1_000n), end: n(4_500n) })).toBe(3_500n);
    expect(spanDuration({ start: n(5_000n), end: n(5_000n) })).toBe(0n);
    expect(spanDuration({ start: n(5_000n), end: n(4_000n) })).toBe(0n);
    expect(spanDuration({ start: n(1_700_000_000_000_000_000n), end: n(1_700_000_000_000_000_001n) })).toBe(
      1n,
    );
  });
});
