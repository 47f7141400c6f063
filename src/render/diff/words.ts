import type { DiffChange } from '../../analysis/diff/compare-place.js';
import type { CriticalMove, TraceDiff } from '../../analysis/diff/diff-traces.js';
import type { Nanos } from '../../model/types.js';
import { exceptionText } from '../finding-text.js';
import { formatDuration, plural } from '../format.js';
import { type Quote, TEXT_QUOTE } from '../quote.js';

/**
 * The wording of `otrace diff`, shared by its text, JSON and CI outputs: span data through `q`,
 * cut as the text formats cut it unless the JSON document asks for it whole.
 */

/** `+4.9s`, `-30ms`: B against A. */
export function deltaText(a: Nanos | bigint, b: Nanos | bigint): string {
  return b >= a ? `+${formatDuration(b - a)}` : `-${formatDuration(a - b)}`;
}

/** B over A: `×50`, `×1.5`, `×0.25`; undefined where A took no time. */
export function ratioOf(a: Nanos | bigint, b: Nanos | bigint): number | undefined {
  return a === 0n ? undefined : Number(b) / Number(a);
}

export function ratioText(ratio: number | undefined): string {
  if (ratio === undefined) return '';
  if (ratio >= 10) return `×${Math.round(ratio)}`;
  if (ratio >= 1) return `×${ratio.toFixed(1)}`;
  return ratio >= 0.01 ? `×${ratio.toFixed(2)}` : '×<0.01';
}

/** `100ms → 5.0s +4.9s ×50`. */
export function durationChangeText(a: Nanos, b: Nanos): string {
  const ratio = ratioText(ratioOf(a, b));
  return `${formatDuration(a)} → ${formatDuration(b)} ${deltaText(a, b)}${ratio ? ` ${ratio}` : ''}`;
}

/** Failing spans: `ok → error` for one span, `2 → 5 failing` for several. */
export function statusChangeText(a: number, b: number): string {
  if (a === 0 && b === 1) return 'ok → error';
  if (a === 1 && b === 0) return 'error → ok';
  return `${a} → ${b} failing`;
}

/** Failing spans at a place only one trace has: `failed`, `3 failed in A`. */
export function onlyOneSideFailedText(a: number, b: number): string {
  const failed = Math.max(a, b);
  return `${failed > 1 ? `${failed} failed` : 'failed'}${a > 0 ? ' in A' : ''}`;
}

/** One change, in a few words. */
export function changeText(change: DiffChange, q: Quote = TEXT_QUOTE): string {
  switch (change.kind) {
    case 'renamed':
      return `renamed from ${q.name(change.name)} (${q.name(change.service)})`;
    case 'duration':
      return durationChangeText(change.a, change.b);
    case 'count':
      return `×${change.a} → ×${change.b} calls`;
    case 'status':
      return statusChangeText(change.a, change.b);
    case 'exception':
      return `${change.direction === 'new' ? 'new' : 'gone'}: ${exceptionText({ ...change, stacktrace: '' }, q)}`;
    case 'propagation': {
      const peer =
        change.peer !== undefined && change.peer !== change.callee ? ` (${q.name(change.peer)})` : '';
      return change.direction === 'lost'
        ? `${q.name(change.callee)}${peer} no longer continues the trace`
        : `${q.name(change.callee)}${peer} now continues the trace`;
    }
  }
}

/** `query_orders (order-service) +4.9s`. */
export function moveText(move: CriticalMove, q: Quote = TEXT_QUOTE): string {
  return `${q.name(move.name) || '(no name)'} (${q.name(move.service)}) ${deltaText(move.a, move.b)}`;
}

/** The operations to name in the verdict: those that moved the way B did, largest first. */
export function movesToName(diff: TraceDiff, count: number): CriticalMove[] {
  const slower = diff.verdict === 'slower';
  return diff.moves.filter((m) => (slower ? m.b > m.a : m.b < m.a)).slice(0, count);
}

/**
 * The verdict on the critical path: `B is 4.9s slower on the critical path (159ms → 5.1s):
 * query_orders (order-service) +4.9s, GET (order-service) +40ms.`
 */
export function verdictText(diff: TraceDiff, q: Quote = TEXT_QUOTE): string {
  const { a, b } = diff;
  const span = `${formatDuration(a.criticalPath)} → ${formatDuration(b.criticalPath)}`;
  if (diff.verdict === 'same') {
    // Operations may still trade places on the path (two overlapping calls, the other one last):
    // the JSON lists them, the verdict does not blame them.
    const floors = `×${diff.thresholds.minRatio} and ${formatDuration(diff.thresholds.minDelta)}`;
    return `B takes as long as A on the critical path (${span}, within ${floors}).`;
  }
  const named = movesToName(diff, 3).map((m) => moveText(m, q));
  const because = named.length > 0 ? `: ${named.join(', ')}` : '';
  const by =
    b.criticalPath > a.criticalPath ? b.criticalPath - a.criticalPath : a.criticalPath - b.criticalPath;
  return `B is ${formatDuration(by)} ${diff.verdict} on the critical path (${span})${because}.`;
}

/** `2 changed, 1 added, 0 removed, 4 unchanged; new errors at 3 places.` */
export function countsText(diff: TraceDiff): string {
  const { added, removed, changed, unchanged } = diff.counts;
  const newErrors = diff.places.filter((p) => p.newError).length;
  const errors = newErrors > 0 ? `; new errors at ${plural(newErrors, 'place')}` : '';
  return `${changed} changed, ${added} added, ${removed} removed, ${unchanged} unchanged${errors}.`;
}

/** Both sentences: the report's summary. */
export function summaryText(diff: TraceDiff, q: Quote = TEXT_QUOTE): string {
  if (diff.counts.added + diff.counts.removed + diff.counts.changed === 0 && diff.verdict === 'same')
    return `No change: ${verdictText(diff, q)}`;
  return `${verdictText(diff, q)} ${countsText(diff)}`;
}
