import { describe, expect, it } from 'vitest';
import { median, quantile, sortedAscending } from '../../src/model/stats.js';

describe('quantiles: the nearest rank, one definition for every figure', () => {
  it('is always a measured value: the lower median of an even count, no average', () => {
    expect(median([10, 20, 30, 40])).toBe(20);
    expect(median([10, 20, 30])).toBe(20);
    expect(median([7])).toBe(7);
    expect(median([])).toBeUndefined();
  });

  it('p95 of 20 values is the 19th; of 10, the 10th; q 0 and 1 are the ends', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(quantile(twenty, 0.95)).toBe(19);
    expect(quantile(twenty.slice(0, 10), 0.95)).toBe(10);
    expect(quantile(twenty, 0)).toBe(1);
    expect(quantile(twenty, 1)).toBe(20);
  });

  it('works on bigint nanoseconds as they are, sorted by value (not as text)', () => {
    const sorted = sortedAscending([5_000_000_000n, 900_000_000n, 10_000_000_000n]);
    expect(sorted).toEqual([900_000_000n, 5_000_000_000n, 10_000_000_000n]);
    expect(median(sorted)).toBe(5_000_000_000n);
  });

  it('clock offsets of an even count: the lower of the two middle ones (it used to be the upper)', () => {
    expect(median(sortedAscending([-40, -2, -30, -10]))).toBe(-30);
  });
});
