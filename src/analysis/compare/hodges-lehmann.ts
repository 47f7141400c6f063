import { normalUpperQuantile } from './normal-tail.js';
import { EXACT_UP_TO_PAIRS } from './rank-test.js';

/**
 * The Hodges–Lehmann estimate of how far B is shifted from A: the median of the nA·nB pairwise
 * differences b − a, with the confidence interval that goes with the rank-sum test (Hollander &
 * Wolfe, Nonparametric Statistical Methods, §4.2–4.3; R's wilcox.test(conf.int = TRUE) for small
 * samples):
 *
 *   D(1) ≤ D(2) ≤ … ≤ D(nA·nB)  the differences, sorted
 *   shift = their median        interval = [D(C), D(nA·nB + 1 − C)]
 *
 * where C is the smallest count with P(U ≤ C) ≥ (1 − confidence)/2 under the null: from U's exact
 * distribution where nA·nB ≤ 400, else its normal approximation, the nearest integer to
 * nA·nB/2 − z·√(nA·nB·(nA + nB + 1)/12). The 4 million differences of two samples of 2,000 are
 * never listed: `pairwiseDifference` finds any one of them by rank in O((nA + nB)·log) time.
 */
export interface ShiftEstimate {
  readonly shift: number;
  readonly low: number;
  readonly high: number;
}

export function hodgesLehmann(a: readonly number[], b: readonly number[], confidence: number): ShiftEstimate {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  const pairs = x.length * y.length;
  if (pairs === 0) return { shift: Number.NaN, low: Number.NaN, high: Number.NaN };
  const middle = Math.ceil(pairs / 2);
  const shift =
    pairs % 2 === 1
      ? pairwiseDifference(x, y, middle)
      : (pairwiseDifference(x, y, middle) + pairwiseDifference(x, y, middle + 1)) / 2;
  const c = lowerRank(x.length, y.length, (1 - confidence) / 2);
  return { shift, low: pairwiseDifference(x, y, c), high: pairwiseDifference(x, y, pairs + 1 - c) };
}

/** The normal quantile of each tail asked for (one per confidence), and U's exact counts per (nA, nB). */
const CRITICAL = new Map<number, number>();
const U_COUNTS = new Map<string, readonly number[]>();

/** The rank C of the interval's lower end, 1 at least. */
function lowerRank(nA: number, nB: number, tail: number): number {
  const pairs = nA * nB;
  if (pairs <= EXACT_UP_TO_PAIRS) {
    const key = `${nA}/${nB}`;
    let counts = U_COUNTS.get(key);
    if (counts === undefined) {
      counts = uCounts(nA, nB);
      U_COUNTS.set(key, counts);
    }
    const total = counts.reduce((s, c) => s + c, 0);
    let below = 0;
    for (let q = 0; q < counts.length; q++) {
      below += counts[q]!;
      if (below / total >= tail) return Math.max(1, q);
    }
    return 1;
  }
  let z = CRITICAL.get(tail);
  if (z === undefined) {
    z = normalUpperQuantile(tail);
    CRITICAL.set(tail, z);
  }
  const c = Math.round(pairs / 2 - z * Math.sqrt((pairs * (nA + nB + 1)) / 12));
  return Math.min(Math.ceil(pairs / 2), Math.max(1, c));
}

/** How many ways each U from 0 to nA·nB arises without ties: ranks 1…n chosen m at a time (0/1 knapsack). */
function uCounts(nA: number, nB: number): number[] {
  const m = Math.min(nA, nB);
  const n = nA + nB;
  const top = (m * (m + 1)) / 2 + nA * nB;
  const ways = Array.from({ length: m + 1 }, () => new Float64Array(top + 1));
  ways[0]![0] = 1;
  for (let rank = 1; rank <= n; rank++)
    for (let c = Math.min(m, rank); c >= 1; c--)
      for (let s = top - rank; s >= 0; s--) if (ways[c - 1]![s]! > 0) ways[c]![s + rank]! += ways[c - 1]![s]!;
  // A rank sum s of the m chosen is U = s − m(m+1)/2.
  return Array.from(ways[m]!.subarray((m * (m + 1)) / 2));
}

/** Differences in (low, high] are listed and sorted once there are no more than this many. */
const LISTED = 1_024;

/**
 * The k-th smallest (1-based) of y[j] − x[i] over all pairs, x and y ascending: bisection between
 * differences that occur, counting those at or below a value in one pass of two pointers, until
 * few enough lie between the bounds to list them, or all of those are one value (ties). Every
 * comparison is made on y[j] − x[i] as computed, so counts and listed values agree to the bit.
 */
export function pairwiseDifference(x: Float64Array, y: Float64Array, k: number): number {
  // (low, high] holds the k-th; lowNext is the smallest difference above low, highLast the largest at or below high.
  let low = Number.NEGATIVE_INFINITY;
  let high = y[y.length - 1]! - x[0]!;
  let lowNext = y[0]! - x[x.length - 1]!;
  let highLast = high;
  let countLow = 0;
  let countHigh = x.length * y.length;
  // Each step leaves out at least one difference value (highLast, or everything up to lowNext):
  // bounded by their number, and in practice by the bits of a double (some 60 halvings).
  for (let step = 0; step <= countHigh; step++) {
    if (lowNext === highLast) return highLast;
    if (countHigh - countLow <= LISTED) {
      const between = Float64Array.from(listBetween(x, y, low, high)).sort();
      return between[k - countLow - 1]!;
    }
    let middle = lowNext + (highLast - lowNext) / 2;
    // Adjacent doubles: the halfway point rounds onto one of them. Try the lower one.
    if (middle >= highLast || middle < lowNext) middle = lowNext;
    const scan = scanAt(x, y, middle);
    if (scan.count >= k) [high, highLast, countHigh] = [middle, scan.last, scan.count];
    else [low, lowNext, countLow] = [middle, scan.next, scan.count];
  }
  return highLast;
}

/**
 * The differences at or below d: how many, the largest of them, and the smallest above d. For
 * each j they are y[j] − x[i] for i from some p_j on, p_j rising with j; the row's largest is at
 * p_j, its smallest above d at p_j − 1.
 */
function scanAt(x: Float64Array, y: Float64Array, d: number): { count: number; last: number; next: number } {
  let count = 0;
  let last = Number.NEGATIVE_INFINITY;
  let next = Number.POSITIVE_INFINITY;
  let p = 0;
  for (let j = 0; j < y.length; j++) {
    while (p < x.length && y[j]! - x[p]! > d) p++;
    count += x.length - p;
    if (p < x.length) last = Math.max(last, y[j]! - x[p]!);
    if (p > 0) next = Math.min(next, y[j]! - x[p - 1]!);
  }
  return { count, last, next };
}

function listBetween(x: Float64Array, y: Float64Array, low: number, high: number): number[] {
  const out: number[] = [];
  let fromHigh = 0;
  let fromLow = 0;
  for (let j = 0; j < y.length; j++) {
    while (fromHigh < x.length && y[j]! - x[fromHigh]! > high) fromHigh++;
    while (fromLow < x.length && y[j]! - x[fromLow]! > low) fromLow++;
    for (let i = fromHigh; i < fromLow; i++) out.push(y[j]! - x[i]!);
  }
  return out;
}
