import type { BubbleUpResult } from '../../analysis/compare/bubble-up-rank.js';
import type { CompareFinding } from '../../analysis/compare/compare-findings.js';
import type { RunNumbers } from '../../analysis/compare/run-numbers.js';
import { CLASS_TEXT } from '../errors/words.js';
import { plural } from '../format.js';
import { groupText, KIND_TEXT, ms } from '../perf/words.js';
import { propagationMessage } from '../propagation/words.js';
import { quoteName, quoteValue } from '../quote.js';
import type { Report, ReportCheck } from '../report.js';
import { bubbleRowsOf, buildCompareDocument, buildWhereDocument } from './json.js';
import { type CompareOutcome, type CompareVerdict, failsNewErrors } from './outcome.js';
import { renderCompareText } from './text.js';
import { renderWhereText } from './where-text.js';
import {
  amount,
  bubbleLabel,
  bubbleSummary,
  evidenceText,
  FINDING_TEXT,
  percent,
  RARE_TEXT,
  subjectText,
  summaryText,
  VERDICT_TEXT,
} from './words.js';

/**
 * The `otrace compare --baseline` result as a Report. Checks: one per regression, failed where
 * `--fail-on regression` (so that JUnit, GitHub annotations and the Markdown table show it), one
 * per new error group (failed with `--fail-on new-errors` unless recovered), one per new
 * performance or propagation finding group, then one per operation or edge of the table's `top`.
 */
export function compareReport(outcome: CompareOutcome, verdict: CompareVerdict, top: number): Report {
  const doc = buildCompareDocument(outcome, verdict, top);
  const { differences: d } = outcome;
  const confidence = outcome.judgement.thresholds.confidence;
  const failsOnRegression = verdict.failOn.includes('regression');
  const failsOnErrors = verdict.failOn.includes('new-errors');
  const regressionChecks = outcome.judgement.findings
    .filter((f) => f.kind.endsWith('-regression'))
    .map(
      (f): ReportCheck => ({
        name: `regression: ${subjectText(f)} ${FINDING_TEXT[f.kind]}`,
        status: failsOnRegression ? 'failed' : 'passed',
        severity: failsOnRegression ? 'error' : 'warning',
        message: evidenceText(f, confidence),
        traceId: 'candidate' in f ? f.candidate.slowest.traceId : undefined,
        details: 'candidate' in f ? numbersDetails(f) : undefined,
      }),
    );
  const errorChecks = d.newErrors.map((change): ReportCheck => {
    const g = change.candidate!;
    const failing = failsOnErrors && failsNewErrors(change);
    const where = [g.service, g.operation].filter((p): p is string => p !== undefined).map(quoteName);
    const what = [g.errorType, g.message]
      .filter((p): p is string => p !== undefined && p !== '')
      .map(quoteValue);
    return {
      name: `new error: ${CLASS_TEXT[g.errorClass]} ${where.join(' › ')} ${what.join(': ')}`,
      status: failing ? 'failed' : 'passed',
      severity: failing ? 'error' : 'warning',
      message: `${plural(g.count, 'failing span')} in ${plural(g.traces, 'trace')} of the candidate, none in the baseline${change.beyondNoise ? '' : ` (${RARE_TEXT})`}`,
      traceId: g.examples[0],
    };
  });
  const perfChecks = [...d.newPerf, ...d.grownPerf].map(
    (change, i): ReportCheck => ({
      name: `${i < d.newPerf.length ? 'new' : 'more'} ${KIND_TEXT[change.candidate.kind]}: ${groupText(change.candidate)}`,
      status: 'passed',
      severity: 'warning',
      message: `in ${change.baseline?.traces ?? 0} → ${change.candidate.traces} traces${change.beyondNoise ? '' : ` (${RARE_TEXT})`}`,
      traceId: change.candidate.worst.traceId,
    }),
  );
  const propagationChecks = d.newPropagation.map(
    (g): ReportCheck => ({
      name: `new ${g.kind}: ${quoteName(g.service)}${g.peer ? ` → ${quoteName(g.peer)}` : ''}`,
      status: 'passed',
      severity: 'warning',
      message: `${plural(g.count, 'finding')} in ${plural(g.traces, 'trace')} of the candidate, none in the baseline${g.beyondNoise ? '' : ` (${RARE_TEXT})`}: ${propagationMessage(g.example)}`,
      traceId: g.example.traceId,
    }),
  );
  const rowChecks = outcome.rows
    .slice(0, top)
    .filter((row) => row.verdict !== 'regression')
    .map(
      (row): ReportCheck => ({
        name: subjectText(row.change.subject),
        status: 'passed',
        severity: 'notice',
        message: `${VERDICT_TEXT[row.verdict]}: ${rowNumbers(row.change.baseline, row.change.candidate)}`,
      }),
    );
  return {
    command: 'otrace compare',
    title: 'Compared with the baseline',
    summary: summaryText(outcome),
    json: doc,
    items: doc.rows,
    text: (style, width) => renderCompareText(outcome, { style, width, top }),
    checks: [...regressionChecks, ...errorChecks, ...perfChecks, ...propagationChecks, ...rowChecks],
  };
}

/** p50, p95, calls per trace and errors of both runs: `p50 6.1ms → 8.6ms, …`. */
function rowNumbers(b: RunNumbers | undefined, c: RunNumbers | undefined): string {
  const pair = (cell: (n: RunNumbers) => string) => `${b ? cell(b) : '–'} → ${c ? cell(c) : '–'}`;
  return [
    `p50 ${pair((n) => ms(n.p50Ms))}`,
    `p95 ${pair((n) => ms(n.p95Ms))}`,
    `max ${pair((n) => ms(n.maxMs))}`,
    `calls per trace ${pair((n) => amount(n.callsPerTrace.mean))}`,
    `errors ${pair((n) => percent(n.errorRate))}`,
    `traces ${pair((n) => String(n.traces))}`,
  ].join(', ');
}

function numbersDetails(f: Extract<CompareFinding, { candidate: RunNumbers }>): string {
  return [
    rowNumbers(f.baseline, f.candidate),
    `slowest call in the candidate: ${ms(f.candidate.slowest.ms)}, trace ${f.candidate.slowest.traceId} span ${f.candidate.slowest.spanId}`,
  ].join('\n');
}

/** The `otrace compare --where` result as a Report: a passed notice per value that sets a side apart. */
export function whereReport(result: BubbleUpResult, where: string, top: number): Report {
  const doc = buildWhereDocument(result, where, top);
  const side = (share: number, traces: number, of: number) => `${percent(share)} (${traces} of ${of})`;
  return {
    command: 'otrace compare',
    title: `What sets the traces where ${quoteValue(where)} apart`,
    summary: bubbleSummary(result, where),
    json: doc,
    items: doc.rows,
    text: (style, width) => renderWhereText(result, where, { style, width, top }),
    checks: bubbleRowsOf(result)
      .slice(0, top)
      .map(
        ({ row, moreIn }, i): ReportCheck => ({
          name: `#${i + 1} ${row.scope} ${bubbleLabel(row)}`,
          status: 'passed',
          severity: 'notice',
          message: `more in the ${moreIn}: ${side(row.selection.share, row.selection.traces, result.selection.traces)} of the selection, ${side(row.rest.share, row.rest.traces, result.rest.traces)} of the rest`,
        }),
      ),
  };
}
