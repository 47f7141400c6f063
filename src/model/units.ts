import type { Nanos } from './types.js';

export const NANOS_PER_MICRO = 1000n;
export const NANOS_PER_MILLI = 1_000_000n;

export const nanos = (value: bigint): Nanos => value as Nanos;
export const ZERO_NANOS = nanos(0n);

/** Milliseconds as a float, for display and JSON (exact to the nanosecond below ~104 days). */
export function nanosToMillis(value: Nanos | bigint): number {
  return Number(value) / 1e6;
}

export function millisToNanos(ms: number): Nanos {
  return nanos(BigInt(Math.round(ms * 1e6)));
}

export function maxNanos(a: Nanos, b: Nanos): Nanos {
  return a > b ? a : b;
}

export function minNanos(a: Nanos, b: Nanos): Nanos {
  return a < b ? a : b;
}

/** Duration of a span; a span that ends before it starts (clock trouble) lasts zero. */
export function spanDuration(span: { readonly start: Nanos; readonly end: Nanos }): Nanos {
  return span.end > span.start ? nanos(span.end - span.start) : ZERO_NANOS;
}
