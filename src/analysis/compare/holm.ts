/**
 * Holm's step-down correction (Holm, Scand. J. Statist. 1979): with m tests, the smallest p-value
 * is compared with α/m, the next with α/(m − 1), and so on, stopping at the first that fails.
 * Given as adjusted p-values, comparable with α directly:
 *
 *   sorted p(1) ≤ … ≤ p(m)      adjusted(i) = max over j ≤ i of min(1, (m − j + 1)·p(j))
 *
 * Whatever the dependence between the tests, the chance of any false rejection stays at most α.
 * Returned in the order given.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]! || a - b);
  const adjusted = new Array<number>(m);
  let running = 0;
  for (const [rank, i] of order.entries()) {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[i]!));
    adjusted[i] = running;
  }
  return adjusted;
}
