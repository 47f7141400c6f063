import { sortedAscending } from '../../model/stats.js';
import { BottomK } from './bottom-k.js';
import { type Operation, type Subject, subjectOf } from './compare-subject.js';
import { hashSpan, hashTrace, startHash } from './sample-hash.js';
import type { SubjectFacts, TraceFacts } from './trace-facts.js';

/** Items each sample keeps: a p95 from 2,000 values is within about ±1 percentile rank of the whole's. */
export const DEFAULT_SAMPLE_SIZE = 2_000;

/** One subject over a run, read by judge-changes.ts. */
export interface SubjectSummary {
  readonly subject: Subject;
  /** Traces with at least one call. */
  readonly traces: number;
  readonly calls: number;
  readonly errors: number;
  /** Traces with at least one failed call. */
  readonly failingTraces: number;
  readonly sumUs: number;
  readonly maxUs: number;
  /** The longest call of the run (the smallest trace and span id among equals). */
  readonly slowest: { readonly traceId: string; readonly spanId: string; readonly us: number };
  /** The calls' durations, every one while there are no more than the sample size, else a sample; ascending. */
  readonly durationsUs: readonly number[];
  /** Per trace (every trace, or a sample of them), its calls and their mean duration, in one order. */
  readonly perTraceCalls: readonly number[];
  readonly perTraceMeanUs: readonly number[];
}

/** The traces that start with one operation: their root spans' durations. */
export interface EntryPointSummary extends Operation {
  readonly traces: number;
  readonly sumUs: number;
  readonly maxUs: number;
  /** Ascending; a sample past the sample size. */
  readonly durationsUs: readonly number[];
}

/** A RunAggregate as plain data, to cross threads: subjects by key, samples smallest item first. */
export interface RunAggregateData {
  readonly sampleSize: number;
  readonly traces: number;
  readonly subjects: readonly StatsData[];
  readonly roots: readonly StatsData[];
}

export interface StatsData {
  readonly key: string;
  readonly traces: number;
  readonly calls: number;
  readonly errors: number;
  readonly failingTraces: number;
  readonly sumUs: number;
  readonly maxUs: number;
  readonly slowestTraceId: string;
  readonly slowestSpanId: string;
  readonly spanHashes: readonly number[];
  readonly spanDurationsUs: readonly number[];
  readonly traceHashes: readonly number[];
  /** [calls, sumUs] of each trace sampled, one pair after another. */
  readonly traceValues: readonly number[];
}

/**
 * Adds up one run's TraceFacts (trace-facts.ts), one trace at a time, into memory bounded by the
 * subjects, not the traces: per subject, exact counts, sums (whole µs) and maximum, and two
 * bottom-k samples (bottom-k.ts) of `sampleSize` items: the calls' durations, keyed by a hash of
 * (trace id, span id), and each trace's calls and total duration, keyed by a hash of the trace id.
 * Whatever order the traces come in, and however they are split among aggregates merged after,
 * the result is the same: `toData()` is equal to the last number.
 */
export class RunAggregate {
  readonly sampleSize: number;
  #traces = 0;
  readonly #subjects = new Map<string, SubjectStats>();
  readonly #roots = new Map<string, SubjectStats>();

  constructor(sampleSize = DEFAULT_SAMPLE_SIZE) {
    this.sampleSize = sampleSize;
  }

  get traces(): number {
    return this.#traces;
  }

  addTrace(facts: TraceFacts): void {
    this.#traces++;
    const state = startHash(facts.traceId);
    const traceHash = hashTrace(state);
    for (const subject of facts.subjects)
      statsOf(this.#subjects, subject.key, this.sampleSize).add(facts.traceId, traceHash, subject);
    if (facts.root) {
      const { key, spanId, durationUs } = facts.root;
      const root: SubjectFacts = {
        key,
        durationsUs: [durationUs],
        sampleHashes: [hashSpan(state, spanId)],
        errors: 0,
        slowestSpanId: spanId,
        slowestUs: durationUs,
      };
      statsOf(this.#roots, key, this.sampleSize).add(facts.traceId, traceHash, root);
    }
  }

  /** Adds another aggregate of the same sample size (another worker's traces) into this one. */
  merge(other: RunAggregate): this {
    if (other.sampleSize !== this.sampleSize)
      throw new Error(`cannot merge samples of ${other.sampleSize} into samples of ${this.sampleSize}`);
    this.#traces += other.#traces;
    for (const [key, stats] of other.#subjects) statsOf(this.#subjects, key, this.sampleSize).merge(stats);
    for (const [key, stats] of other.#roots) statsOf(this.#roots, key, this.sampleSize).merge(stats);
    return this;
  }

  toData(): RunAggregateData {
    return {
      sampleSize: this.sampleSize,
      traces: this.#traces,
      subjects: dataOf(this.#subjects),
      roots: dataOf(this.#roots),
    };
  }

  static fromData(data: RunAggregateData): RunAggregate {
    const aggregate = new RunAggregate(data.sampleSize);
    aggregate.#traces = data.traces;
    for (const stats of data.subjects)
      aggregate.#subjects.set(stats.key, SubjectStats.fromData(stats, data.sampleSize));
    for (const stats of data.roots)
      aggregate.#roots.set(stats.key, SubjectStats.fromData(stats, data.sampleSize));
    return aggregate;
  }

  /** Every subject of the run, by key. */
  summaries(): Map<string, SubjectSummary> {
    const out = new Map<string, SubjectSummary>();
    for (const [key, stats] of this.#subjects) out.set(key, stats.summary(subjectOf(key)));
    return out;
  }

  /** Every root operation of the run, by key. */
  entryPoints(): Map<string, EntryPointSummary> {
    const out = new Map<string, EntryPointSummary>();
    for (const [key, stats] of this.#roots) {
      const subject = subjectOf(key);
      const summary = stats.summary(subject);
      out.set(key, {
        service: subject.service,
        name: subject.name,
        traces: summary.traces,
        sumUs: summary.sumUs,
        maxUs: summary.maxUs,
        durationsUs: summary.durationsUs,
      });
    }
    return out;
  }
}

function statsOf(map: Map<string, SubjectStats>, key: string, sampleSize: number): SubjectStats {
  let stats = map.get(key);
  if (!stats) {
    stats = new SubjectStats(key, sampleSize);
    map.set(key, stats);
  }
  return stats;
}

function dataOf(map: ReadonlyMap<string, SubjectStats>): StatsData[] {
  return [...map.keys()].sort().map((key) => map.get(key)!.toData());
}

class SubjectStats {
  traces = 0;
  calls = 0;
  errors = 0;
  failingTraces = 0;
  sumUs = 0;
  maxUs = -1;
  slowestTraceId = '';
  slowestSpanId = '';
  readonly spans: BottomK;
  readonly perTrace: BottomK;

  constructor(
    readonly key: string,
    sampleSize: number,
  ) {
    this.spans = new BottomK(sampleSize, 1);
    this.perTrace = new BottomK(sampleSize, 2);
  }

  add(traceId: string, traceHash: number, facts: SubjectFacts): void {
    const calls = facts.durationsUs.length;
    let sum = 0;
    for (let i = 0; i < calls; i++) {
      const us = facts.durationsUs[i]!;
      sum += us;
      this.spans.offer(facts.sampleHashes[i]!, us);
    }
    this.traces++;
    this.calls += calls;
    this.errors += facts.errors;
    if (facts.errors > 0) this.failingTraces++;
    this.sumUs += sum;
    this.perTrace.offer(traceHash, calls, sum);
    this.#noteSlowest(facts.slowestUs, traceId, facts.slowestSpanId);
  }

  merge(other: SubjectStats): void {
    this.traces += other.traces;
    this.calls += other.calls;
    this.errors += other.errors;
    this.failingTraces += other.failingTraces;
    this.sumUs += other.sumUs;
    this.spans.merge(other.spans);
    this.perTrace.merge(other.perTrace);
    this.#noteSlowest(other.maxUs, other.slowestTraceId, other.slowestSpanId);
  }

  /** The longest call; among equals, the smallest (trace id, span id), so that order does not matter. */
  #noteSlowest(us: number, traceId: string, spanId: string): void {
    if (us < this.maxUs) return;
    if (
      us === this.maxUs &&
      (traceId > this.slowestTraceId || (traceId === this.slowestTraceId && spanId >= this.slowestSpanId))
    )
      return;
    this.maxUs = us;
    this.slowestTraceId = traceId;
    this.slowestSpanId = spanId;
  }

  summary(subject: Subject): SubjectSummary {
    // In the sample's own order (by hash), so that the same traces give the same arrays.
    const { values } = this.perTrace.items();
    const calls = values.filter((_, i) => i % 2 === 0);
    const sums = values.filter((_, i) => i % 2 === 1);
    return {
      subject,
      traces: this.traces,
      calls: this.calls,
      errors: this.errors,
      failingTraces: this.failingTraces,
      sumUs: this.sumUs,
      maxUs: this.maxUs,
      slowest: { traceId: this.slowestTraceId, spanId: this.slowestSpanId, us: this.maxUs },
      durationsUs: sortedAscending(this.spans.firstValues()),
      perTraceCalls: calls,
      perTraceMeanUs: calls.map((n, i) => (n > 0 ? sums[i]! / n : 0)),
    };
  }

  toData(): StatsData {
    const spans = this.spans.items();
    const perTrace = this.perTrace.items();
    return {
      key: this.key,
      traces: this.traces,
      calls: this.calls,
      errors: this.errors,
      failingTraces: this.failingTraces,
      sumUs: this.sumUs,
      maxUs: this.maxUs,
      slowestTraceId: this.slowestTraceId,
      slowestSpanId: this.slowestSpanId,
      spanHashes: spans.hashes,
      spanDurationsUs: spans.values,
      traceHashes: perTrace.hashes,
      traceValues: perTrace.values,
    };
  }

  static fromData(data: StatsData, sampleSize: number): SubjectStats {
    const stats = new SubjectStats(data.key, sampleSize);
    stats.traces = data.traces;
    stats.calls = data.calls;
    stats.errors = data.errors;
    stats.failingTraces = data.failingTraces;
    stats.sumUs = data.sumUs;
    stats.maxUs = data.maxUs;
    stats.slowestTraceId = data.slowestTraceId;
    stats.slowestSpanId = data.slowestSpanId;
    for (let i = 0; i < data.spanHashes.length; i++)
      stats.spans.offer(data.spanHashes[i]!, data.spanDurationsUs[i]!);
    for (let i = 0; i < data.traceHashes.length; i++)
      stats.perTrace.offer(data.traceHashes[i]!, data.traceValues[2 * i]!, data.traceValues[2 * i + 1]!);
    return stats;
  }
}
