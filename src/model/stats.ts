/**
 * Percentiles, one definition for every figure otrace prints (errors' p50, assert's p50/p95,
 * check-propagation's median clock offset): the nearest rank. The q-quantile of n sorted values is
 * the value at rank ⌈q·n⌉, the smallest one that at least a share q of the values do not exceed.
 *
 *   sorted  10  20  30  40      q = 0.5 → rank 2 → 20 (the lower median)
 *                               q = 0.95 → rank 4 → 40
 *
 * Why this one: it is always a value that was measured, a duration the user can find in a trace,
 * not an average of two; it needs no division, so it works on bigint nanoseconds as they are; and
 * a limit of p95 ≤ 500ms passes exactly when 95% of the spans took at most 500ms.
 */
export function quantile<T extends number | bigint>(sorted: readonly T[], q: number): T | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median<T extends number | bigint>(sorted: readonly T[]): T | undefined {
  return quantile(sorted, 0.5);
}

/** Ascending, for numbers and bigints alike (Array.prototype.sort compares bigints as text). */
export function sortedAscending<T extends number | bigint>(values: readonly T[]): T[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
