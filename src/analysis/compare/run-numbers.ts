import { median, quantile, sortedAscending } from '../../model/stats.js';
import type { Operation } from './compare-subject.js';
import type { EntryPointSummary, RunAggregate, SubjectSummary } from './run-aggregate.js';

/**
 * One operation's or edge's numbers in one run, as a report shows them. Percentiles are by
 * nearest rank (model/stats.ts) over every call, or over a sample of `sampleSize` calls past it
 * (`sampled`); counts, means, rates and the maximum are exact.
 */
export interface RunNumbers {
  /** Traces with a call, and their share of the run's traces. */
  readonly traces: number;
  readonly traceShare: number;
  readonly calls: number;
  /** Calls per trace, among the traces with one: the median (of the sample) and the mean (exact). */
  readonly callsPerTrace: { readonly median: number; readonly mean: number };
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  readonly errors: number;
  /** Of the calls. */
  readonly errorRate: number;
  /** Traces with a failed call, and their share of `traces`: what the error-rate test compares. */
  readonly failingTraces: number;
  readonly failingShare: number;
  /** The longest call, to `otrace show`. */
  readonly slowest: { readonly traceId: string; readonly spanId: string; readonly ms: number };
  readonly sampled: boolean;
}

export function runNumbersOf(summary: SubjectSummary, runTraces: number): RunNumbers {
  const durations = summary.durationsUs;
  return {
    traces: summary.traces,
    traceShare: runTraces > 0 ? summary.traces / runTraces : 0,
    calls: summary.calls,
    callsPerTrace: {
      median: median(sortedAscending(summary.perTraceCalls)) ?? 0,
      mean: summary.traces > 0 ? summary.calls / summary.traces : 0,
    },
    p50Ms: millis(median(durations)),
    p95Ms: millis(quantile(durations, 0.95)),
    maxMs: millis(summary.maxUs),
    meanMs: summary.calls > 0 ? summary.sumUs / summary.calls / 1000 : 0,
    errors: summary.errors,
    errorRate: summary.calls > 0 ? summary.errors / summary.calls : 0,
    failingTraces: summary.failingTraces,
    failingShare: summary.traces > 0 ? summary.failingTraces / summary.traces : 0,
    slowest: {
      traceId: summary.slowest.traceId,
      spanId: summary.slowest.spanId,
      ms: millis(summary.slowest.us),
    },
    sampled: durations.length < summary.calls,
  };
}

/** The traces that start with one operation, in one run. */
export interface EntryPointNumbers {
  readonly traces: number;
  readonly traceShare: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

export function entryPointNumbersOf(summary: EntryPointSummary, runTraces: number): EntryPointNumbers {
  return {
    traces: summary.traces,
    traceShare: runTraces > 0 ? summary.traces / runTraces : 0,
    p50Ms: millis(median(summary.durationsUs)),
    p95Ms: millis(quantile(summary.durationsUs, 0.95)),
    maxMs: millis(summary.maxUs),
  };
}

function millis(us: number | undefined): number {
  return (us ?? 0) / 1000;
}

/** The traces that start with one operation, in each run: numbers only (the mix of requests each run made). */
export interface EntryPointChange extends Operation {
  readonly baseline: EntryPointNumbers | undefined;
  readonly candidate: EntryPointNumbers | undefined;
}

export function entryPointsOf(baseline: RunAggregate, candidate: RunAggregate): EntryPointChange[] {
  const before = baseline.entryPoints();
  const after = candidate.entryPoints();
  return [...new Set([...before.keys(), ...after.keys()])].sort().map((key) => {
    const b = before.get(key);
    const c = after.get(key);
    const { service, name } = (b ?? c)!;
    return {
      service,
      name,
      baseline: b && entryPointNumbersOf(b, baseline.traces),
      candidate: c && entryPointNumbersOf(c, candidate.traces),
    };
  });
}
