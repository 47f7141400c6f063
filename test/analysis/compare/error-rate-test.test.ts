import { describe, expect, it } from 'vitest';
import {
  fisherGreater,
  fisherLess,
  smallestFisherPValues,
} from '../../../src/analysis/compare/error-rate-test.js';
import { holmAdjust } from '../../../src/analysis/compare/holm.js';

describe('fisherGreater', () => {
  it("gives 17/70 for Fisher's tea-tasting table (Fisher 1935; Agresti, Categorical Data Analysis §3.5)", () => {
    //              guessed milk first   not
    //   milk first        3              1
    //   tea first         1              3        P(X ≥ 3) = (16 + 1)/70
    expect(fisherGreater(1, 4, 3, 4)).toBeCloseTo(17 / 70, 14);
    expect(fisherLess(3, 4, 1, 4)).toBeCloseTo(17 / 70, 14);
  });

  it('matches exact rational arithmetic on counts in the thousands and hundred-thousands', () => {
    // Σ C(K, x)·C(N − K, nB − x) / C(N, nB) over x ≥ fB, in exact rationals (Python's fractions
    // and math.comb), rounded to a double.
    const cases: [number, number, number, number, number][] = [
      [0, 5_000, 30, 5_000, 8.915637388417011e-10],
      [100, 100_000, 150, 100_000, 0.0009355054894340344],
      [0, 200, 10, 200, 0.0008702588772449783],
      [12, 900, 7, 1_100, 0.9664247228040475],
      [40, 400, 41, 400, 0.5],
    ];
    for (const [fa, na, fb, nb, expected] of cases)
      expect(Math.abs(fisherGreater(fa, na, fb, nb) - expected) / expected).toBeLessThan(1e-8);
  });

  it('is 1 with no failures at all, and then can never be significant', () => {
    expect(fisherGreater(0, 300, 0, 300)).toBe(1);
    expect(smallestFisherPValues(0, 300, 0, 300)).toEqual({ greater: 1, less: 1 });
  });

  it('knows the smallest p-value the margins allow: every failure in the candidate', () => {
    // 7 failures among 200 + 200 traces, all 7 in the candidate: C(200,7)/C(400,7).
    const smallest = smallestFisherPValues(3, 200, 4, 200);
    expect(smallest.greater).toBeCloseTo(fisherGreater(0, 200, 7, 200), 15);
    // Exact: C(200,7)/C(400,7), as above.
    expect(Math.abs(smallest.greater - 0.007406481321436423) / smallest.greater).toBeLessThan(1e-9);
    expect(smallest.greater).toBeLessThan(0.01);
  });
});

describe('holmAdjust', () => {
  it('multiplies the sorted p-values by m, m − 1, … and keeps them rising (by hand)', () => {
    // sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → kept at 0.06.
    expect(holmAdjust([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
  });
});
