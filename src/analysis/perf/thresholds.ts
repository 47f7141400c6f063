/**
 * When each performance detector fires. The defaults follow Sentry's documented detectors where
 * they have one (N+1 queries: 5 or more sequential, similar calls totalling more than 50 ms;
 * consecutive queries: more than 100 ms to save and at least 10% of the sequence) and are chosen
 * so that none fires on a healthy trace of our fixtures. `.otrace.json` tunes them under "perf"
 * (pipeline/config-file.ts).
 */
export interface PerfThresholds {
  readonly nPlusOne: {
    /** Sequential calls of one shape under one parent, at least. */
    readonly minCalls: number;
    /** Their time together, at least. */
    readonly minTotalMs: number;
  };
  readonly sequential: {
    /** Time that running the calls at once would save, at least... */
    readonly minSavedMs: number;
    /** ...and at least this share of the sequence's time. */
    readonly minSavedShare: number;
  };
  readonly redundant: {
    /** The same read (a statement with its values, or a GET of one URL) in one trace, at least this often. */
    readonly minCalls: number;
    /** The time of the repeats (all but the first), at least. */
    readonly minWastedMs: number;
  };
  readonly retryStorm: {
    /** Attempts of one call one after another, each but the last failed, at least. */
    readonly minAttempts: number;
  };
  readonly fanOut: {
    /** Calls made by one span, at least. */
    readonly minCalls: number;
  };
  readonly poolWait: {
    /** Calls of one shape through the pool, at least. */
    readonly minCalls: number;
    /** Share of the queued calls that start as another ends, at least. */
    readonly minQueuedShare: number;
    /** Time the queue cost (the calls' span against what they would take all at once), at least. */
    readonly minWaitedMs: number;
  };
  readonly slowCall: {
    /** Calls of one shape across the traces before its distribution is judged, at least. */
    readonly minSamples: number;
    /** A call slower than this many times its shape's median... */
    readonly factor: number;
    /** ...and slower than this. */
    readonly minMs: number;
  };
}

export const DEFAULT_PERF_THRESHOLDS: PerfThresholds = {
  nPlusOne: { minCalls: 5, minTotalMs: 50 },
  sequential: { minSavedMs: 100, minSavedShare: 0.1 },
  redundant: { minCalls: 2, minWastedMs: 10 },
  retryStorm: { minAttempts: 4 },
  fanOut: { minCalls: 100 },
  poolWait: { minCalls: 6, minQueuedShare: 0.8, minWaitedMs: 20 },
  slowCall: { minSamples: 20, factor: 5, minMs: 100 },
};

/** The defaults with what a config file sets, detector by detector. */
export function withThresholds(
  overrides: {
    readonly [K in keyof PerfThresholds]?: Partial<PerfThresholds[K]>;
  },
): PerfThresholds {
  const out = { ...DEFAULT_PERF_THRESHOLDS } as Record<keyof PerfThresholds, object>;
  for (const key of Object.keys(overrides) as (keyof PerfThresholds)[])
    out[key] = { ...DEFAULT_PERF_THRESHOLDS[key], ...overrides[key] };
  return out as unknown as PerfThresholds;
}
