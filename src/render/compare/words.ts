import type { BubbleUpResult, BubbleUpRow, BubbleUpValue } from '../../analysis/compare/bubble-up-rank.js';
import type { CompareFinding } from '../../analysis/compare/compare-findings.js';
import type { Subject } from '../../analysis/compare/compare-subject.js';
import { plural } from '../format.js';
import { ms } from '../perf/words.js';
import { type Quote, TEXT_QUOTE } from '../quote.js';
import type { CompareOutcome } from './outcome.js';
import type { Metric, RowVerdict } from './rows.js';

/**
 * The wording of `otrace compare`, shared by its text, JSON and CI formats: span data through `q`,
 * cut as the text formats cut it unless the JSON document asks for it whole.
 */

export const VERDICT_TEXT = {
  regression: 'regression',
  improvement: 'improvement',
  new: 'new',
  vanished: 'vanished',
  unchanged: 'unchanged',
  'too-few-samples': 'too few samples',
} as const satisfies Record<RowVerdict, string>;

/** What a metric's regression and improvement are called. */
export const METRIC_TEXT = {
  duration: { regression: 'slower', improvement: 'faster' },
  calls: { regression: 'more calls', improvement: 'fewer calls' },
  errorRate: { regression: 'fails more', improvement: 'fails less' },
} as const satisfies Record<Metric, Record<'regression' | 'improvement', string>>;

export const FINDING_TEXT = {
  'duration-regression': 'slower',
  'calls-regression': 'more calls per trace',
  'error-rate-regression': 'fails more often',
  'duration-improvement': 'faster',
  'calls-improvement': 'fewer calls per trace',
  'error-rate-improvement': 'fails less often',
  'new-operation': 'new operation',
  'new-edge': 'new call',
  'vanished-operation': 'operation gone',
  'vanished-edge': 'call gone',
} as const satisfies Record<CompareFinding['kind'], string>;

/** `checkout › POST /order`, `checkout › HTTP POST → payments › POST /charge`, `payments › pg.query → postgres`. */
export function subjectText(subject: Subject, q: Quote = TEXT_QUOTE): string {
  const caller = `${q.name(subject.service)} › ${q.name(subject.name)}`;
  switch (subject.scope) {
    case 'operation':
      return caller;
    case 'edge':
      return `${caller} → ${q.name(subject.callee.service)} › ${q.name(subject.callee.name)}`;
    case 'peer-edge':
      return `${caller} → ${q.name(subject.peer)}`;
  }
}

/** 0.05 as `5%`; `<1%` for what rounds to nothing but is not nothing. */
export function percent(share: number): string {
  const value = share * 100;
  return value > 0 && value < 1 ? '<1%' : `${Math.round(value)}%`;
}

const signed = (value: number, text: string) => `${value < 0 ? '−' : '+'}${text}`;
export const signedMs = (value: number): string => signed(value, ms(Math.abs(value)));
const signedPercent = (share: number) => signed(share, percent(Math.abs(share)));
/** A count that may be fractional: `3`, `2.5`. */
export const amount = (value: number): string => String(Math.round(value * 10) / 10);

/** `99%`, `99.9%`. */
export function confidenceText(confidence: number): string {
  return `${Math.round(confidence * 1000) / 10}%`;
}

/** `p 0.0042`, `p 2.1e-9`. */
export function pValueText(p: number): string {
  return p < 0.001 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}

/** The change in a few words, for the headline: `+40%`, `1 → 6 calls per trace`. */
function shortEffect(f: Extract<CompareFinding, { baseline: unknown }>): string {
  if (f.kind.startsWith('duration')) return signedPercent(f.effectShare ?? 0);
  if (f.kind.startsWith('calls'))
    return `${amount(f.baseline.callsPerTrace.median)} → ${amount(f.candidate.callsPerTrace.median)} per trace`;
  return `${percent(f.baseline.failingShare)} → ${percent(f.candidate.failingShare)} of traces`;
}

/** `auth › POST /verify slower (+40%)`. */
export function findingHeadline(f: CompareFinding, q: Quote = TEXT_QUOTE): string {
  const what = `${subjectText(f, q)} ${FINDING_TEXT[f.kind]}`;
  return 'baseline' in f ? `${what} (${shortEffect(f)})` : what;
}

/** The evidence of a finding in one line: the numbers before and after, the shift, the adjusted p-value. */
export function evidenceText(f: CompareFinding, confidence: number): string {
  return evidenceParts(f, confidence).join(', ');
}

/** The evidence in pieces, which a text cut to a width breaks lines between. */
export function evidenceParts(f: CompareFinding, confidence: number): string[] {
  if (!('baseline' in f)) {
    const n = f.numbers;
    const run = f.kind.startsWith('new') ? 'candidate' : 'baseline';
    return [
      `in ${plural(n.traces, 'trace')} of the ${run} (${percent(n.traceShare)})`,
      plural(n.calls, 'call'),
      `p50 ${ms(n.p50Ms)}`,
    ];
  }
  const p = `adjusted p ${pValueText(f.adjustedPValue)}`;
  const b = f.baseline;
  const c = f.candidate;
  if (f.kind.startsWith('duration')) {
    const interval = f.interval
      ? `; ${confidenceText(confidence)} interval ${signedMs(f.interval.lowMs)} to ${signedMs(f.interval.highMs)}`
      : '';
    return [
      `p50 ${ms(b.p50Ms)} → ${ms(c.p50Ms)}`,
      `p95 ${ms(b.p95Ms)} → ${ms(c.p95Ms)}`,
      `shift ${signedMs(f.effect)} (${signedPercent(f.effectShare ?? 0)}${interval})`,
      p,
    ];
  }
  if (f.kind.startsWith('calls'))
    return [
      `calls per trace ${amount(b.callsPerTrace.median)} → ${amount(c.callsPerTrace.median)} (median; mean ${amount(b.callsPerTrace.mean)} → ${amount(c.callsPerTrace.mean)})`,
      p,
    ];
  return [
    `failing in ${percent(b.failingShare)} → ${percent(c.failingShare)} of its traces (${b.failingTraces} of ${b.traces} → ${c.failingTraces} of ${c.traces})`,
    p,
  ];
}

/** The verdict: the regressions, or that none passed the noise. */
export function headlineText(outcome: CompareOutcome, q: Quote = TEXT_QUOTE): string {
  const regressions = outcome.judgement.findings.filter((f) => f.kind.endsWith('-regression'));
  if (regressions.length > 0) {
    const named = regressions.slice(0, 3).map((f) => findingHeadline(f, q));
    const more = regressions.length > 3 ? `, and ${regressions.length - 3} more` : '';
    return `${plural(regressions.length, 'regression')}: ${named.join(', ')}${more}.`;
  }
  const { operations, edges } = outcome.compared;
  const scope = `${plural(operations, 'operation')} and ${plural(edges, 'edge')} compared`;
  const level = confidenceText(outcome.judgement.thresholds.confidence);
  if (outcome.improvements > 0)
    return `No regression: ${scope} at ${level} confidence; ${plural(outcome.improvements, 'improvement')}.`;
  return `No regression: ${scope}, none changed beyond the noise at ${level} confidence.`;
}

/** The headline, then what else is new in the candidate, and what could not be judged. */
export function summaryText(outcome: CompareOutcome, q: Quote = TEXT_QUOTE): string {
  return [headlineText(outcome, q), ...detailSentences(outcome)].join(' ');
}

/** After the headline: the runs' sizes, what else is new in the candidate, what could not be judged. */
export function detailSentences(outcome: CompareOutcome): string[] {
  const { judgement, differences: d } = outcome;
  const sentences = [
    `Baseline ${plural(judgement.baselineTraces, 'trace')}, candidate ${plural(judgement.candidateTraces, 'trace')}.`,
  ];
  const beyond = (items: readonly { beyondNoise: boolean }[]) => items.filter((i) => i.beyondNoise).length;
  const news = [
    [beyond(d.newErrors), 'new error group'],
    [beyond(d.newPerf), 'new performance finding group'],
    [
      d.grownPerf.length,
      'performance finding group in more traces',
      'performance finding groups in more traces',
    ],
    [beyond(d.newPropagation), 'new propagation finding group'],
    [d.droppedEdges.length, 'edge continued less often', 'edges continued less often'],
  ] as const;
  const said = news.filter(([n]) => n > 0).map(([n, one, many]) => plural(n, one, many));
  if (said.length > 0) sentences.push(`Also ${said.join(', ')}.`);
  const rare =
    d.newErrors.length +
    d.newPerf.length +
    d.newPropagation.length -
    beyond([...d.newErrors, ...d.newPerf, ...d.newPropagation]);
  if (rare > 0)
    sentences.push(
      `${plural(rare, 'error, performance or propagation group')} new in the candidate ${rare === 1 ? 'is' : 'are'} in too few traces to tell from chance.`,
    );
  if (outcome.tooFewSamples > 0)
    sentences.push(
      `${plural(outcome.tooFewSamples, 'operation or edge', 'operations or edges')} had fewer than ${judgement.thresholds.minSamples} traces in a run: not judged.`,
    );
  return sentences;
}

/** Said of what is in one run only, but in too few traces to be more than chance. */
export const RARE_TEXT = 'too few traces to tell from chance';

/** `order-7f9c`, `42`, `100–200`, `<5`, `≥300`, `(absent)`. */
export function bubbleValueText(value: BubbleUpValue, q: Quote = TEXT_QUOTE): string {
  switch (value.kind) {
    case 'text':
      return q.value(value.text);
    case 'number':
      return String(value.number);
    case 'range':
      if (value.from === null) return `<${value.to}`;
      if (value.to === null) return `≥${value.from}`;
      return `${value.from}–${value.to}`;
    case 'missing':
      return '(absent)';
  }
}

/** `k8s.pod.name = order-7f9c`, as `--where` would test it (a span's attribute, else its resource's). */
export function bubbleLabel(row: Pick<BubbleUpRow, 'key' | 'value'>, q: Quote = TEXT_QUOTE): string {
  return `${q.name(row.key)} = ${bubbleValueText(row.value, q)}`;
}

/** How many traces each side holds, and the value that sets the selection apart most. */
export function bubbleSummary(result: BubbleUpResult, where: string, q: Quote = TEXT_QUOTE): string {
  const sides = `${plural(result.selection.traces, 'trace')} where ${q.value(where)}, ${plural(result.rest.traces, 'trace')} in the rest.`;
  if (result.selection.traces === 0) return `${sides} No trace matches the predicate: nothing to compare.`;
  if (result.rest.traces === 0) return `${sides} Every trace matches the predicate: nothing to compare with.`;
  const top = result.moreInSelection[0];
  if (!top)
    return `${sides} No value of the ${plural(result.tested, 'value')} tested sets the selection apart beyond chance.`;
  return `${sides} ${percent(top.selection.share)} of the selection has ${bubbleLabel(top, q)}, against ${percent(top.rest.share)} of the rest.`;
}
