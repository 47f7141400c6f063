import type {
  CompareJudgement,
  MetricJudgement,
  SubjectChange,
} from '../../analysis/compare/judge-changes.js';
import type { COMPARE_ROW_VERDICTS } from '../contracts/versions.js';

export type RowVerdict = (typeof COMPARE_ROW_VERDICTS)[number];

/** The metrics of a compared operation or edge, in the order a row shows them. */
export const METRICS = ['duration', 'calls', 'errorRate'] as const;
export type Metric = (typeof METRICS)[number];

/** One operation or edge of the table, with its verdict. */
export interface CompareRow {
  readonly change: SubjectChange;
  readonly verdict: RowVerdict;
  /** The metrics whose verdict is the row's (regression or improvement); empty otherwise. */
  readonly metrics: readonly Metric[];
}

const ORDER: Record<RowVerdict, number> = {
  regression: 0,
  improvement: 1,
  new: 2,
  vanished: 3,
  unchanged: 4,
  'too-few-samples': 5,
};

/**
 * Every operation and edge of either run as a row: regressions first (strongest evidence first),
 * then improvements, what is new, what vanished, what did not change and what had too few
 * samples, each by traces (the busiest first), then by key.
 */
export function rowsOf(judgement: CompareJudgement): CompareRow[] {
  const rows = judgement.changes.map(rowOf);
  return rows.sort(
    (a, b) =>
      ORDER[a.verdict] - ORDER[b.verdict] ||
      strongest(a) - strongest(b) ||
      tracesOf(b.change) - tracesOf(a.change) ||
      (a.change.key < b.change.key ? -1 : a.change.key > b.change.key ? 1 : 0),
  );
}

function rowOf(change: SubjectChange): CompareRow {
  if (change.presence !== 'both') return { change, verdict: change.presence, metrics: [] };
  const judged = METRICS.map((metric) => [metric, change[metric]] as const);
  for (const verdict of ['regression', 'improvement'] as const) {
    const metrics = judged.filter(([, j]) => j?.verdict === verdict).map(([metric]) => metric);
    if (metrics.length > 0) return { change, verdict, metrics };
  }
  const tooFew = judged.every(([, j]) => j === undefined || j.verdict === 'too-few-samples');
  return { change, verdict: tooFew ? 'too-few-samples' : 'unchanged', metrics: [] };
}

/** The smallest adjusted p-value of the row's verdict: its strongest evidence; 1 where it has none. */
function strongest(row: CompareRow): number {
  let smallest = 1;
  for (const metric of row.metrics) {
    const judgement: MetricJudgement | undefined = row.change[metric];
    const test = row.verdict === 'regression' ? judgement?.worse : judgement?.better;
    if (test?.adjustedPValue !== undefined) smallest = Math.min(smallest, test.adjustedPValue);
  }
  return smallest;
}

function tracesOf(change: SubjectChange): number {
  return change.candidate?.traces ?? change.baseline?.traces ?? 0;
}

/** Operations and edges in both runs with enough samples to be tested. */
export function comparedCounts(rows: readonly CompareRow[]): { operations: number; edges: number } {
  let operations = 0;
  let edges = 0;
  for (const row of rows) {
    if (row.verdict === 'new' || row.verdict === 'vanished' || row.verdict === 'too-few-samples') continue;
    if (row.change.subject.scope === 'operation') operations++;
    else edges++;
  }
  return { operations, edges };
}
