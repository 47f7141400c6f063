import type { BubbleUpResult, BubbleUpRow } from '../../analysis/compare/bubble-up-rank.js';
import type { CompareFinding } from '../../analysis/compare/compare-findings.js';
import type { Subject } from '../../analysis/compare/compare-subject.js';
import type { MetricJudgement } from '../../analysis/compare/judge-changes.js';
import type { ErrorGroupChange, PerfGroupChange } from '../../analysis/compare/run-differences.js';
import type { RunNumbers } from '../../analysis/compare/run-numbers.js';
import type { ErrorGroup } from '../../analysis/group-errors.js';
import type { Edge } from '../../analysis/propagation/client-calls.js';
import type {
  BubbleUpRowJson,
  CompareBaselineDocument,
  CompareRowJson,
  CompareWhereDocument,
} from '../contracts/compare.js';
import { COMPARE_SCHEMA_VERSION } from '../contracts/versions.js';
import { roundMillis } from '../format.js';
import { groupText } from '../perf/words.js';
import { propagationMessage } from '../propagation/words.js';
import { JSON_QUOTE } from '../quote.js';
import type { CompareOutcome, CompareVerdict } from './outcome.js';
import type { CompareRow } from './rows.js';
import { bubbleSummary, findingHeadline, summaryText } from './words.js';

type BaselineDoc = CompareBaselineDocument;

/** A share or p-value in [0, 1], to four decimals where it is a share; p-values keep their magnitude. */
const share = (value: number) => Math.min(1, Math.max(0, Math.round(value * 10_000) / 10_000));
const probability = (value: number) => Math.min(1, Math.max(0, Number(value.toPrecision(4))));
const round = (value: number) => Math.round(value * 1000) / 1000;

export function buildCompareDocument(
  outcome: CompareOutcome,
  verdict: CompareVerdict,
  top: number,
): CompareBaselineDocument {
  const { judgement, differences: d } = outcome;
  return {
    schemaVersion: COMPARE_SCHEMA_VERSION,
    mode: 'baseline',
    baseline: { traces: judgement.baselineTraces },
    candidate: { traces: judgement.candidateTraces },
    thresholds: {
      confidence: judgement.thresholds.confidence,
      minSamples: judgement.thresholds.minSamples,
      duration: { ...judgement.thresholds.duration },
      calls: { ...judgement.thresholds.calls },
      errorRate: { ...judgement.thresholds.errorRate },
    },
    tested: judgement.tested,
    failOn: [...verdict.failOn],
    failed: verdict.failed,
    summary: {
      text: summaryText(outcome, JSON_QUOTE),
      verdict: outcome.regressions > 0 ? 'regression' : 'no-regression',
      regressions: outcome.regressions,
      improvements: outcome.improvements,
      compared: outcome.compared,
      tooFewSamples: outcome.tooFewSamples,
    },
    findings: judgement.findings.map(findingJson),
    rowsTotal: outcome.rows.length,
    rows: outcome.rows.slice(0, top).map(rowJson),
    errors: { new: d.newErrors.map(errorGroupJson), vanished: d.vanishedErrors.map(errorGroupJson) },
    perf: { new: d.newPerf.map(perfGroupJson), grown: d.grownPerf.map(perfGroupJson) },
    propagation: {
      new: d.newPropagation.map((g) => ({
        kind: g.kind,
        service: g.service,
        peer: g.peer ?? null,
        count: g.count,
        traces: g.traces,
        adjustedPValue: probability(g.adjustedPValue),
        beyondNoise: g.beyondNoise,
        message: propagationMessage(g.example, JSON_QUOTE),
        traceId: g.example.traceId,
        spanId: g.example.spanId,
      })),
      droppedEdges: d.droppedEdges.map((e) => ({
        caller: e.caller,
        callee: e.callee,
        baseline: edgeJson(e.baseline),
        candidate: edgeJson(e.candidate),
        adjustedPValue: probability(e.adjustedPValue),
      })),
    },
  };
}

function subjectJson(subject: Subject) {
  return {
    scope: subject.scope,
    service: subject.service,
    operation: subject.name,
    callee:
      subject.scope === 'edge' ? { service: subject.callee.service, operation: subject.callee.name } : null,
    peer: subject.scope === 'peer-edge' ? subject.peer : null,
  };
}

export function numbersJson(n: RunNumbers | undefined): CompareRowJson['baseline'] {
  if (n === undefined) return null;
  return {
    traces: n.traces,
    traceShare: share(n.traceShare),
    calls: n.calls,
    callsPerTrace: { median: round(n.callsPerTrace.median), mean: round(n.callsPerTrace.mean) },
    p50Ms: roundMillis(n.p50Ms),
    p95Ms: roundMillis(n.p95Ms),
    maxMs: roundMillis(n.maxMs),
    meanMs: roundMillis(n.meanMs),
    errors: n.errors,
    errorRate: share(n.errorRate),
    failingTraces: n.failingTraces,
    failingShare: share(n.failingShare),
    slowestTraceId: n.slowest.traceId,
    slowestSpanId: n.slowest.spanId,
    slowestMs: roundMillis(n.slowest.ms),
    sampled: n.sampled,
  };
}

function judgedJson(j: MetricJudgement) {
  const test = (t: MetricJudgement['worse']) =>
    t
      ? {
          pValue: probability(t.pValue),
          adjustedPValue: t.adjustedPValue === undefined ? null : probability(t.adjustedPValue),
        }
      : null;
  return { verdict: j.verdict, worse: test(j.worse), better: test(j.better) };
}

function rowJson(row: CompareRow): CompareRowJson {
  const { change } = row;
  const { duration, calls, errorRate } = change;
  return {
    ...subjectJson(change.subject),
    presence: change.presence,
    verdict: row.verdict,
    baseline: numbersJson(change.baseline),
    candidate: numbersJson(change.candidate),
    duration: duration
      ? {
          ...judgedJson(duration),
          baselineMedianMs: roundMillis(duration.baselineMedianMs),
          candidateMedianMs: roundMillis(duration.candidateMedianMs),
          shiftMs: roundMillis(duration.shiftMs),
          lowMs: roundMillis(duration.lowMs),
          highMs: roundMillis(duration.highMs),
          shiftShare: round(duration.shiftShare),
        }
      : null,
    calls: calls
      ? {
          ...judgedJson(calls),
          baselineMedian: round(calls.baselineMedian),
          candidateMedian: round(calls.candidateMedian),
          change: round(calls.change),
        }
      : null,
    errorRate: errorRate
      ? {
          ...judgedJson(errorRate),
          baselineShare: share(errorRate.baselineShare),
          candidateShare: share(errorRate.candidateShare),
          change: round(errorRate.change),
        }
      : null,
  };
}

function findingJson(f: CompareFinding): BaselineDoc['findings'][number] {
  const metric = 'baseline' in f;
  const candidate = metric ? f.candidate : f.kind.startsWith('new') ? f.numbers : undefined;
  return {
    kind: f.kind,
    ...subjectJson(f),
    text: findingHeadline(f, JSON_QUOTE),
    effect: metric ? round(f.effect) : null,
    effectShare: metric && f.effectShare !== undefined ? round(f.effectShare) : null,
    interval:
      metric && f.interval
        ? { lowMs: roundMillis(f.interval.lowMs), highMs: roundMillis(f.interval.highMs) }
        : null,
    pValue: metric ? probability(f.pValue) : null,
    adjustedPValue: metric ? probability(f.adjustedPValue) : null,
    baseline: numbersJson(metric ? f.baseline : f.kind.startsWith('vanished') ? f.numbers : undefined),
    candidate: numbersJson(candidate),
    traceId: candidate?.slowest.traceId ?? null,
    spanId: candidate?.slowest.spanId ?? null,
  };
}

function errorGroupJson(change: ErrorGroupChange): BaselineDoc['errors']['new'][number] {
  const g = (change.candidate ?? change.baseline)!;
  const counted = (group: ErrorGroup | undefined) => ({
    count: group?.count ?? 0,
    traces: group?.traces ?? 0,
  });
  return {
    class: g.errorClass,
    where: g.where ?? null,
    service: g.service ?? null,
    operation: g.operation ?? null,
    errorType: g.errorType ?? null,
    message: g.message ?? null,
    baseline: counted(change.baseline),
    candidate: counted(change.candidate),
    examples: [...(change.candidate?.examples ?? [])],
    baselineExamples: [...(change.baseline?.examples ?? [])],
    adjustedPValue: probability(change.adjustedPValue),
    beyondNoise: change.beyondNoise,
  };
}

function perfGroupJson(change: PerfGroupChange): BaselineDoc['perf']['new'][number] {
  const g = change.candidate;
  const b = change.baseline;
  const perTrace = (count: number, traces: number) => round(traces > 0 ? count / traces : 0);
  return {
    kind: g.kind,
    service: g.service,
    operation: g.name,
    shape: g.shape,
    text: groupText(g, JSON_QUOTE),
    baseline: {
      count: b?.count ?? 0,
      traces: b?.traces ?? 0,
      perTrace: perTrace(b?.count ?? 0, change.baselineTraces),
    },
    candidate: { count: g.count, traces: g.traces, perTrace: perTrace(g.count, change.candidateTraces) },
    adjustedPValue: probability(change.adjustedPValue),
    beyondNoise: change.beyondNoise,
    example: {
      traceId: g.worst.traceId,
      spanId: g.worst.spanId,
      savedMs: roundMillis(g.worst.savedMs),
      calls: g.worst.count,
    },
  };
}

function edgeJson(e: Edge) {
  return {
    calls: e.calls,
    continued: e.continued,
    linked: e.linked,
    continuedShare: share((e.continued + e.linked) / Math.max(e.calls, 1)),
  };
}

/** The BubbleUp rows in one list: the values the selection has more, then those the rest has more. */
export function bubbleRowsOf(result: BubbleUpResult): { row: BubbleUpRow; moreIn: 'selection' | 'rest' }[] {
  return [
    ...result.moreInSelection.map((row) => ({ row, moreIn: 'selection' as const })),
    ...result.moreInRest.map((row) => ({ row, moreIn: 'rest' as const })),
  ];
}

export function buildWhereDocument(result: BubbleUpResult, where: string, top: number): CompareWhereDocument {
  const rows = bubbleRowsOf(result);
  return {
    schemaVersion: COMPARE_SCHEMA_VERSION,
    mode: 'where',
    where,
    selection: result.selection,
    rest: result.rest,
    summary: { text: bubbleSummary(result, where, JSON_QUOTE) },
    tested: result.tested,
    rowsTotal: rows.length,
    rows: rows.slice(0, top).map(
      ({ row, moreIn }): BubbleUpRowJson => ({
        scope: row.scope,
        key: row.key,
        value: row.value,
        moreIn,
        selection: { traces: row.selection.traces, share: share(row.selection.share) },
        rest: { traces: row.rest.traces, share: share(row.rest.share) },
        difference: Math.max(-1, Math.min(1, Math.round(row.difference * 10_000) / 10_000)),
        pValue: probability(row.pValue),
      }),
    ),
    highCardinality: result.highCardinality.map(({ scope, key, traces, reason }) => ({
      scope,
      key,
      traces,
      reason,
    })),
    keysCapped: result.keysCapped,
  };
}
