import type { SpanId, TraceId } from '../../model/types.js';
import type { CallFamily } from './calls.js';
import type { ShapeSamples, TracePerf } from './detect-perf.js';
import type { PerfFinding, PerfFindingKind } from './perf-findings.js';

/**
 * What `otrace perf` adds up over traces before judging anything: numbers, never spans. The
 * totals of two sets of traces merge into the totals of both, and nothing depends on the order
 * traces arrive in, so that worker threads each adding up the traces they read give, merged, what
 * one thread gives: sums are whole microseconds (a float sum depends on its order), ties are
 * broken by ids, a shape is named by its least name. Plain data (maps, arrays, numbers, strings):
 * it crosses from a worker thread as it is.
 */
export interface PerfTotals {
  traces: number;
  readonly roots: Map<string, RootTotals>;
  readonly groups: Map<string, GroupTotals>;
  readonly shapes: Map<string, ShapeTotals>;
}

export interface RootTotals {
  readonly service: string;
  readonly name: string;
  readonly durations: number[];
  totalUs: number;
  readonly parts: Map<string, { service: string; name: string; totalUs: number; perTrace: number[] }>;
}

export interface GroupTotals {
  readonly kind: PerfFindingKind;
  readonly service: string;
  readonly name: string;
  readonly shape: string;
  readonly family: CallFamily | undefined;
  count: number;
  /** Traces with a finding of the group: a trace's findings are added together, so counting the changes of `lastTrace` counts them. */
  traces: number;
  lastTrace: TraceId | undefined;
  calls: number;
  savedUs: number;
  worst: { traceId: TraceId; spanId: SpanId; savedMs: number; count: number };
  readonly detail: Record<string, number>;
}

export interface ShapeTotals {
  readonly service: string;
  readonly shape: string;
  readonly family: CallFamily;
  /** The least span name of its calls. */
  name: string;
  readonly durations: number[];
  /** The slowest call of each trace, the slowest SLOWEST_KEPT of them, slowest first. */
  slowest: SlowCall[];
  /** The calls with no call below them, across traces, to find those that queued behind each other. */
  readonly leafStarts: number[];
  readonly leafDurations: number[];
  readonly leafTraces: TraceId[];
  readonly leafIds: string[];
}

export interface SlowCall {
  readonly traceId: TraceId;
  readonly spanId: string;
  readonly name: string;
  readonly ms: number;
}

/** Slow calls are judged against their shape's distribution once every trace is in: this many of the slowest are kept per shape. */
const SLOWEST_KEPT = 20;

export function emptyPerfTotals(): PerfTotals {
  return { traces: 0, roots: new Map(), groups: new Map(), shapes: new Map() };
}

/** Whole microseconds, which add up to the same sum in any order. */
export const microseconds = (ms: number): number => Math.round(ms * 1000);

export function addTracePerf(totals: PerfTotals, traceId: TraceId, perf: TracePerf): void {
  totals.traces++;
  addBreakdown(totals, perf);
  for (const finding of perf.findings) addFinding(totals, finding);
  for (const samples of perf.samples) addSamples(totals, traceId, samples);
}

/** Adds `from`'s totals to `into`'s; `from` is not to be used after. */
export function mergePerfTotals(into: PerfTotals, from: PerfTotals): void {
  into.traces += from.traces;
  for (const [key, root] of from.roots) {
    const mine = into.roots.get(key);
    if (!mine) {
      into.roots.set(key, root);
      continue;
    }
    append(mine.durations, root.durations);
    mine.totalUs += root.totalUs;
    for (const [partKey, part] of root.parts) {
      const own = mine.parts.get(partKey);
      if (!own) mine.parts.set(partKey, part);
      else {
        own.totalUs += part.totalUs;
        append(own.perTrace, part.perTrace);
      }
    }
  }
  for (const [key, group] of from.groups) {
    const mine = into.groups.get(key);
    if (!mine) {
      into.groups.set(key, group);
      continue;
    }
    mine.count += group.count;
    mine.traces += group.traces;
    mine.calls += group.calls;
    mine.savedUs += group.savedUs;
    if (worse(group.worst, mine.worst)) mine.worst = group.worst;
    mergeDetail(mine.detail, group.detail);
  }
  for (const [key, shape] of from.shapes) {
    const mine = into.shapes.get(key);
    if (!mine) {
      into.shapes.set(key, shape);
      continue;
    }
    if (shape.name < mine.name) mine.name = shape.name;
    append(mine.durations, shape.durations);
    append(mine.leafStarts, shape.leafStarts);
    append(mine.leafDurations, shape.leafDurations);
    append(mine.leafTraces, shape.leafTraces);
    append(mine.leafIds, shape.leafIds);
    mine.slowest = [...mine.slowest, ...shape.slowest].sort(slowestFirst).slice(0, SLOWEST_KEPT);
  }
}

function addBreakdown(totals: PerfTotals, { breakdown }: TracePerf): void {
  if (breakdown.root === undefined) return;
  const key = `${breakdown.root.service}\u0000${breakdown.root.name}`;
  let root = totals.roots.get(key);
  if (!root) {
    root = {
      service: breakdown.root.service,
      name: breakdown.root.name,
      durations: [],
      totalUs: 0,
      parts: new Map(),
    };
    totals.roots.set(key, root);
  }
  root.durations.push(breakdown.root.durationMs);
  root.totalUs += microseconds(breakdown.root.durationMs);
  for (const { service, name, ms } of breakdown.parts) {
    const partKey = `${service}\u0000${name}`;
    let part = root.parts.get(partKey);
    if (!part) {
      part = { service, name, totalUs: 0, perTrace: [] };
      root.parts.set(partKey, part);
    }
    part.totalUs += microseconds(ms);
    part.perTrace.push(ms);
  }
}

/** Adds one finding to its group: those of one trace are added one after another. */
export function addFinding(totals: PerfTotals, finding: PerfFinding): void {
  const family = 'family' in finding ? finding.family : undefined;
  const key = [finding.kind, finding.service, finding.name, finding.shape, family ?? ''].join('\u0000');
  const count = finding.kind === 'slow-call' ? 1 : finding.count;
  const worst = { traceId: finding.traceId, spanId: finding.spanId, savedMs: finding.savedMs, count };
  let group = totals.groups.get(key);
  if (!group) {
    group = {
      kind: finding.kind,
      service: finding.service,
      name: finding.name,
      shape: finding.shape,
      family,
      count: 0,
      traces: 0,
      lastTrace: undefined,
      calls: 0,
      savedUs: 0,
      worst,
      detail: {},
    };
    totals.groups.set(key, group);
  }
  group.count++;
  if (group.lastTrace !== finding.traceId) {
    group.traces++;
    group.lastTrace = finding.traceId;
  }
  group.calls += count;
  group.savedUs += microseconds(finding.savedMs);
  if (worse(worst, group.worst)) group.worst = worst;
  const detail: Record<string, number> = { minCalls: count, maxCalls: count };
  if (finding.kind === 'pool-wait') detail.poolSize = finding.poolSize;
  if (finding.kind === 'retry-storm') detail.multiplied = finding.multiplied;
  if (finding.kind === 'slow-call') {
    detail.medianMs = finding.medianMs;
    detail.samples = finding.samples;
  }
  mergeDetail(group.detail, detail);
}

/** The finding that would save more; between equal savings, the lesser trace and span id. */
function worse(a: GroupTotals['worst'], b: GroupTotals['worst']): boolean {
  if (a.savedMs !== b.savedMs) return a.savedMs > b.savedMs;
  return a.traceId !== b.traceId ? a.traceId < b.traceId : a.spanId < b.spanId;
}

/** The fewest calls are kept least, the rest most (a slow call's median and samples are set once). */
function mergeDetail(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(from)) {
    const mine = into[name];
    into[name] =
      mine === undefined ? value : name === 'minCalls' ? Math.min(mine, value) : Math.max(mine, value);
  }
}

function addSamples(totals: PerfTotals, traceId: TraceId, samples: ShapeSamples): void {
  let shape = totals.shapes.get(samples.key);
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
    totals.shapes.set(samples.key, shape);
  }
  if (samples.name < shape.name) shape.name = samples.name;
  append(shape.durations, samples.durations);
  for (let i = 0; i < samples.leafIds.length; i++) {
    shape.leafStarts.push(samples.leaves[2 * i]!);
    shape.leafDurations.push(samples.leaves[2 * i + 1]!);
    shape.leafTraces.push(traceId);
    shape.leafIds.push(samples.leafIds[i]!);
  }
  const { slowest } = shape;
  const call: SlowCall = { traceId, ...samples.slowest };
  if (slowest.length < SLOWEST_KEPT || slowestFirst(call, slowest[slowest.length - 1]!) < 0) {
    slowest.push(call);
    slowest.sort(slowestFirst);
    if (slowest.length > SLOWEST_KEPT) slowest.pop();
  }
}

function slowestFirst(a: SlowCall, b: SlowCall): number {
  if (a.ms !== b.ms) return b.ms - a.ms;
  return a.traceId !== b.traceId ? (a.traceId < b.traceId ? -1 : 1) : a.spanId < b.spanId ? -1 : 1;
}

/** Appends one by one: a spread of a long array overflows the stack. */
function append<T>(into: T[], from: readonly T[]): void {
  for (const item of from) into.push(item);
}
