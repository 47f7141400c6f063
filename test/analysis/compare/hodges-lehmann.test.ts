import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hodgesLehmann, pairwiseDifference } from '../../../src/analysis/compare/hodges-lehmann.js';

/** Every difference b − a, sorted: the definition, for small samples. */
function allDifferences(a: readonly number[], b: readonly number[]): number[] {
  return a.flatMap((x) => b.map((y) => y - x)).sort((p, q) => p - q);
}

/** The median of a sorted list, the mean of the middle two for an even count. */
function middleOf(sorted: readonly number[]): number {
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/**
 * U's exact distribution without ties, counted by brute force (every subset of the ranks), and
 * the rank C of the interval's lower end: the smallest q with P(U ≤ q) ≥ tail (R's qwilcox), 1 at least.
 */
function lowerRankByEnumeration(nA: number, nB: number, tail: number): number {
  const n = nA + nB;
  const counts = new Array<number>(nA * nB + 1).fill(0);
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    let sum = 0;
    for (let i = 0; i < n; i++)
      if (mask & (1 << i)) {
        bits++;
        sum += i + 1;
      }
    if (bits === nB) counts[sum - (nB * (nB + 1)) / 2]!++;
  }
  const total = counts.reduce((s, c) => s + c, 0);
  let below = 0;
  for (let q = 0; q < counts.length; q++) {
    below += counts[q]!;
    if (below / total >= tail) return Math.max(1, q);
  }
  return 1;
}

describe('hodgesLehmann', () => {
  it('is the median of the pairwise differences, with the interval of the exact rank test', () => {
    // Hollander & Wolfe's permeability data (R's ?wilcox.test): x shifted from y.
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const estimate = hodgesLehmann(y, x, 0.95);
    const diffs = allDifferences(y, x);
    expect(estimate.shift).toBeCloseTo(0.305, 12);
    expect(estimate.shift).toBe(middleOf(diffs));
    const c = lowerRankByEnumeration(y.length, x.length, 0.025);
    expect(estimate.low).toBe(diffs[c - 1]);
    expect(estimate.high).toBe(diffs[diffs.length - c]);
    expect(estimate.low).toBeLessThan(estimate.shift);
    expect(estimate.high).toBeGreaterThan(estimate.shift);
  });

  it('finds a shift planted between two large samples, inside its interval', () => {
    // 2,000 values each, the second 30 more: the estimate must be near 30 and its interval hold it.
    const a = Array.from({ length: 2_000 }, (_, i) => ((i * 7919) % 2_000) / 10);
    const b = a.map((v) => v + 30);
    const estimate = hodgesLehmann(a, b, 0.99);
    expect(estimate.shift).toBeCloseTo(30, 9);
    expect(estimate.low).toBeLessThanOrEqual(30);
    expect(estimate.high).toBeGreaterThanOrEqual(30);
  });
});

describe('pairwiseDifference', () => {
  it('finds the k-th smallest difference, ties and all, as sorting every one does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, b, at) => {
          const diffs = allDifferences(a, b);
          const k = 1 + Math.min(diffs.length - 1, Math.floor(at * diffs.length));
          const x = Float64Array.from(a).sort();
          const y = Float64Array.from(b).sort();
          expect(pairwiseDifference(x, y, k)).toBe(diffs[k - 1]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lists nothing but narrows on large samples of real numbers, and on all-equal differences', () => {
    const x = Float64Array.from({ length: 300 }, (_, i) => Math.sin(i) * 1e3).sort();
    const y = Float64Array.from({ length: 300 }, (_, i) => Math.cos(i * 1.3) * 1e3 + 5).sort();
    const diffs = allDifferences([...x], [...y]);
    for (const k of [1, 2, 777, 45_000, 89_999, 90_000])
      expect(pairwiseDifference(x, y, k)).toBe(diffs[k - 1]);
    // 90,000 differences all 0: no bisection can split them.
    const same = new Float64Array(300).fill(1.5);
    expect(pairwiseDifference(same, same, 45_000)).toBe(0);
  });
});
