/**
 * When `otrace compare --baseline` calls a change a regression (or an improvement). Both must
 * hold: the change is significant, and it is large enough to matter. `.otrace.json` tunes them
 * under "compare", and the flags `--confidence`, `--min-effect` and `--min-samples`.
 *
 * Significance: a one-sided test per metric (rank-test.ts, error-rate-test.ts), corrected for the
 * number of tests made in the run (holm.ts): a run of 300 operations and edges tests some 900
 * things, and at a bare 1% nine of them would come out "significant" on unchanged code.
 */
export interface CompareThresholds {
  /**
   * How sure, after the correction, that a run with no change at all reports no regression
   * (and, separately, no improvement): 0.99 leaves a 1% chance of any false one per comparison.
   */
  readonly confidence: number;
  /** Traces with the operation or edge in each run, at least, before it is tested. */
  readonly minSamples: number;
  /** A duration change: the shift (Hodges–Lehmann) at least this share of the baseline's median and this many ms. */
  readonly duration: { readonly minShare: number; readonly minMs: number };
  /** A change of calls per trace: the median count moves by at least this many calls and this share of it. */
  readonly calls: { readonly minIncrease: number; readonly minShare: number };
  /** A change of error rate: the share of traces where it failed moves by at least this much (0.01: one point). */
  readonly errorRate: { readonly minIncrease: number };
}

export const DEFAULT_COMPARE_THRESHOLDS: CompareThresholds = {
  confidence: 0.99,
  minSamples: 20,
  duration: { minShare: 0.1, minMs: 1 },
  calls: { minIncrease: 1, minShare: 0.2 },
  errorRate: { minIncrease: 0.01 },
};

/** Overrides from a config file or flags, field by field. */
export interface CompareThresholdOverrides {
  readonly confidence?: number;
  readonly minSamples?: number;
  readonly duration?: Partial<CompareThresholds['duration']>;
  readonly calls?: Partial<CompareThresholds['calls']>;
  readonly errorRate?: Partial<CompareThresholds['errorRate']>;
}

/** The defaults with what is overridden. */
export function withCompareThresholds(overrides: CompareThresholdOverrides): CompareThresholds {
  const d = DEFAULT_COMPARE_THRESHOLDS;
  return {
    confidence: overrides.confidence ?? d.confidence,
    minSamples: overrides.minSamples ?? d.minSamples,
    duration: { ...d.duration, ...overrides.duration },
    calls: { ...d.calls, ...overrides.calls },
    errorRate: { ...d.errorRate, ...overrides.errorRate },
  };
}
