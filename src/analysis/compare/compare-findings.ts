import type { Subject } from './compare-subject.js';
import type { RunNumbers } from './run-numbers.js';
import type { SubjectChange } from './subject-change.js';

/**
 * What `otrace compare --baseline` reports, as data: the subject (scope, service, name, and the
 * callee or peer of an edge) and the evidence; the wording is the renderer's. For an edge,
 * `service` and `name` are the caller's.
 */
export type CompareFinding = MetricFinding | PresenceFinding;

export const METRIC_FINDING_KINDS = [
  'duration-regression',
  'calls-regression',
  'error-rate-regression',
  'duration-improvement',
  'calls-improvement',
  'error-rate-improvement',
] as const;
export type MetricFindingKind = (typeof METRIC_FINDING_KINDS)[number];

export const PRESENCE_FINDING_KINDS = [
  'new-operation',
  'new-edge',
  'vanished-operation',
  'vanished-edge',
] as const;
export type PresenceFindingKind = (typeof PRESENCE_FINDING_KINDS)[number];

export type MetricFinding = Subject & {
  readonly kind: MetricFindingKind;
  readonly baseline: RunNumbers;
  readonly candidate: RunNumbers;
  /** The one-sided test in the finding's direction, before and after Holm's correction. */
  readonly pValue: number;
  readonly adjustedPValue: number;
  /**
   * Candidate − baseline, in the metric's unit: ms of Hodges–Lehmann shift of the per-trace mean
   * duration; median calls per trace; share of traces failing (0.05: five points).
   */
  readonly effect: number;
  /** The duration's shift as a share of the baseline's median, and its interval in ms; the others leave them out. */
  readonly effectShare?: number;
  readonly interval?: { readonly lowMs: number; readonly highMs: number };
};

export type PresenceFinding = Subject & {
  readonly kind: PresenceFindingKind;
  /** Its numbers in the run that has it. */
  readonly numbers: RunNumbers;
};

/** The findings of the changes: regressions, improvements, then what appeared and what vanished. */
export function findingsOf(changes: readonly SubjectChange[]): CompareFinding[] {
  const regressions: MetricFinding[] = [];
  const improvements: MetricFinding[] = [];
  const appeared: PresenceFinding[] = [];
  const vanished: PresenceFinding[] = [];
  for (const change of changes) {
    const edge = change.subject.scope !== 'operation';
    if (change.presence === 'new') {
      appeared.push({
        ...change.subject,
        kind: edge ? 'new-edge' : 'new-operation',
        numbers: change.candidate!,
      });
      continue;
    }
    if (change.presence === 'vanished') {
      vanished.push({
        ...change.subject,
        kind: edge ? 'vanished-edge' : 'vanished-operation',
        numbers: change.baseline!,
      });
      continue;
    }
    const base = { baseline: change.baseline!, candidate: change.candidate! };
    const { duration, calls, errorRate } = change;
    const metrics = [
      { name: 'duration', judgement: duration, effect: duration?.shiftMs },
      { name: 'calls', judgement: calls, effect: calls?.change },
      { name: 'error-rate', judgement: errorRate, effect: errorRate?.change },
    ] as const;
    for (const { name, judgement, effect } of metrics) {
      if (judgement === undefined || effect === undefined) continue;
      const { verdict } = judgement;
      if (verdict !== 'regression' && verdict !== 'improvement') continue;
      const test = verdict === 'regression' ? judgement.worse! : judgement.better!;
      const finding: MetricFinding = {
        ...change.subject,
        kind: `${name}-${verdict}`,
        ...base,
        pValue: test.pValue,
        adjustedPValue: test.adjustedPValue!,
        effect,
        ...(name === 'duration' && {
          effectShare: duration!.shiftShare,
          interval: { lowMs: duration!.lowMs, highMs: duration!.highMs },
        }),
      };
      (verdict === 'regression' ? regressions : improvements).push(finding);
    }
  }
  const byEvidence = (a: MetricFinding, b: MetricFinding) =>
    a.adjustedPValue - b.adjustedPValue || a.pValue - b.pValue;
  const byTraces = (a: PresenceFinding, b: PresenceFinding) => b.numbers.traces - a.numbers.traces;
  // Stable sorts over changes in key order: ties stay in key order.
  return [
    ...regressions.sort(byEvidence),
    ...improvements.sort(byEvidence),
    ...appeared.sort(byTraces),
    ...vanished.sort(byTraces),
  ];
}
