/**
 * The standard normal distribution's upper tail, Q(z) = P(Z ≥ z), accurate to a few units in the
 * last place far into the tail (Q(10) ≈ 7.6e-24), where the p-values of a family of hundreds of
 * tests are compared: 1 − Φ(z) computed as a difference would be 0 past z ≈ 8.3.
 *
 * Q(z) = erfc(z/√2)/2, with erfc from
 * - x < 2: erf's series with positive terms, erf(x) = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1))
 *   (Abramowitz & Stegun 7.1.6), no cancellation; erfc = 1 − erf loses nothing that matters
 *   there, where erfc ≥ 0.0047;
 * - x ≥ 2: the continued fraction erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …))))
 *   (A&S 7.1.14), evaluated from a fixed depth backwards.
 */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < 0) return 1 - normalUpperTail(-z);
  return erfc(z / Math.SQRT2) / 2;
}

const SERIES_BELOW = 2;
const FRACTION_DEPTH = 120;
const TWO_OVER_ROOT_PI = 2 / Math.sqrt(Math.PI);

function erfc(x: number): number {
  if (x < SERIES_BELOW) {
    let term = x;
    let sum = x;
    const twoX2 = 2 * x * x;
    // The terms fall once n passes x², faster than geometrically: bounded at 200 whatever x < 2.
    for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
      term *= twoX2 / (2 * n + 1);
      sum += term;
    }
    return 1 - TWO_OVER_ROOT_PI * Math.exp(-x * x) * sum;
  }
  let fraction = x;
  for (let n = FRACTION_DEPTH; n >= 1; n--) fraction = x + n / 2 / fraction;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
}

/**
 * The z with Q(z) = p, for 0 < p < 1 (a confidence interval's critical value): bisection on
 * `normalUpperTail`, which falls as z rises, to the last representable step.
 */
export function normalUpperQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`a tail probability must be in (0, 1), got ${p}`);
  let low = -40;
  let high = 40;
  for (let i = 0; i < 200; i++) {
    const middle = (low + high) / 2;
    if (middle === low || middle === high) break;
    if (normalUpperTail(middle) > p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
