/**
 * Numbers a key holds too many of to compare one by one (durations, sizes, ids as numbers) are
 * compared by range: 1-2-5 steps per decade, as a chart's axis would cut them.
 *
 *   … [0.5, 1) [1, 2) [2, 5) [5, 10) [10, 20) … [5e15, ∞)      and 0 alone; negatives mirrored
 *
 * A range is an integer: 0 for zero, 1 for (0, 1e-6), then three per decade up from 1e-6, the
 * last open-ended; the negative of that for negative numbers. About 140 in all: bounded.
 */
const LOWEST_DECADE = -6;
const HIGHEST_DECADE = 15;
const STEPS = [1, 2, 5] as const;
const TOP = 2 + 3 * (HIGHEST_DECADE - LOWEST_DECADE + 1);

/** The range a finite number falls in. */
export function rangeOf(value: number): number {
  if (value === 0) return 0;
  const size = Math.abs(value);
  const range = size < power(1, LOWEST_DECADE) ? 1 : positiveRangeOf(size);
  return value < 0 ? -range : range;
}

function positiveRangeOf(size: number): number {
  if (size >= power(1, HIGHEST_DECADE + 1)) return TOP;
  // log10 can be off by one ulp at a power of ten: settle the decade by comparing.
  let decade = Math.floor(Math.log10(size));
  if (size < power(1, decade)) decade--;
  else if (size >= power(1, decade + 1)) decade++;
  const step = size < power(2, decade) ? 0 : size < power(5, decade) ? 1 : 2;
  return 2 + 3 * (decade - LOWEST_DECADE) + step;
}

/** `step`e`decade`, exact as written in decimal (10 ** -3 * 2 is not 0.002): a table made once. */
const FIRST_DECADE = LOWEST_DECADE - 1;
const POWERS = STEPS.map((step) =>
  Array.from({ length: HIGHEST_DECADE + 3 - FIRST_DECADE }, (_, i) => Number(`${step}e${FIRST_DECADE + i}`)),
);

function power(step: (typeof STEPS)[number], decade: number): number {
  return POWERS[STEPS.indexOf(step)]![decade - FIRST_DECADE]!;
}

/**
 * A range's ends: `from` ≤ x < `to` for positive ranges, `from` < x ≤ `to` for negative ones
 * (each mirrors a positive one); null where it is open. Range 0 is zero alone.
 */
export function boundsOf(range: number): { from: number | null; to: number | null } {
  if (range === 0) return { from: 0, to: 0 };
  const { from, to } = positiveBoundsOf(Math.abs(range));
  return range > 0 ? { from, to } : { from: to === null ? null : -to, to: -from };
}

function positiveBoundsOf(range: number): { from: number; to: number | null } {
  if (range === 1) return { from: 0, to: power(1, LOWEST_DECADE) };
  if (range >= TOP) return { from: power(1, HIGHEST_DECADE + 1), to: null };
  const index = range - 2;
  const decade = LOWEST_DECADE + Math.floor(index / 3);
  const step = index % 3;
  const to = step === 2 ? power(1, decade + 1) : power(STEPS[step + 1]!, decade);
  return { from: power(STEPS[step]!, decade), to };
}
