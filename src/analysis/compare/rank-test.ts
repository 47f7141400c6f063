import { normalUpperTail } from './normal-tail.js';

/**
 * The Mann–Whitney U test (Wilcoxon rank-sum): is one sample stochastically larger than another?
 * It compares ranks only, so a long tail or an outlier weighs as one rank, and no distribution is
 * assumed (durations are lognormal at best).
 *
 *   U = Σ over pairs (a, b): 1 where b > a, ½ where b = a      0 ≤ U ≤ nA·nB, nA·nB/2 when alike
 *
 * U counts for `b`: `greater` is the one-sided p-value that B is stochastically greater than A
 * (the candidate slower, calling more), `less` the other way, `twoSided` twice the smaller.
 * Exact where nA·nB ≤ 400 (the permutation distribution of the ranks as tied, so ties are exact
 * too); otherwise the normal approximation with R's corrections (wilcox.test, correct = TRUE):
 * the variance corrected for ties, and ½ towards the mean for continuity.
 *
 * `smallest` holds the smallest p-values the test could give these values, whichever of them
 * fell in B: B holding the largest (for `greater`) or the smallest (`less`). A test whose smallest
 * p-value is above the level can never be significant; such tests are left out of the family a
 * correction divides the level among (Tarone, Biometrics 1990): counts of calls all alike, say.
 */
export interface RankTest {
  readonly u: number;
  readonly greater: number;
  readonly less: number;
  readonly twoSided: number;
  readonly method: 'exact' | 'normal';
  readonly smallest: { readonly greater: number; readonly less: number };
}

export const EXACT_UP_TO_PAIRS = 400;

export function mannWhitney(a: readonly number[], b: readonly number[]): RankTest {
  const nA = a.length;
  const nB = b.length;
  if (nA === 0 || nB === 0)
    return { u: 0, greater: 1, less: 1, twoSided: 1, method: 'exact', smallest: { greater: 1, less: 1 } };
  const ranked = rankPooled(a, b);
  // B's doubled rank sum where B holds the smallest values, and where it holds the largest.
  const { sorted } = ranked;
  let lowest = 0;
  let highest = 0;
  for (let i = 0; i < nB; i++) {
    lowest += sorted[i]!;
    highest += sorted[sorted.length - 1 - i]!;
  }
  const exact = nA * nB <= EXACT_UP_TO_PAIRS;
  const tails = exact ? exactTails(sorted, nB) : normalTails(nA, nB, ranked.tieTerm);
  const [greater, less] = tails(ranked.sumB);
  return {
    u: ranked.sumB / 2 - (nB * (nB + 1)) / 2,
    greater,
    less,
    twoSided: Math.min(1, 2 * Math.min(greater, less)),
    method: exact ? 'exact' : 'normal',
    smallest: { greater: tails(highest)[0], less: tails(lowest)[1] },
  };
}

/** P(B's doubled rank sum ≥ s) and P(≤ s), under the null. */
type Tails = (doubledSumB: number) => [greater: number, less: number];

interface Ranked {
  /** Twice each pooled value's midrank (an integer), ascending. */
  readonly sorted: Int32Array;
  /** B's doubled rank sum. */
  readonly sumB: number;
  /** Σ (t³ − t) over the groups of t tied values. */
  readonly tieTerm: number;
}

/**
 * Midranks of A and B pooled: tied values share the mean of the ranks they span. Each sample is
 * sorted on its own (a typed array's sort, numeric and native), then the two are merged.
 */
function rankPooled(a: readonly number[], b: readonly number[]): Ranked {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  const sorted = new Int32Array(x.length + y.length);
  let tieTerm = 0;
  let sumB = 0;
  let i = 0;
  let j = 0;
  // Each pass takes the run of values equal to the smallest left, from both samples.
  while (i < x.length || j < y.length) {
    const value = j >= y.length || (i < x.length && x[i]! < y[j]!) ? x[i]! : y[j]!;
    const start = i + j;
    while (i < x.length && x[i] === value) i++;
    const fromA = i + j - start;
    while (j < y.length && y[j] === value) j++;
    const end = i + j;
    // Ranks start + 1 … end, whose mean doubled is start + 1 + end.
    const doubled = start + 1 + end;
    const t = end - start;
    tieTerm += t * t * t - t;
    sumB += (t - fromA) * doubled;
    sorted.fill(doubled, start, end);
  }
  return { sorted, sumB, tieTerm };
}

function normalTails(nA: number, nB: number, tieTerm: number): Tails {
  const n = nA + nB;
  const variance = ((nA * nB) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return () => [1, 1];
  const sigma = Math.sqrt(variance);
  return (doubledSumB) => {
    const centred = doubledSumB / 2 - (nB * (nB + 1)) / 2 - (nA * nB) / 2;
    return [normalUpperTail((centred - 0.5) / sigma), 1 - normalUpperTail((centred + 0.5) / sigma)];
  };
}

/**
 * Every way of choosing which nB of the pooled values are B's, all equally likely under the null,
 * counted by dynamic programming over the doubled midranks of the smaller group (the larger's sum
 * is the rest of the total): ways[c][s] is the number of ways to choose c values whose doubled
 * ranks add up to s. With nA·nB ≤ 400 the smaller group has at most 20 values and the largest
 * count, C(40, 20) ≈ 1.4e11, is exact in a double.
 */
function exactTails(sorted: Int32Array, nB: number): Tails {
  const n = sorted.length;
  const countB = nB <= n - nB;
  const size = countB ? nB : n - nB;
  let total = 0;
  for (const rank of sorted) total += rank;
  const top = 2 * n * size + 1;
  const ways = Array.from({ length: size + 1 }, () => new Float64Array(top));
  ways[0]![0] = 1;
  let reach = 0;
  for (let i = 0; i < n; i++) {
    const rank = sorted[i]!;
    reach += rank;
    // Downwards, so that each value is chosen at most once (0/1 knapsack); no sum passes `reach`.
    for (let c = Math.min(size, i + 1); c >= 1; c--) {
      const from = ways[c - 1]!;
      const to = ways[c]!;
      for (let s = Math.min(reach, top - 1) - rank; s >= 0; s--) if (from[s]! > 0) to[s + rank]! += from[s]!;
    }
  }
  // Cumulative counts up to each sum of the counted group.
  const row = ways[size]!;
  const atMost = new Float64Array(top);
  let running = 0;
  for (let s = 0; s < top; s++) {
    running += row[s]!;
    atMost[s] = running;
  }
  const below = (s: number) => (s < 0 ? 0 : atMost[Math.min(s, top - 1)]!);
  return (doubledSumB) => {
    // Counting A's sum instead of B's turns the tails round: a large B sum is a small A sum.
    const s = countB ? doubledSumB : total - doubledSumB;
    const greaterOrEqual = (running - below(s - 1)) / running;
    const lessOrEqual = below(s) / running;
    return countB ? [greaterOrEqual, lessOrEqual] : [lessOrEqual, greaterOrEqual];
  };
}
