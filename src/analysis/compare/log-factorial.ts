/**
 * ln(n!) and ln(n choose k), for the exact tests (Fisher's, in error-rate-test.ts and
 * bubble-up-stats.ts) whose counts overflow a double as factorials.
 */
const TABLE_UP_TO = 256;
const LOG_FACTORIALS = (() => {
  const table = [0];
  for (let n = 1; n <= TABLE_UP_TO; n++) table.push(table[n - 1]! + Math.log(n));
  return table;
})();

/** ln(n!): summed exactly up to 256, Stirling's series past it (its next term is below 1e-17 there). */
export function logFactorial(n: number): number {
  if (n <= TABLE_UP_TO) return LOG_FACTORIALS[n]!;
  const inverse = 1 / n;
  const inverse2 = inverse * inverse;
  return (
    n * Math.log(n) -
    n +
    0.5 * Math.log(2 * Math.PI * n) +
    inverse * (1 / 12 - inverse2 * (1 / 360 - inverse2 / 1260))
  );
}

export function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}
