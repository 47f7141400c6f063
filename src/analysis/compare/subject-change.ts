import type { Subject } from './compare-subject.js';
import type { RunNumbers } from './run-numbers.js';

/**
 * What judge-changes.ts says of one operation or edge: its numbers in each run and, per metric,
 * the tests and the verdict. Plain data, for the renderers and the JSON document.
 */
export type Verdict = 'regression' | 'improvement' | 'unchanged' | 'too-few-samples';

/** A one-sided test; `adjustedPValue` after Holm's correction, undefined where left out of the family (it could not reach the level). */
export interface OneSidedTest {
  readonly pValue: number;
  readonly adjustedPValue: number | undefined;
}

export interface MetricJudgement {
  readonly verdict: Verdict;
  /** That the candidate is worse (slower, calling more, failing more often); undefined with too few samples. */
  readonly worse: OneSidedTest | undefined;
  /** That it is better. */
  readonly better: OneSidedTest | undefined;
}

/**
 * Durations are compared trace by trace: each trace's mean duration of its calls. A trace's calls
 * share its conditions (the same request, a pause, a cold cache): tested as if independent, 12
 * calls of one slow trace would weigh as 12 pieces of evidence.
 */
export interface DurationJudgement extends MetricJudgement {
  /** Medians of the per-trace means, ms. */
  readonly baselineMedianMs: number;
  readonly candidateMedianMs: number;
  /** The Hodges–Lehmann shift of the per-trace means, candidate − baseline, ms, with its interval at the confidence. */
  readonly shiftMs: number;
  readonly lowMs: number;
  readonly highMs: number;
  /** The shift as a share of the baseline's median. */
  readonly shiftShare: number;
}

export interface CallsJudgement extends MetricJudgement {
  /** Median calls per trace, among the traces with a call. */
  readonly baselineMedian: number;
  readonly candidateMedian: number;
  readonly change: number;
}

export interface ErrorRateJudgement extends MetricJudgement {
  /** Shares of the traces with a call in which one failed. */
  readonly baselineShare: number;
  readonly candidateShare: number;
  readonly change: number;
}

export interface SubjectChange {
  readonly key: string;
  readonly subject: Subject;
  /** In both runs, only in the candidate, or only in the baseline. */
  readonly presence: 'both' | 'new' | 'vanished';
  readonly baseline: RunNumbers | undefined;
  readonly candidate: RunNumbers | undefined;
  /** Undefined unless in both runs. */
  readonly duration: DurationJudgement | undefined;
  readonly calls: CallsJudgement | undefined;
  readonly errorRate: ErrorRateJudgement | undefined;
}
