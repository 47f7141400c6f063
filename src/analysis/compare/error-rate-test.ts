import { logChoose } from './log-factorial.js';

/**
 * Fisher's exact test, one-sided: does the candidate fail more often than the baseline?
 *
 *                 failed   did not
 *   baseline        fA     nA − fA
 *   candidate       fB     nB − fB
 *
 * With the margins fixed, fB follows the hypergeometric law of nB draws from nA + nB of which
 * fA + fB failed; the p-value is P(X ≥ fB). Each term is the one before times a ratio, from a
 * first term worked out in logarithms, so counts in the millions neither overflow nor take
 * millions of steps: the tail is summed from the end nearer the mode outwards, where the terms
 * fall faster than geometrically, and stops once they no longer count.
 */
export function fisherGreater(failedA: number, nA: number, failedB: number, nB: number): number {
  return upperTail(nA + nB, failedA + failedB, nB, failedB);
}

/** P(X ≤ fB): the candidate fails less often than the baseline. */
export function fisherLess(failedA: number, nA: number, failedB: number, nB: number): number {
  // Fewer of B's failing is more of A's failing: the same law seen from A.
  return upperTail(nA + nB, failedA + failedB, nA, failedA);
}

/**
 * The smallest p-values these margins allow (every failure in B, or every one in A): above the
 * level, the test can never be significant and is left out of the family (rank-test.ts).
 */
export function smallestFisherPValues(
  failedA: number,
  nA: number,
  failedB: number,
  nB: number,
): { greater: number; less: number } {
  const failed = failedA + failedB;
  const n = nA + nB;
  return {
    greater: upperTail(n, failed, nB, Math.min(failed, nB)),
    less: upperTail(n, failed, nA, Math.min(failed, nA)),
  };
}

/** P(X ≥ x) for X hypergeometric: `draws` from `total`, of which `marked` are marked. */
function upperTail(total: number, marked: number, draws: number, x: number): number {
  const low = Math.max(0, draws - (total - marked));
  const high = Math.min(marked, draws);
  if (x <= low) return 1;
  if (x > high) return 0;
  const mode = Math.floor(((marked + 1) * (draws + 1)) / (total + 2));
  const logTerm = (k: number) =>
    logChoose(marked, k) + logChoose(total - marked, draws - k) - logChoose(total, draws);
  // ratio(k) = P(k + 1) / P(k)
  const ratio = (k: number) => ((marked - k) * (draws - k)) / ((k + 1) * (total - marked - draws + k + 1));
  if (x > mode) return Math.min(1, Math.exp(logTerm(x)) * sumOutwards(x, high, ratio, 1));
  // Past the mode's side: one minus the lower tail P(X ≤ x − 1), summed downwards from x − 1.
  return Math.max(0, 1 - Math.exp(logTerm(x - 1)) * sumOutwards(x - 1, low, ratio, -1));
}

/** Σ P(k)/P(start) from `start` to `end`, moving away from the mode; stops when a term no longer counts. */
function sumOutwards(start: number, end: number, ratio: (k: number) => number, step: 1 | -1): number {
  let sum = 1;
  let term = 1;
  for (let k = start; step > 0 ? k < end : k > end; k += step) {
    term *= step > 0 ? ratio(k) : 1 / ratio(k - 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}
