import type { CompareJudgement } from '../../analysis/compare/judge-changes.js';
import type { RunDifferences } from '../../analysis/compare/run-differences.js';
import type { COMPARE_FAIL_ON } from '../contracts/versions.js';
import { type CompareRow, comparedCounts, rowsOf } from './rows.js';

export type CompareFailOn = (typeof COMPARE_FAIL_ON)[number];

/** What `compare --baseline` found: the judgement of every operation and edge, as rows, and the other differences. */
export interface CompareOutcome {
  readonly judgement: CompareJudgement;
  readonly rows: readonly CompareRow[];
  readonly differences: RunDifferences;
  readonly regressions: number;
  readonly improvements: number;
  readonly compared: { readonly operations: number; readonly edges: number };
  readonly tooFewSamples: number;
}

export interface CompareVerdict {
  readonly failOn: readonly CompareFailOn[];
  readonly failed: boolean;
}

export function compareOutcomeOf(judgement: CompareJudgement, differences: RunDifferences): CompareOutcome {
  const rows = rowsOf(judgement);
  const kinds = judgement.findings.map((f) => f.kind);
  return {
    judgement,
    rows,
    differences,
    regressions: kinds.filter((k) => k.endsWith('-regression')).length,
    improvements: kinds.filter((k) => k.endsWith('-improvement')).length,
    compared: comparedCounts(rows),
    tooFewSamples: rows.filter((r) => r.verdict === 'too-few-samples').length,
  };
}

/** Whether the outcome fails the run at `failOn`: a regression; an error group new in the candidate and not recovered. */
export function failsRun(outcome: CompareOutcome, failOn: readonly CompareFailOn[]): boolean {
  return (
    (failOn.includes('regression') && outcome.regressions > 0) ||
    (failOn.includes('new-errors') && outcome.differences.newErrors.some(failsNewErrors))
  );
}

/** A new error group that `--fail-on new-errors` counts: in more traces than chance gives, and not retried or handled. */
export function failsNewErrors(change: RunDifferences['newErrors'][number]): boolean {
  return change.beyondNoise && change.candidate !== undefined && change.candidate.errorClass !== 'recovered';
}
