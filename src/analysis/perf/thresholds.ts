/**
 * When each performance detector fires. The defaults follow Sentry's documented detectors where
 * they have one (N+1 queries: 5 or more sequential, similar calls totalling more than 50 ms;
 * consecutive queries: more than 100 ms to save and at least 10% of the sequence; consecutive HTTP:
 * 3 calls or more, each over 500 ms, 2 s to save) and are chosen
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
    /** Database and cache calls: Sentry's consecutive DB queries. */
    readonly queries: {
      /** Time that running the queries at once would save, at least... */
      readonly minSavedMs: number;
      /** ...and at least this share of the run's time. */
      readonly minSavedShare: number;
    };
    /** HTTP and RPC calls: Sentry's consecutive HTTP. */
    readonly requests: {
      readonly minCalls: number;
      /** Each call this long at least. */
      readonly minCallMs: number;
      /** No more than this between one call's end and the next one's start. */
      readonly maxGapMs: number;
      readonly minSavedMs: number;
    };
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
  readonly lockWait: {
    /** Calls of one shape queued together across requests, at least. */
    readonly minCalls: number;
    /** What one call waited for the others, at least. */
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
  sequential: {
    queries: { minSavedMs: 100, minSavedShare: 0.1 },
    requests: { minCalls: 3, minCallMs: 500, maxGapMs: 500, minSavedMs: 2000 },
  },
  redundant: { minCalls: 2, minWastedMs: 10 },
  retryStorm: { minAttempts: 4 },
  fanOut: { minCalls: 100 },
  poolWait: { minCalls: 6, minQueuedShare: 0.8, minWaitedMs: 20 },
  lockWait: { minCalls: 3, minWaitedMs: 50 },
  slowCall: { minSamples: 20, factor: 5, minMs: 100 },
};

/** Overrides from a config file: each detector's fields, the sequential detector's per family. */
export type PerfThresholdOverrides = {
  readonly [K in Exclude<keyof PerfThresholds, 'sequential'>]?: Partial<PerfThresholds[K]>;
} & {
  readonly sequential?: {
    readonly queries?: Partial<PerfThresholds['sequential']['queries']>;
    readonly requests?: Partial<PerfThresholds['sequential']['requests']>;
  };
};

/** The defaults with what a config file sets, detector by detector. */
export function withThresholds(overrides: PerfThresholdOverrides): PerfThresholds {
  const d = DEFAULT_PERF_THRESHOLDS;
  return {
    nPlusOne: { ...d.nPlusOne, ...overrides.nPlusOne },
    sequential: {
      queries: { ...d.sequential.queries, ...overrides.sequential?.queries },
      requests: { ...d.sequential.requests, ...overrides.sequential?.requests },
    },
    redundant: { ...d.redundant, ...overrides.redundant },
    retryStorm: { ...d.retryStorm, ...overrides.retryStorm },
    fanOut: { ...d.fanOut, ...overrides.fanOut },
    poolWait: { ...d.poolWait, ...overrides.poolWait },
    lockWait: { ...d.lockWait, ...overrides.lockWait },
    slowCall: { ...d.slowCall, ...overrides.slowCall },
  };
}
