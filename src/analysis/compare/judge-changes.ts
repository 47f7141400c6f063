import { median, sortedAscending } from '../../model/stats.js';
import { type CompareFinding, findingsOf } from './compare-findings.js';
import { type CompareThresholds, DEFAULT_COMPARE_THRESHOLDS } from './compare-thresholds.js';
import { fisherGreater, fisherLess, smallestFisherPValues } from './error-rate-test.js';
import { hodgesLehmann } from './hodges-lehmann.js';
import { holmAdjust } from './holm.js';
import { mannWhitney } from './rank-test.js';
import type { RunAggregate, SubjectSummary } from './run-aggregate.js';
import { type EntryPointChange, entryPointsOf, runNumbersOf } from './run-numbers.js';
import type {
  CallsJudgement,
  DurationJudgement,
  ErrorRateJudgement,
  MetricJudgement,
  SubjectChange,
  Verdict,
} from './subject-change.js';

export type { EntryPointChange } from './run-numbers.js';
export type {
  CallsJudgement,
  DurationJudgement,
  ErrorRateJudgement,
  MetricJudgement,
  OneSidedTest,
  SubjectChange,
  Verdict,
} from './subject-change.js';

export interface CompareJudgement {
  readonly baselineTraces: number;
  readonly candidateTraces: number;
  readonly thresholds: CompareThresholds;
  /** How many tests each family held: the corrections divided the level among these. */
  readonly tested: { readonly worse: number; readonly better: number };
  /** Every operation and edge of either run, by key. */
  readonly changes: readonly SubjectChange[];
  readonly entryPoints: readonly EntryPointChange[];
  /** Regressions, then improvements, then what appeared and what vanished. */
  readonly findings: readonly CompareFinding[];
}

interface Tested {
  readonly p: number;
  readonly smallest: number;
  adjusted?: number;
}

interface Draft {
  readonly enough: boolean;
  readonly worse: Tested | undefined;
  readonly better: Tested | undefined;
  /** The effect is large enough to matter, in each direction. */
  readonly bigWorse: boolean;
  readonly bigBetter: boolean;
}

/**
 * Compares a candidate run with a baseline, operation by operation and edge by edge. A metric
 * regresses when, with `minSamples` traces in both runs, its one-sided test stays significant at
 * the confidence after Holm's correction over every test of the run, and its effect passes the
 * thresholds; improvements are judged the same way in a family of their own, so that the chance
 * of a false regression stays 1 − confidence whatever the improvements. A test whose smallest
 * possible p-value (given its margins or tied values) is above the level is not counted in the
 * family: it could never be significant (Tarone 1990), and counting it would only blunt the rest.
 */
export function judgeChanges(
  baseline: RunAggregate,
  candidate: RunAggregate,
  thresholds: CompareThresholds = DEFAULT_COMPARE_THRESHOLDS,
): CompareJudgement {
  const alpha = 1 - thresholds.confidence;
  const before = baseline.summaries();
  const after = candidate.summaries();
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const rows = keys.map((key) => {
    const b = before.get(key);
    const c = after.get(key);
    const both = b !== undefined && c !== undefined;
    const enough = both && b.traces >= thresholds.minSamples && c.traces >= thresholds.minSamples;
    return {
      key,
      b,
      c,
      duration: both ? draftDuration(b, c, enough, thresholds) : undefined,
      calls: both ? draftCalls(b, c, enough, thresholds) : undefined,
      errorRate: both ? draftErrorRate(b, c, enough, thresholds) : undefined,
    };
  });
  const drafts = rows.flatMap((row) => [row.duration?.draft, row.calls?.draft, row.errorRate?.draft]);
  const worse = adjustFamily(
    drafts.map((d) => d?.worse),
    alpha,
  );
  const better = adjustFamily(
    drafts.map((d) => d?.better),
    alpha,
  );
  const changes = rows.map((row): SubjectChange => {
    const subject = (row.b ?? row.c)!.subject;
    return {
      key: row.key,
      subject,
      presence: row.b === undefined ? 'new' : row.c === undefined ? 'vanished' : 'both',
      baseline: row.b && runNumbersOf(row.b, baseline.traces),
      candidate: row.c && runNumbersOf(row.c, candidate.traces),
      duration: row.duration && { ...judged(row.duration.draft, alpha), ...row.duration.numbers },
      calls: row.calls && { ...judged(row.calls.draft, alpha), ...row.calls.numbers },
      errorRate: row.errorRate && { ...judged(row.errorRate.draft, alpha), ...row.errorRate.numbers },
    };
  });
  return {
    baselineTraces: baseline.traces,
    candidateTraces: candidate.traces,
    thresholds,
    tested: { worse, better },
    changes,
    entryPoints: entryPointsOf(baseline, candidate),
    findings: findingsOf(changes),
  };
}

/** Holm over the tests that could reach the level; returns how many there were. */
function adjustFamily(tests: readonly (Tested | undefined)[], alpha: number): number {
  const family = tests.filter((t): t is Tested => t !== undefined && t.smallest <= alpha);
  const adjusted = holmAdjust(family.map((t) => t.p));
  family.forEach((t, i) => {
    t.adjusted = adjusted[i];
  });
  return family.length;
}

function judged(draft: Draft, alpha: number): MetricJudgement {
  const outcome = (t: Tested | undefined) => t && { pValue: t.p, adjustedPValue: t.adjusted };
  const holds = (t: Tested | undefined) => t?.adjusted !== undefined && t.adjusted <= alpha;
  const verdict: Verdict = !draft.enough
    ? 'too-few-samples'
    : holds(draft.worse) && draft.bigWorse
      ? 'regression'
      : holds(draft.better) && draft.bigBetter
        ? 'improvement'
        : 'unchanged';
  return { verdict, worse: outcome(draft.worse), better: outcome(draft.better) };
}

function rankTested(a: readonly number[], b: readonly number[], enough: boolean) {
  if (!enough) return { worse: undefined, better: undefined };
  const test = mannWhitney(a, b);
  return {
    worse: { p: test.greater, smallest: test.smallest.greater },
    better: { p: test.less, smallest: test.smallest.less },
  };
}

function draftDuration(
  b: SubjectSummary,
  c: SubjectSummary,
  enough: boolean,
  t: CompareThresholds,
): { draft: Draft; numbers: Omit<DurationJudgement, keyof MetricJudgement> } {
  const base = b.perTraceMeanUs;
  const cand = c.perTraceMeanUs;
  const baseMedian = (median(sortedAscending(base)) ?? 0) / 1000;
  const shift = hodgesLehmann(base, cand, t.confidence);
  const shiftMs = shift.shift / 1000;
  const matters = (ms: number) => ms >= t.duration.minMs && ms >= t.duration.minShare * baseMedian;
  return {
    draft: {
      enough,
      ...rankTested(base, cand, enough),
      bigWorse: matters(shiftMs),
      bigBetter: matters(-shiftMs),
    },
    numbers: {
      baselineMedianMs: baseMedian,
      candidateMedianMs: (median(sortedAscending(cand)) ?? 0) / 1000,
      shiftMs,
      lowMs: shift.low / 1000,
      highMs: shift.high / 1000,
      shiftShare: baseMedian > 0 ? shiftMs / baseMedian : 0,
    },
  };
}

function draftCalls(
  b: SubjectSummary,
  c: SubjectSummary,
  enough: boolean,
  t: CompareThresholds,
): { draft: Draft; numbers: Omit<CallsJudgement, keyof MetricJudgement> } {
  const baseMedian = median(sortedAscending(b.perTraceCalls)) ?? 0;
  const candMedian = median(sortedAscending(c.perTraceCalls)) ?? 0;
  const change = candMedian - baseMedian;
  const matters = (calls: number, from: number) =>
    calls >= t.calls.minIncrease && calls >= t.calls.minShare * from;
  return {
    draft: {
      enough,
      ...rankTested(b.perTraceCalls, c.perTraceCalls, enough),
      bigWorse: matters(change, baseMedian),
      bigBetter: matters(-change, baseMedian),
    },
    numbers: { baselineMedian: baseMedian, candidateMedian: candMedian, change },
  };
}

function draftErrorRate(
  b: SubjectSummary,
  c: SubjectSummary,
  enough: boolean,
  t: CompareThresholds,
): { draft: Draft; numbers: Omit<ErrorRateJudgement, keyof MetricJudgement> } {
  const baseShare = b.failingTraces / b.traces;
  const candShare = c.failingTraces / c.traces;
  const change = candShare - baseShare;
  let worse: Tested | undefined;
  let better: Tested | undefined;
  if (enough) {
    const smallest = smallestFisherPValues(b.failingTraces, b.traces, c.failingTraces, c.traces);
    worse = {
      p: fisherGreater(b.failingTraces, b.traces, c.failingTraces, c.traces),
      smallest: smallest.greater,
    };
    better = { p: fisherLess(b.failingTraces, b.traces, c.failingTraces, c.traces), smallest: smallest.less };
  }
  return {
    draft: {
      enough,
      worse,
      better,
      bigWorse: change >= t.errorRate.minIncrease,
      bigBetter: -change >= t.errorRate.minIncrease,
    },
    numbers: { baselineShare: baseShare, candidateShare: candShare, change },
  };
}
