import type { Nanos } from '../model/types.js';

/**
 * Durations the way people read them: 850µs, 3.2ms, 100ms, 5.1s, 2m 05s.
 * One decimal for seconds, so that 5.0s next to a 5 s timeout reads as "hit the limit".
 */
export function formatDuration(value: Nanos | bigint): string {
  const ns = Number(value);
  if (ns < 1_000) return `${ns}ns`;
  // Each unit as it rounds: 999.5µs is 1.0ms, 9.96ms is 10ms, 999.6ms is 1.0s, 59.96s is 1m 00s.
  const us = Math.round(ns / 1_000);
  if (us < 1_000) return `${us}µs`;
  const tenthsOfMs = Math.round(ns / 100_000);
  if (tenthsOfMs < 100) return `${(tenthsOfMs / 10).toFixed(1)}ms`;
  const ms = Math.round(ns / 1_000_000);
  if (ms < 1_000) return `${ms}ms`;
  const tenthsOfS = Math.round(ns / 100_000_000);
  if (tenthsOfS < 600) return `${(tenthsOfS / 10).toFixed(1)}s`;
  const totalSeconds = Math.round(ns / 1_000_000_000);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes}m ${String(totalSeconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Milliseconds with at most 3 decimals (microsecond precision) for JSON. */
export function roundMillis(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export function isoTime(epochNanos: Nanos | bigint): string {
  const ms = Number(BigInt(epochNanos) / 1_000_000n);
  return new Date(ms).toISOString();
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
