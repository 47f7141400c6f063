import { logChoose } from './log-factorial.js';

/**
 * Fisher's exact test on a 2×2 table, two-sided: how likely a split at least as uneven as the one
 * seen is, were the value as common in the selection as in the rest.
 *
 *                 with the value   without
 *   selection          a              b
 *   rest               c              d
 *
 * With the margins fixed, `a` follows a hypergeometric law; the p-value adds up the chances of
 * every `a` no likelier than the one seen. The law rises to its mode and falls after it, so the
 * unlikely ones are the two tails: each is found by bisection and summed from its inner end
 * outwards, stopping once the terms no longer count (they shrink faster than geometrically), so a
 * table of millions of traces costs a few hundred terms, not millions.
 */
export function fisherExactTest(a: number, b: number, c: number, d: number): number {
  const selection = a + b;
  const withValue = a + c;
  const total = a + b + c + d;
  const low = Math.max(0, withValue - (c + d));
  const high = Math.min(withValue, selection);
  if (low === high) return 1;
  const logChance = (x: number) =>
    logChoose(withValue, x) + logChoose(total - withValue, selection - x) - logChoose(total, selection);
  // Ties within rounding count as "no likelier", as R's fisher.test does.
  const limit = logChance(a) + 1e-7;
  const mode = Math.min(high, Math.max(low, Math.floor(((withValue + 1) * (selection + 1)) / (total + 2))));
  let p = 0;
  // Rising side [low, mode]: the unlikely ones are [low, lastBelow].
  const lastBelow = bisect(low, mode, (x) => logChance(x) <= limit, 'last');
  if (lastBelow !== undefined) p += sumOutwards(lastBelow, low, -1, logChance);
  // Falling side (mode, high]: the unlikely ones are [firstBelow, high].
  const firstBelow = mode < high ? bisect(mode + 1, high, (x) => logChance(x) <= limit, 'first') : undefined;
  if (firstBelow !== undefined) p += sumOutwards(firstBelow, high, 1, logChance);
  return Math.min(1, p);
}

/**
 * On [from, to] where `test` holds on a prefix ('last': the prefix's end) or a suffix ('first':
 * the suffix's start); undefined when it holds nowhere.
 */
function bisect(
  from: number,
  to: number,
  test: (x: number) => boolean,
  which: 'first' | 'last',
): number | undefined {
  if (which === 'last') {
    if (!test(from)) return undefined;
    let [yes, no] = [from, to + 1];
    while (no - yes > 1) {
      const middle = Math.floor((yes + no) / 2);
      if (test(middle)) yes = middle;
      else no = middle;
    }
    return yes;
  }
  if (!test(to)) return undefined;
  let [no, yes] = [from - 1, to];
  while (yes - no > 1) {
    const middle = Math.floor((yes + no) / 2);
    if (test(middle)) yes = middle;
    else no = middle;
  }
  return yes;
}

/** Adds the chances from `start` to `end` (inclusive), moving away from the mode. */
function sumOutwards(start: number, end: number, step: 1 | -1, logChance: (x: number) => number): number {
  let sum = 0;
  for (let x = start; step > 0 ? x <= end : x >= end; x += step) {
    const term = Math.exp(logChance(x));
    sum += term;
    if (term === 0 || term < sum * 1e-17) break;
  }
  return sum;
}
