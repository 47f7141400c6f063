import { median, quantile, sortedAscending } from '../../model/stats.js';
import type { SpanId, TraceId } from '../../model/types.js';
import type { CallFamily } from './calls.js';
import type { ShapeSamples, TracePerf } from './detect-perf.js';
import { findLockWaits, type TimedCall } from './lock-wait.js';
import type { PerfFinding, PerfFindingKind } from './perf-findings.js';
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

/** Slow calls are judged against their shape's distribution once every trace is in: this many of the slowest are kept per shape. */
const SLOWEST_KEPT = 20;
const BREAKDOWN_PARTS = 12;

/** Adds up the traces' TracePerf, one at a time, holding numbers, never spans. */
export class PerfAccumulator {
  #traces = 0;
  readonly #roots = new Map<string, RootState>();
  readonly #groups = new Map<string, GroupState>();
  readonly #shapes = new Map<string, ShapeState>();
  #judged = false;

  constructor(private readonly thresholds: PerfThresholds) {}

  addTrace(traceId: TraceId, perf: TracePerf): void {
    this.#traces++;
    this.#addBreakdown(perf);
    for (const finding of perf.findings) this.#addFinding(finding);
    for (const samples of perf.samples) this.#addSamples(traceId, samples);
  }

  report(): PerfReport {
    // The findings across traces are judged once, when the first report is asked for.
    if (!this.#judged) {
      this.#judged = true;
      for (const finding of this.#slowCalls()) this.#addFinding(finding);
      for (const shape of this.#shapes.values())
        for (const finding of findLockWaits(timedCalls(shape), this.thresholds)) this.#addFinding(finding);
    }
    const traces = this.#traces;
    const breakdown = [...this.#roots.values()]
      .sort((a, b) => b.durations.length - a.durations.length || b.total - a.total)
      .map((root): RootBreakdown => {
        const sorted = sortedAscending(root.durations);
        return {
          service: root.service,
          name: root.name,
          traces: root.durations.length,
          p50Ms: median(sorted) ?? 0,
          p95Ms: quantile(sorted, 0.95) ?? 0,
          totalMs: root.total,
          parts: [...root.parts.values()]
            .sort((a, b) => b.total - a.total)
            .slice(0, BREAKDOWN_PARTS)
            .map((part) => ({
              service: part.service,
              name: part.name,
              totalMs: part.total,
              share: root.total > 0 ? part.total / root.total : 0,
              p95Ms: quantile(sortedAscending(part.perTrace), 0.95) ?? 0,
              traces: part.perTrace.length,
            })),
        };
      });
    const groups = [...this.#groups.values()]
      .map(
        (g): FindingGroup => ({
          kind: g.kind,
          service: g.service,
          name: g.name,
          shape: g.shape,
          family: g.family,
          count: g.count,
          traces: g.traces.size,
          traceShare: traces > 0 ? g.traces.size / traces : 0,
          calls: g.calls,
          savedMs: g.savedMs,
          worst: g.worst,
          detail: g.detail,
        }),
      )
      .sort((a, b) => b.savedMs - a.savedMs || b.count - a.count);
    return { traces, breakdown, groups };
  }

  #addBreakdown({ breakdown }: TracePerf): void {
    if (breakdown.root === undefined) return;
    const key = `${breakdown.root.service}\u0000${breakdown.root.name}`;
    let root = this.#roots.get(key);
    if (!root) {
      root = {
        service: breakdown.root.service,
        name: breakdown.root.name,
        durations: [],
        total: 0,
        parts: new Map(),
      };
      this.#roots.set(key, root);
    }
    root.durations.push(breakdown.root.durationMs);
    root.total += breakdown.root.durationMs;
    for (const { service, name, ms } of breakdown.parts) {
      const partKey = `${service}\u0000${name}`;
      let part = root.parts.get(partKey);
      if (!part) {
        part = { service, name, total: 0, perTrace: [] };
        root.parts.set(partKey, part);
      }
      part.total += ms;
      part.perTrace.push(ms);
    }
  }

  #addFinding(finding: PerfFinding): void {
    const key = `${finding.kind}\u0000${finding.service}\u0000${finding.name}\u0000${finding.shape}`;
    let group = this.#groups.get(key);
    const count = finding.kind === 'slow-call' ? 1 : finding.count;
    if (!group) {
      group = {
        kind: finding.kind,
        service: finding.service,
        name: finding.name,
        shape: finding.shape,
        family: 'family' in finding ? finding.family : undefined,
        count: 0,
        traces: new Set(),
        calls: 0,
        savedMs: 0,
        worst: { traceId: finding.traceId, spanId: finding.spanId, savedMs: -1, count },
        detail: {},
      };
      this.#groups.set(key, group);
    }
    group.count++;
    group.traces.add(finding.traceId);
    group.calls += count;
    group.savedMs += finding.savedMs;
    if (finding.savedMs > group.worst.savedMs)
      group.worst = { traceId: finding.traceId, spanId: finding.spanId, savedMs: finding.savedMs, count };
    group.detail.minCalls = Math.min(group.detail.minCalls ?? count, count);
    group.detail.maxCalls = Math.max(group.detail.maxCalls ?? count, count);
    if (finding.kind === 'pool-wait')
      group.detail.poolSize = Math.max(group.detail.poolSize ?? 0, finding.poolSize);
    if (finding.kind === 'retry-storm')
      group.detail.multiplied = Math.max(group.detail.multiplied ?? 0, finding.multiplied);
    if (finding.kind === 'slow-call') {
      group.detail.medianMs = finding.medianMs;
      group.detail.samples = finding.samples;
    }
  }

  #addSamples(traceId: TraceId, samples: ShapeSamples): void {
    let shape = this.#shapes.get(samples.key);
    if (!shape) {
      shape = {
        service: samples.service,
        shape: samples.shape,
        family: samples.family,
        name: samples.name,
        durations: [],
        slowest: [],
        leafStarts: [],
        leafDurations: [],
        leafTraces: [],
        leafIds: [],
      };
      this.#shapes.set(samples.key, shape);
    }
    for (const ms of samples.durations) shape.durations.push(ms);
    for (let i = 0; i < samples.leafIds.length; i++) {
      shape.leafStarts.push(samples.leaves[2 * i]!);
      shape.leafDurations.push(samples.leaves[2 * i + 1]!);
      shape.leafTraces.push(traceId);
      shape.leafIds.push(samples.leafIds[i]!);
    }
    const { slowest } = shape;
    if (slowest.length < SLOWEST_KEPT || samples.slowest.ms > slowest[slowest.length - 1]!.ms) {
      slowest.push({ traceId, ...samples.slowest });
      slowest.sort((a, b) => b.ms - a.ms);
      if (slowest.length > SLOWEST_KEPT) slowest.pop();
    }
  }

  /**
   * Calls much slower than their shape's median: more than `factor` times it and over `minMs`,
   * judged where the shape has `minSamples` calls or more. The slowest kept are named.
   */
  *#slowCalls(): Generator<PerfFinding> {
    const { minSamples, factor, minMs } = this.thresholds.slowCall;
    for (const shape of this.#shapes.values()) {
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

interface RootState {
  readonly service: string;
  readonly name: string;
  readonly durations: number[];
  total: number;
  readonly parts: Map<string, { service: string; name: string; total: number; perTrace: number[] }>;
}

interface GroupState {
  readonly kind: PerfFindingKind;
  readonly service: string;
  readonly name: string;
  readonly shape: string;
  readonly family: CallFamily | undefined;
  count: number;
  readonly traces: Set<TraceId>;
  calls: number;
  savedMs: number;
  worst: FindingGroup['worst'];
  readonly detail: Record<string, number>;
}

interface ShapeState {
  readonly service: string;
  readonly shape: string;
  readonly family: CallFamily;
  readonly name: string;
  readonly durations: number[];
  /** The slowest call of each trace, the slowest SLOWEST_KEPT of them, slowest first. */
  readonly slowest: { traceId: TraceId; spanId: string; name: string; ms: number }[];
  /** The calls with no call below them, across traces, to find those that queued behind each other. */
  readonly leafStarts: number[];
  readonly leafDurations: number[];
  readonly leafTraces: TraceId[];
  readonly leafIds: string[];
}

function timedCalls(shape: ShapeState): TimedCall[] {
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
