import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalUpperQuantile, normalUpperTail } from '../../../src/analysis/compare/normal-tail.js';
import { mannWhitney } from '../../../src/analysis/compare/rank-test.js';

/**
 * Brute force, for the exact path: B's rank sum over every way of choosing which of the pooled
 * values are B's (midranks for ties), counted directly. Independent of the dynamic programming.
 */
function enumerateTails(a: readonly number[], b: readonly number[]): { greater: number; less: number } {
  const pooled = [...a, ...b];
  const sorted = [...pooled].sort((x, y) => x - y);
  const midrank = (v: number) => (sorted.indexOf(v) + 1 + sorted.lastIndexOf(v) + 1) / 2;
  const ranks = pooled.map(midrank);
  const observed = b.reduce((s, v) => s + midrank(v), 0);
  let total = 0;
  let atLeast = 0;
  let atMost = 0;
  // Every subset of size b.length of the n positions, as bit masks (n ≤ 16 here).
  for (let mask = 0; mask < 1 << pooled.length; mask++) {
    let bits = 0;
    let sum = 0;
    for (let i = 0; i < pooled.length; i++)
      if (mask & (1 << i)) {
        bits++;
        sum += ranks[i]!;
      }
    if (bits !== b.length) continue;
    total++;
    if (sum >= observed - 1e-9) atLeast++;
    if (sum <= observed + 1e-9) atMost++;
  }
  return { greater: atLeast / total, less: atMost / total };
}

describe('mannWhitney', () => {
  it('matches R on Hollander & Wolfe’s permeability data (exact)', () => {
    // R's ?wilcox.test example, from Hollander & Wolfe (1973), p. 69: wilcox.test(x, y,
    // alternative = "greater") prints W = 35, p-value = 0.1272. W is x's U: x is our B.
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const test = mannWhitney(y, x);
    expect(test.method).toBe('exact');
    expect(test.u).toBe(35);
    expect(test.greater).toBeCloseTo(0.1272, 4);
    expect(test.greater).toBeCloseTo(enumerateTails(y, x).greater, 12);
    expect(test.less).toBeCloseTo(enumerateTails(y, x).less, 12);
  });

  it('gives 1/C(6,3) when every value of B is above every value of A (by hand)', () => {
    // Only one of the 20 ways to choose B's 3 ranks out of 6 puts them all on top: P = 0.05.
    const test = mannWhitney([1, 2, 3], [4, 5, 6]);
    expect(test.u).toBe(9);
    expect(test.greater).toBeCloseTo(1 / 20, 15);
    expect(test.less).toBe(1);
    expect(test.twoSided).toBeCloseTo(0.1, 15);
    // The smallest p-values these values allow are the same 1/20, whichever way.
    expect(test.smallest.greater).toBeCloseTo(1 / 20, 15);
    expect(test.smallest.less).toBeCloseTo(1 / 20, 15);
  });

  it('is exact with ties: the permutation distribution of the midranks, as brute force counts it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 8 }),
        (a, b) => {
          const test = mannWhitney(a, b);
          const brute = enumerateTails(a, b);
          expect(test.method).toBe('exact');
          expect(test.greater).toBeCloseTo(brute.greater, 12);
          expect(test.less).toBeCloseTo(brute.less, 12);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('uses the normal approximation with tie and continuity corrections past 400 pairs', () => {
    // Expected values: R's formula (wilcox.test, exact = FALSE, correct = TRUE), evaluated at 30
    // digits with mpmath: z = (U − n1·n2/2 ∓ ½)/σ, σ² = n1·n2/12·((N + 1) − Σ(t³ − t)/(N(N − 1))).
    const shifted = mannWhitney(
      Array.from({ length: 30 }, (_, i) => i),
      Array.from({ length: 25 }, (_, i) => i + 12),
    );
    expect(shifted.method).toBe('normal');
    expect(shifted.u).toBe(588);
    expect(shifted.greater).toBeCloseTo(0.00016340089759635603, 15);
    expect(shifted.less).toBeCloseTo(0.9998468902410982, 12);
    const tied = mannWhitney(
      [1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 10, 11, 12, 12, 13],
      [3, 4, 4, 5, 6, 6, 7, 8, 9, 9, 10, 11, 12, 13, 13, 14, 15, 15, 16, 17, 18],
    );
    expect(tied.u).toBe(324);
    expect(tied.greater).toBeCloseTo(0.004720298516377818, 14);
    expect(tied.less).toBeCloseTo(0.99561475770171, 12);
    const many = mannWhitney(
      Array.from({ length: 30 }, (_, i) => i % 7),
      Array.from({ length: 30 }, (_, i) => (i * 3) % 9),
    );
    expect(many.greater).toBeCloseTo(0.4133056522426037, 12);
    expect(many.less).toBeCloseTo(0.592568302378586, 12);
  });

  it('is 1 both ways when every value is the same, and so is the smallest p it could give', () => {
    const same = mannWhitney(Array(30).fill(1), Array(40).fill(1));
    expect([same.greater, same.less, same.smallest.greater, same.smallest.less]).toEqual([1, 1, 1, 1]);
  });

  it('turns round when A and B swap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (a, b) => {
          const ab = mannWhitney(a, b);
          const ba = mannWhitney(b, a);
          expect(ab.greater).toBeCloseTo(ba.less, 12);
          expect(ab.u + ba.u).toBe(a.length * b.length);
          expect(ab.smallest.greater).toBeLessThanOrEqual(ab.greater + 1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('normalUpperTail', () => {
  it('matches the standard normal table far into the tail', () => {
    // Q(z) = erfc(z/√2)/2 evaluated at 30 digits with mpmath; those up to z = 5 are also in
    // Abramowitz & Stegun, Table 26.1.
    const table: [number, number][] = [
      [0, 0.5],
      [1, 0.15865525393145705],
      [1.959963984540054, 0.025],
      [3, 0.0013498980316300946],
      [4, 3.1671241833119924e-5],
      [5, 2.866515718791939e-7],
      [6, 9.86587645037698e-10],
      [10, 7.619853024160525e-24],
      [20, 2.7536241186062337e-89],
    ];
    for (const [z, q] of table) expect(Math.abs(normalUpperTail(z) - q) / q).toBeLessThan(1e-12);
    expect(normalUpperTail(-3)).toBeCloseTo(1 - 0.0013498980316300946, 15);
  });

  it('inverts: the 97.5% and 99.5% points', () => {
    expect(normalUpperQuantile(0.025)).toBeCloseTo(1.959963984540054, 12);
    expect(normalUpperQuantile(0.005)).toBeCloseTo(2.575829303548901, 12);
  });
});
