import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundsOf, rangeOf } from '../../../src/analysis/compare/bubble-up-ranges.js';
import { fisherExactTest } from '../../../src/analysis/compare/bubble-up-stats.js';
import { logFactorial } from '../../../src/analysis/compare/log-factorial.js';

function choose(n: number, k: number): bigint {
  let out = 1n;
  for (let i = 0; i < k; i++) out = (out * BigInt(n - i)) / BigInt(i + 1);
  return out;
}

/** ln(x) of a positive bigint, through its top 53 bits. */
function logBig(x: bigint): number {
  const bits = x.toString(2).length;
  const shift = Math.max(0, bits - 53);
  return Math.log(Number(x >> BigInt(shift))) + shift * Math.LN2;
}

/** Fisher's two-sided p-value the long way: every table of the margins, in exact integers. */
function fisherByEnumeration(a: number, b: number, c: number, d: number): number {
  const [selection, withValue, total] = [a + b, a + c, a + b + c + d];
  const weight = (x: number) => choose(withValue, x) * choose(total - withValue, selection - x);
  const seen = weight(a);
  let sum = 0n;
  for (let x = Math.max(0, withValue - (c + d)); x <= Math.min(withValue, selection); x++) {
    const w = weight(x);
    // w ≤ seen × (1 + 1e-7), in integers.
    if (w * 10_000_000n <= seen * 10_000_001n) sum += w;
  }
  return Math.min(1, Math.exp(logBig(sum) - logBig(choose(total, selection))));
}

describe('fisherExactTest', () => {
  it('gives the lady tasting tea’s p-value: 34/70', () => {
    expect(fisherExactTest(3, 1, 1, 3)).toBeCloseTo(34 / 70, 12);
  });

  it('agrees with enumerating every table, small and large', () => {
    const count = fc.integer({ min: 0, max: 40 });
    fc.assert(
      fc.property(count, count, count, count, (a, b, c, d) => {
        const p = fisherExactTest(a, b, c, d);
        const expected = fisherByEnumeration(a, b, c, d);
        expect(Math.abs(p - expected)).toBeLessThanOrEqual(1e-9 * Math.max(expected, 1e-300));
      }),
      { numRuns: 300 },
    );
    const tables: [number, number, number, number][] = [
      [90, 10, 80, 920],
      [3, 997, 1, 999],
      [500, 500, 480, 520],
      [12, 0, 0, 12],
    ];
    for (const table of tables) {
      const expected = fisherByEnumeration(...table);
      expect(Math.abs(fisherExactTest(...table) - expected)).toBeLessThanOrEqual(1e-9 * expected);
    }
  });

  it('is symmetric in the groups and in with/without', () => {
    expect(fisherExactTest(7, 3, 20, 70)).toBeCloseTo(fisherExactTest(20, 70, 7, 3), 12);
    expect(fisherExactTest(7, 3, 20, 70)).toBeCloseTo(fisherExactTest(3, 7, 70, 20), 12);
  });

  it('is 1 where the margins allow one table only, and tiny for a million traces split apart', () => {
    expect(fisherExactTest(0, 10, 0, 10)).toBe(1);
    const p = fisherExactTest(900_000, 100_000, 80_000, 920_000);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(1e-300);
    expect(fisherExactTest(500_000, 500_000, 500_100, 499_900)).toBeGreaterThan(0.5);
  });
});

describe('logFactorial', () => {
  it('follows the sum of logarithms past its table', () => {
    let sum = 0;
    for (let n = 1; n <= 5000; n++) {
      sum += Math.log(n);
      if (n > 200) expect(Math.abs(logFactorial(n) - sum)).toBeLessThan(1e-9 * sum);
    }
  });
});

describe('rangeOf and boundsOf', () => {
  it('cut at 1, 2 and 5 of each decade, zero alone, negatives mirrored', () => {
    const cases: [number, number | null, number | null][] = [
      [1, 1, 2],
      [1.999, 1, 2],
      [2, 2, 5],
      [0.002, 0.002, 0.005],
      [0.3, 0.2, 0.5],
      [999.999, 500, 1000],
      [1000, 1000, 2000],
      [7e15, 5e15, 1e16],
      [1e20, 1e16, null],
      [1e-9, 0, 1e-6],
      [-3, -5, -2],
      [-1e20, null, -1e16],
      [0, 0, 0],
    ];
    for (const [value, from, to] of cases)
      expect(boundsOf(rangeOf(value)), String(value)).toEqual({ from, to });
  });

  it('put every number inside its range’s bounds', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const { from, to } = boundsOf(rangeOf(value));
        if (value > 0) expect(from! <= value && (to === null || value < to)).toBe(true);
        else if (value < 0) expect((from === null || from < value) && value <= to!).toBe(true);
        else expect(rangeOf(value)).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });
});
