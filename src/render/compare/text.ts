import type { CompareFinding } from '../../analysis/compare/compare-findings.js';
import type { ErrorGroupChange, PerfGroupChange } from '../../analysis/compare/run-differences.js';
import type { RunNumbers } from '../../analysis/compare/run-numbers.js';
import { CLASS_TEXT } from '../errors/words.js';
import { plural } from '../format.js';
import { groupText, KIND_TEXT, ms } from '../perf/words.js';
import { quoteName, quoteValue } from '../quote.js';
import type { Style } from '../style.js';
import { cut, displayWidth } from '../width.js';
import type { CompareOutcome } from './outcome.js';
import type { CompareRow } from './rows.js';
import {
  amount,
  confidenceText,
  detailSentences,
  evidenceParts,
  FINDING_TEXT,
  headlineText,
  METRIC_TEXT,
  percent,
  pValueText,
  RARE_TEXT,
  subjectText,
  VERDICT_TEXT,
} from './words.js';

export interface CompareTextOptions {
  readonly style: Style;
  readonly width: number;
  readonly top: number;
}

/**
 * The verdict first, then the regressions with their evidence, what else is new in the candidate
 * (error groups, performance findings, propagation findings), and the table of operations and
 * edges, regressions first.
 *
 *   1 regression: inventory › GET /stock slower (+41%).
 *   Baseline 300 traces, candidate 300 traces.
 *
 *   Regressions
 *     slower  inventory › GET /stock
 *             p50 16ms → 22ms, p95 23ms → 34ms, shift +5.9ms (+37%; 99% interval +5.0ms to +6.9ms),
 *             adjusted p 1.8e-46
 *             otrace show 246e4d0559a46928f2913ef0d7e397d7
 *
 *   Operations and edges
 *   verdict  traces     calls/trace  p50            p95            max            errors   operation or edge
 *   slower   300 → 300  1 → 1        16ms → 22ms    23ms → 34ms    28ms → 44ms    0% → 0%  inventory › GET /stock
 */
export function renderCompareText(outcome: CompareOutcome, options: CompareTextOptions): string {
  const { style, width } = options;
  const { judgement, differences: d } = outcome;
  const { thresholds } = judgement;
  const headline = headlineText(outcome);
  const out = [
    ...wrapParts(headline.split(' '), width, ' ').map((line) =>
      style.bold(outcome.regressions > 0 ? style.error(line) : line),
    ),
    ...[
      ...detailSentences(outcome),
      `${judgement.tested.worse} tests for a regression at ${confidenceText(thresholds.confidence)} confidence (Holm-corrected); changes under ${percent(thresholds.duration.minShare)} or ${ms(thresholds.duration.minMs)} are not regressions.`,
    ].map((sentence) => style.dim(cut(sentence, width))),
    '',
  ];
  const findings = (suffix: string) => judgement.findings.filter((f) => f.kind.endsWith(suffix));
  const sections: [string, string[]][] = [
    ['Regressions', findingLines(findings('-regression'), outcome, options, style.error)],
    ['Improvements', findingLines(findings('-improvement'), outcome, options, style.ok)],
    ['New error groups', d.newErrors.flatMap((c) => errorLines(c, '+', width, style))],
    ['Error groups gone', d.vanishedErrors.flatMap((c) => errorLines(c, '−', width, style))],
    ['New performance findings', d.newPerf.flatMap((c) => perfLines(c, '+', width, style))],
    ['Performance findings in more traces', d.grownPerf.flatMap((c) => perfLines(c, '↑', width, style))],
    [
      'New propagation findings',
      d.newPropagation.flatMap((g) => {
        const line = cut(
          `  + ${g.kind}  ${quoteName(g.service)}${g.peer ? ` → ${quoteName(g.peer)}` : ''}`,
          width,
        );
        const counted = `${plural(g.count, 'finding')} in ${plural(g.traces, 'trace')} of the candidate, none in the baseline${g.beyondNoise ? '' : ` (${RARE_TEXT})`}`;
        return [
          g.beyondNoise ? line : style.dim(line),
          style.dim(cut(`      ${counted}; e.g. trace ${g.example.traceId}`, width)),
        ];
      }),
    ],
    [
      'Edges continued less often',
      d.droppedEdges.map((e) => {
        const continued = (x: typeof e.baseline) => percent((x.continued + x.linked) / Math.max(x.calls, 1));
        return cut(
          `  ${quoteName(e.caller)} → ${quoteName(e.callee)}: ${continued(e.baseline)} → ${continued(e.candidate)} of calls continued the trace (adjusted p ${pValueText(e.adjustedPValue)})`,
          width,
        );
      }),
    ],
  ];
  for (const [title, lines] of sections) if (lines.length > 0) out.push(style.bold(title), ...lines, '');
  out.push(...tableLines(outcome.rows, options));
  return `${out.join('\n')}\n`;
}

function findingLines(
  findings: readonly CompareFinding[],
  outcome: CompareOutcome,
  { width, style }: CompareTextOptions,
  paint: (s: string) => string,
): string[] {
  const confidence = outcome.judgement.thresholds.confidence;
  const label = Math.max(0, ...findings.map((f) => displayWidth(FINDING_TEXT[f.kind])));
  const indent = ' '.repeat(label + 4);
  return findings.flatMap((f) => {
    const kind = FINDING_TEXT[f.kind];
    const lines = [
      `  ${paint(kind)}${' '.repeat(label - displayWidth(kind) + 2)}${cut(subjectText(f), Math.max(20, width - label - 4))}`,
      ...wrapParts(evidenceParts(f, confidence), width - indent.length).map((line) =>
        cut(`${indent}${line}`, width),
      ),
    ];
    const example = 'candidate' in f ? f.candidate.slowest.traceId : undefined;
    if (example) lines.push(style.dim(`${indent}otrace show ${example}`));
    return lines;
  });
}

/**
 * `parts` joined with `separator` (`, ` or a space) in lines of at most `width` columns, broken
 * between two parts; a part wider than the width has a line of its own.
 */
function wrapParts(parts: readonly string[], width: number, separator: ', ' | ' ' = ', '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const [i, part] of parts.entries()) {
    const piece = i < parts.length - 1 ? `${part}${separator.trimEnd()}` : part;
    if (line !== '' && displayWidth(line) + 1 + displayWidth(piece) > width) {
      lines.push(line);
      line = piece;
    } else line = line === '' ? piece : `${line} ${piece}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** What the group is, then (dim) how often and an example trace. */
function errorLines(change: ErrorGroupChange, mark: string, width: number, style: Style): string[] {
  const g = (change.candidate ?? change.baseline)!;
  const where = [g.service, g.operation]
    .filter((p): p is string => p !== undefined)
    .map(quoteName)
    .join(' › ');
  const what = [g.errorType, g.message]
    .filter((p): p is string => p !== undefined && p !== '')
    .map(quoteValue)
    .join(': ');
  const counted = `${plural(g.count, 'failing span')} in ${plural(g.traces, 'trace')}`;
  const rare = change.beyondNoise ? '' : ` (${RARE_TEXT})`;
  const tail = change.candidate
    ? `${counted} of the candidate, none in the baseline${rare}; e.g. trace ${change.candidate.examples[0] ?? '?'}`
    : `${counted} of the baseline, none in the candidate${rare}`;
  const line = cut(`  ${mark} ${CLASS_TEXT[g.errorClass]}  ${where}  ${what}`, width);
  return [change.beyondNoise ? line : style.dim(line), style.dim(cut(`      ${tail}`, width))];
}

function perfLines(change: PerfGroupChange, mark: string, width: number, style: Style): string[] {
  const g = change.candidate;
  const b = change.baseline;
  const perTrace = (count: number, traces: number) => amount(traces > 0 ? count / traces : 0);
  const numbers = b
    ? `${perTrace(b.count, change.baselineTraces)} → ${perTrace(g.count, change.candidateTraces)} per trace, in ${b.traces} → ${g.traces} traces (adjusted p ${pValueText(change.adjustedPValue ?? 1)})`
    : `in ${plural(g.traces, 'trace')} of the candidate, none in the baseline${change.beyondNoise ? '' : ` (${RARE_TEXT})`}`;
  const line = cut(`  ${mark} ${KIND_TEXT[g.kind]}  ${groupText(g)}`, width);
  return [
    change.beyondNoise ? line : style.dim(line),
    style.dim(cut(`      ${numbers}; e.g. trace ${g.worst.traceId}`, width)),
  ];
}

const HEAD = [
  'verdict',
  'traces',
  'calls/trace',
  'p50',
  'p95',
  'max',
  'errors',
  'operation or edge',
] as const;

/** `b → c` for a number in each run, `–` for a run without the operation. */
function pair(row: CompareRow, cell: (n: RunNumbers) => string): string {
  const { baseline, candidate } = row.change;
  return `${baseline ? cell(baseline) : '–'} → ${candidate ? cell(candidate) : '–'}`;
}

function verdictCell(row: CompareRow, style: Style): string {
  if (row.verdict === 'regression' || row.verdict === 'improvement') {
    const text = row.metrics
      .map((m) => METRIC_TEXT[m][row.verdict as 'regression' | 'improvement'])
      .join(', ');
    return row.verdict === 'regression' ? style.error(text) : style.ok(text);
  }
  const text = VERDICT_TEXT[row.verdict];
  return row.verdict === 'unchanged' || row.verdict === 'too-few-samples'
    ? style.dim(text)
    : style.warning(text);
}

/**
 * The operations and edges, `top` of them, in columns, the subject last, cut to what the width
 * leaves; where that would cut it short, each row takes two lines: the verdict and the subject,
 * then the numbers under them.
 */
function tableLines(rows: readonly CompareRow[], { style, width, top }: CompareTextOptions): string[] {
  const shown = rows.slice(0, top);
  if (shown.length === 0) return [];
  const subjects = shown.map((row) => subjectText(row.change.subject));
  const cells = shown.map((row) => [
    verdictCell(row, style),
    pair(row, (n) => String(n.traces)),
    pair(row, (n) => amount(n.callsPerTrace.mean)),
    pair(row, (n) => ms(n.p50Ms)),
    pair(row, (n) => ms(n.p95Ms)),
    pair(row, (n) => ms(n.maxMs)),
    pair(row, (n) => percent(n.errorRate)),
  ]);
  const widths = HEAD.slice(0, -1).map((head, c) =>
    Math.max(displayWidth(head), ...cells.map((line) => displayWidth(line[c]!))),
  );
  const used = widths.reduce((sum, w) => sum + w + 2, 0);
  const natural = Math.max(...subjects.map(displayWidth));
  const oneLine = width - used >= Math.min(natural, SUBJECT_MIN);
  const columns = (parts: readonly string[]) =>
    parts.map((p, c) => p + ' '.repeat(widths[c]! - displayWidth(p) + 2)).join('');
  const title =
    rows.length > shown.length
      ? `Operations and edges (${shown.length} of ${rows.length}; --top ${rows.length} for all)`
      : 'Operations and edges';
  const head = HEAD.slice(0, -1);
  if (oneLine)
    return [
      style.bold(title),
      style.dim(`${columns(head)}${HEAD[HEAD.length - 1]}`),
      ...cells.map((line, i) => `${columns(line)}${cut(subjects[i]!, width - used)}`.trimEnd()),
    ];
  // The verdict column is left empty on the numbers' line: the subject's line has it.
  const numbers = (line: readonly string[]) => columns(['', ...line.slice(1)]).trimEnd();
  return [
    style.bold(title),
    style.dim(numbers(['', ...head.slice(1)])),
    ...cells.flatMap((line, i) => [
      `${columns([line[0]!])}${cut(subjects[i]!, Math.max(20, width - widths[0]! - 2))}`.trimEnd(),
      numbers(line),
    ]),
  ];
}

/** The columns a subject needs at least on the row's one line before rows take two. */
const SUBJECT_MIN = 40;
