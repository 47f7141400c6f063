import { median, quantile, sortedAscending } from '../../model/stats.js';
import type { SpanId, TraceId } from '../../model/types.js';
import type { CallFamily } from './calls.js';
import type { TracePerf } from './detect-perf.js';
import { findLockWaits, type TimedCall } from './lock-wait.js';
import type { PerfFinding, PerfFindingKind } from './perf-findings.js';
import {
  addFinding,
  addTracePerf,
  emptyPerfTotals,
  mergePerfTotals,
  type PerfTotals,
  type ShapeTotals,
} from './perf-totals.js';
import type { PerfThresholds } from './thresholds.js';

/** What `otrace perf` reports over every trace read: where time goes, and the findings grouped. */
export interface PerfReport {
  readonly traces: number;
  readonly breakdown: readonly RootBreakdown[];
  readonly groups: readonly FindingGroup[];
}

/** The traces that start with one operation, and the operations their critical paths spend time in. */
export interface RootBreakdown {
  readonly service: string;
  readonly name: string;
  readonly traces: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly totalMs: number;
  readonly parts: readonly {
    readonly service: string;
    readonly name: string;
    /** Summed over the traces. */
    readonly totalMs: number;
    /** Of the roots' time, summed over the traces. */
    readonly share: number;
    /** Per trace, where the operation is on the critical path. */
    readonly p95Ms: number;
    readonly traces: number;
  }[];
}

/** Findings of one kind, in one operation, on one shape, across traces. */
export interface FindingGroup {
  readonly kind: PerfFindingKind;
  readonly service: string;
  readonly name: string;
  readonly shape: string;
  readonly family: CallFamily | undefined;
  /** Findings in the group. */
  readonly count: number;
  /** Traces with one at least, and their share of the traces read. */
  readonly traces: number;
  readonly traceShare: number;
  /** The calls the findings name, summed. */
  readonly calls: number;
  readonly savedMs: number;
  /** The finding that would save most: a trace and span to `otrace show`. */
  readonly worst: {
    readonly traceId: TraceId;
    readonly spanId: SpanId;
    readonly savedMs: number;
    readonly count: number;
  };
  /**
   * The fewest and most calls of one finding (minCalls, maxCalls); the pool size (pool-wait), the
   * attempts multiplied (retry-storm), the median (slow-call), where it applies.
   */
  readonly detail: Readonly<Record<string, number>>;
}

const BREAKDOWN_PARTS = 12;

/**
 * Adds up the traces' TracePerf (perf-totals.ts), one at a time or as the totals of other
 * accumulators (worker threads), and judges what needs every trace once they are all in.
 */
export class PerfAccumulator {
  readonly #totals = emptyPerfTotals();
  #judged = false;

  constructor(private readonly thresholds: PerfThresholds) {}

  addTrace(traceId: TraceId, perf: TracePerf): void {
    addTracePerf(this.#totals, traceId, perf);
  }

  /** Another accumulator's totals (`totals()`), which are not to be used after. */
  addTotals(totals: PerfTotals): void {
    mergePerfTotals(this.#totals, totals);
  }

  /** What was added up, as plain data to cross threads; nothing is to be added after. */
  totals(): PerfTotals {
    return this.#totals;
  }

  report(): PerfReport {
    const totals = this.#totals;
    // The findings across traces are judged once, when the first report is asked for, in trace
    // order so that a group counts each trace once (perf-totals.ts).
    if (!this.#judged) {
      this.#judged = true;
      const judged = [...this.#slowCalls()];
      for (const shape of totals.shapes.values())
        judged.push(...findLockWaits(timedCalls(shape), this.thresholds));
      judged.sort((a, b) => (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
      for (const finding of judged) addFinding(totals, finding);
    }
    const traces = totals.traces;
    const breakdown = [...totals.roots.values()]
      .sort((a, b) => b.durations.length - a.durations.length || b.totalUs - a.totalUs || byName(a, b))
      .map((root): RootBreakdown => {
        const sorted = sortedAscending(root.durations);
        return {
          service: root.service,
          name: root.name,
          traces: root.durations.length,
          p50Ms: median(sorted) ?? 0,
          p95Ms: quantile(sorted, 0.95) ?? 0,
          totalMs: root.totalUs / 1000,
          parts: [...root.parts.values()]
            .sort((a, b) => b.totalUs - a.totalUs || byName(a, b))
            .slice(0, BREAKDOWN_PARTS)
            .map((part) => ({
              service: part.service,
              name: part.name,
              totalMs: part.totalUs / 1000,
              share: root.totalUs > 0 ? part.totalUs / root.totalUs : 0,
              p95Ms: quantile(sortedAscending(part.perTrace), 0.95) ?? 0,
              traces: part.perTrace.length,
            })),
        };
      });
    const groups = [...totals.groups.values()]
      .map(
        (g): FindingGroup => ({
          kind: g.kind,
          service: g.service,
          name: g.name,
          shape: g.shape,
          family: g.family,
          count: g.count,
          traces: g.traces,
          traceShare: traces > 0 ? g.traces / traces : 0,
          calls: g.calls,
          savedMs: g.savedUs / 1000,
          worst: g.worst,
          detail: g.detail,
        }),
      )
      .sort((a, b) => b.savedMs - a.savedMs || b.count - a.count || byGroupKey(a, b));
    return { traces, breakdown, groups };
  }

  /**
   * Calls much slower than their shape's median: more than `factor` times it and over `minMs`,
   * judged where the shape has `minSamples` calls or more. The slowest kept are named.
   */
  *#slowCalls(): Generator<PerfFinding> {
    const { minSamples, factor, minMs } = this.thresholds.slowCall;
    for (const shape of this.#totals.shapes.values()) {
      if (shape.durations.length < minSamples) continue;
      const middle = median(sortedAscending(shape.durations)) ?? 0;
      const limit = Math.max(minMs, middle * factor);
      for (const sample of shape.slowest) {
        if (sample.ms <= limit) break;
        yield {
          kind: 'slow-call',
          traceId: sample.traceId,
          spanId: sample.spanId as SpanId,
          service: shape.service,
          name: sample.name,
          shape: shape.shape,
          family: shape.family,
          durationMs: sample.ms,
          medianMs: middle,
          samples: shape.durations.length,
          savedMs: sample.ms - middle,
        };
      }
    }
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: { service: string; name: string }, b: { service: string; name: string }) =>
  compare(a.service, b.service) || compare(a.name, b.name);
const byGroupKey = (a: FindingGroup, b: FindingGroup) =>
  compare(a.kind, b.kind) ||
  byName(a, b) ||
  compare(a.shape, b.shape) ||
  compare(a.family ?? '', b.family ?? '');

function timedCalls(shape: ShapeTotals): TimedCall[] {
  return shape.leafIds.map((spanId, i) => ({
    traceId: shape.leafTraces[i]!,
    spanId: spanId as SpanId,
    service: shape.service,
    name: shape.name,
    shape: shape.shape,
    family: shape.family,
    startMs: shape.leafStarts[i]!,
    durationMs: shape.leafDurations[i]!,
  }));
}
