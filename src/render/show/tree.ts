import { peerOf } from '../../analysis/peers.js';
import type { PerfFinding } from '../../analysis/perf/perf-findings.js';
import { parentIsRemote } from '../../model/span-flags.js';
import type { SpanNode } from '../../model/types.js';
import { spanDuration } from '../../model/units.js';
import { exceptionText, timeoutReasonText } from '../finding-text.js';
import { formatDuration } from '../format.js';
import { quoteName, quoteValue } from '../quote.js';
import type { Style } from '../style.js';
import { cut, displayWidth } from '../width.js';
import { type PerfMarks, perfMarkerTexts, perfMarksOf, perfNoteTexts } from './perf-marks.js';
import { renderBar } from './timeline.js';
import type { AnalysisView } from './view.js';
import { selectVisible, type VisibilityOptions } from './visibility.js';

export interface TreeOptions extends VisibilityOptions {
  readonly style: Style;
  /** Print exception stack traces under the exception line. */
  readonly stack: boolean;
  /** Stop after this many span lines and say how many were left out. */
  readonly maxSpans: number;
  /** Fold runs of similar healthy siblings into one line. */
  readonly fold: boolean;
  /** Add a proportional bar per span (a terminal waterfall). */
  readonly timeline: boolean;
  /** Terminal width for the timeline. */
  readonly width: number;
}

/** Runs at least this long of same-named healthy siblings are folded into one line. */
const FOLD_MIN_RUN = 4;

type Item =
  | { readonly type: 'span'; readonly node: SpanNode }
  | { readonly type: 'fold'; readonly nodes: readonly SpanNode[] }
  | { readonly type: 'note'; readonly text: string; readonly extra: readonly string[] };

interface Line {
  /** Tree prefix + label, styled. */
  readonly text: string;
  /** Width of `text` as displayed. */
  readonly width: number;
  readonly node: SpanNode | undefined;
}

export interface TreeText {
  readonly lines: string[];
  readonly shownSpans: number;
  readonly visibleSpans: number;
}

/**
 * The span tree, one line per span:
 *   get_user_profile (user-service) 5.1s  ✗
 *   ├─ get_user_data (user-service) 100ms
 *   └─ get_user_orders (user-service) 5.0s  ✗ TIMEOUT
 *      └─ ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4001
 * Exceptions hang under the span that recorded them, and the shape of a performance finding under
 * the span that made the calls (perf-marks.ts). Iterative: deep chains do not overflow the stack.
 */
export function renderTree(
  view: AnalysisView,
  options: TreeOptions,
  perfFindings: readonly PerfFinding[] = [],
): TreeText {
  const visibility = selectVisible(view, options);
  const marks = perfMarksOf(view, perfFindings);
  const trouble = options.fold ? markTroubleBelow(view, marks) : [];
  const { style } = options;
  const lines: Line[] = [];
  const stack: { item: Item; prefix: string; last: boolean; isRoot: boolean }[] = [];
  const roots = view.tree.roots.filter((r) => visibility.visible[r.index]);
  for (let i = roots.length - 1; i >= 0; i--) {
    stack.push({ item: { type: 'span', node: roots[i]! }, prefix: '', last: true, isRoot: true });
  }
  let shownSpans = 0;
  let truncatedAt = -1;
  while (stack.length > 0) {
    const { item, prefix, last, isRoot } = stack.pop()!;
    const connector = isRoot ? '' : last ? '└─ ' : '├─ ';
    const childPrefix = isRoot ? '' : prefix + (last ? '   ' : '│  ');
    if (item.type === 'note') {
      const text = prefix + connector + item.text;
      lines.push({
        text,
        width: displayWidth(prefix + connector) + displayWidth(item.text),
        node: undefined,
      });
      for (const extra of item.extra) {
        const line = `${childPrefix}   ${extra}`;
        lines.push({ text: style.dim(line), width: displayWidth(line), node: undefined });
      }
      continue;
    }
    if (shownSpans >= options.maxSpans) {
      truncatedAt = shownSpans;
      break;
    }
    if (item.type === 'fold') {
      // The line stands for the run and for what it folds below it.
      const below = item.nodes.reduce((n, node) => n + countDescendants(node, visibility.visible), 0);
      shownSpans += item.nodes.length + below;
      const label = foldLabel(item.nodes, below, style);
      lines.push({
        text: prefix + connector + label,
        width: displayWidth(prefix + connector) + displayWidth(label),
        node: undefined,
      });
      continue;
    }
    shownSpans++;
    const { node } = item;
    const label = spanLabel(view, node, style, marks.get(node.index));
    lines.push({
      text: prefix + connector + label,
      width: displayWidth(prefix + connector) + displayWidth(label),
      node,
    });
    const children = childItems(view, node, visibility.visible, trouble, options);
    const notes = noteItems(view, node, visibility.hiddenBelow[node.index]!, options, marks.get(node.index));
    const all = [...notes, ...children];
    for (let i = all.length - 1; i >= 0; i--) {
      stack.push({ item: all[i]!, prefix: childPrefix, last: i === all.length - 1, isRoot: false });
    }
  }
  const out = options.timeline ? withTimeline(view, lines, options) : lines.map((l) => l.text);
  if (truncatedAt >= 0) {
    out.push(
      style.dim(
        `… ${visibility.visibleCount - shownSpans} more span(s) not shown (--max-spans ${options.maxSpans})`,
      ),
    );
  }
  return { lines: out, shownSpans, visibleSpans: visibility.visibleCount };
}

function spanLabel(
  view: AnalysisView,
  node: SpanNode,
  style: Style,
  perf: readonly PerfFinding[] | undefined,
): string {
  const { span } = node;
  const facts = view.facts[node.index]!;
  const duration = spanDuration(span);
  const critical = isOnCriticalChain(view, node);
  let text = `${style.bold(quoteName(span.name) || '(no name)')} (${style.service(quoteName(span.service))}) `;
  // CLIENT spans are named after the method ("GET"): say whom they called.
  const peer = span.kind === 'client' || span.kind === 'producer' ? peerOf(span) : undefined;
  if (peer) text += style.dim(`→ ${quoteName(peer)} `);
  text += critical ? style.critical(`${formatDuration(duration)}*`) : formatDuration(duration);
  const self = view.selfTimes[node.index]!;
  const traceDuration = view.tree.end - view.tree.start;
  // Self time matters when a parent itself, not its children, holds a large share of the trace.
  if (
    node.children.length > 0 &&
    traceDuration > 0n &&
    self * 5n >= traceDuration &&
    self * 10n < duration * 9n
  ) {
    text += style.dim(` (self ${formatDuration(self)})`);
  }
  const markers: string[] = [];
  if (facts.failed) markers.push(style.error('✗'));
  if (facts.timeout) markers.push(style.error('TIMEOUT'), style.dim(`(${timeoutReasonText(facts.timeout)})`));
  if (facts.error?.source === 'http-status' && !facts.timeout)
    markers.push(style.error(`HTTP ${facts.error.code}`));
  if (facts.error?.source === 'grpc-status' && !facts.timeout)
    markers.push(style.error(`gRPC ${facts.error.name}`));
  if (facts.role === 'origin' && !facts.recoveredBy) markers.push(style.error('◀ origin'));
  if (facts.failed && facts.recoveredBy) markers.push(style.dim('recovered'));
  if (facts.slowBehind)
    markers.push(style.warning(`◀ SLOW: the wait behind ${quoteName(facts.slowBehind.span.name)}'s timeout`));
  if (node.parentMissing) {
    const remote = parentIsRemote(span) === true;
    markers.push(
      style.warning(`⚠ parent ${span.parentSpanId} missing${remote ? ' (remote caller not collected)' : ''}`),
    );
  }
  if (node.duplicateId) markers.push(style.warning('⚠ duplicate span id'));
  if (node.cycleCut) markers.push(style.warning('⚠ parent cycle cut here'));
  if (perf) markers.push(...perfMarkerTexts(perf, style));
  return markers.length > 0 ? `${text}  ${markers.join(' ')}` : text;
}

function noteItems(
  view: AnalysisView,
  node: SpanNode,
  hiddenBelow: number,
  options: TreeOptions,
  perf: readonly PerfFinding[] | undefined,
): Item[] {
  const facts = view.facts[node.index]!;
  const items: Item[] = [];
  for (const exception of facts.exceptions) {
    const extra =
      options.stack && exception.stacktrace
        ? exception.stacktrace.trimEnd().split(/\r?\n/).map(quoteValue)
        : [];
    items.push({ type: 'note', text: options.style.error(exceptionText(exception)), extra });
  }
  // A failure with no exception event still has something to say: the status message.
  if (facts.exceptions.length === 0 && facts.error?.source === 'status' && facts.error.message) {
    items.push({
      type: 'note',
      text: options.style.error(`status: ${quoteValue(facts.error.message)}`),
      extra: [],
    });
  }
  for (const text of perfNoteTexts(perf ?? [], options.style)) items.push({ type: 'note', text, extra: [] });
  if (hiddenBelow > 0) {
    items.push({
      type: 'note',
      text: options.style.dim(`… ${hiddenBelow} span(s) below --depth ${options.maxDepth}`),
      extra: [],
    });
  }
  return items;
}

function isFoldable(view: AnalysisView, node: SpanNode): boolean {
  const facts = view.facts[node.index]!;
  return (
    !facts.failed &&
    !facts.slowBehind &&
    !node.parentMissing &&
    !node.duplicateId &&
    facts.exceptions.length === 0
  );
}

function childItems(
  view: AnalysisView,
  node: SpanNode,
  visible: readonly boolean[],
  trouble: readonly boolean[],
  options: TreeOptions,
): Item[] {
  const children = node.children.filter((c) => visible[c.index]);
  if (!options.fold) return children.map((c) => ({ type: 'span', node: c }));
  const items: Item[] = [];
  for (let i = 0; i < children.length; ) {
    const first = children[i]!;
    let j = i + 1;
    if (isFoldable(view, first) && !trouble[first.index]) {
      while (
        j < children.length &&
        children[j]!.span.name === first.span.name &&
        children[j]!.span.service === first.span.service &&
        isFoldable(view, children[j]!) &&
        !trouble[children[j]!.index]
      ) {
        j++;
      }
    }
    if (j - i >= FOLD_MIN_RUN) items.push({ type: 'fold', nodes: children.slice(i, j) });
    else for (let k = i; k < j; k++) items.push({ type: 'span', node: children[k]! });
    i = j;
  }
  return items;
}

/**
 * A folded run hides its subtrees: only fold when nothing in them failed or made calls a
 * performance finding names (its marker would be folded away; the calls themselves may fold). One
 * reverse sweep over the pre-order marks every span with trouble at or below it (linear, even on a
 * deep chain).
 */
function markTroubleBelow(view: AnalysisView, marks: PerfMarks): boolean[] {
  const { nodes } = view.tree;
  const trouble = nodes.map((node) => {
    const facts = view.facts[node.index]!;
    return facts.failed || facts.slowBehind !== undefined || node.parentMissing || marks.has(node.index);
  });
  for (let i = nodes.length - 1; i >= 0; i--) {
    const parent = nodes[i]!.parent;
    if (parent && trouble[i]) trouble[parent.index] = true;
  }
  return trouble;
}

function foldLabel(nodes: readonly SpanNode[], descendants: number, style: Style): string {
  const first = nodes[0]!.span;
  let total = 0n;
  let min = spanDuration(first);
  let max = min;
  for (const node of nodes) {
    const d = spanDuration(node.span);
    total += d;
    if (d < min) min = d;
    if (d > max) max = d;
  }
  const below = descendants > 0 ? `, ${descendants} child span(s) folded` : '';
  return `${style.bold(quoteName(first.name) || '(no name)')} (${style.service(quoteName(first.service))}) ×${nodes.length}  ${formatDuration(total)} total ${style.dim(`(${formatDuration(min)}–${formatDuration(max)} each${below})`)}`;
}

/** The descendants of `root` the filters leave visible (a hidden span hides none below it). */
function countDescendants(root: SpanNode, visible: readonly boolean[]): number {
  let count = 0;
  const stack: SpanNode[] = [...root.children];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!visible[node.index]) continue;
    count++;
    for (const child of node.children) stack.push(child);
  }
  return count;
}

function withTimeline(view: AnalysisView, lines: readonly Line[], options: TreeOptions): string[] {
  const labelWidth = Math.min(
    Math.max(...lines.map((l) => l.width), 10),
    Math.max(30, Math.floor(options.width * 0.55)),
  );
  const barWidth = Math.max(10, options.width - labelWidth - 3);
  return lines.map((line) => {
    const label =
      line.width > labelWidth ? cut(line.text, labelWidth) : line.text + ' '.repeat(labelWidth - line.width);
    if (!line.node) return label.trimEnd();
    const bar = renderBar(line.node.span, view.tree.start, view.tree.end, barWidth);
    const failed = view.facts[line.node.index]!.failed;
    return `${label} ${failed ? options.style.error(bar) : isOnCriticalChain(view, line.node) ? options.style.critical(bar) : bar}`;
  });
}

/** Cuts a styled string to `width` visible characters (styles are dropped from cut lines). */

/**
 * `*` marks the chain along which the critical path spends real time: spans whose subtree holds
 * at least 1% of the trace's critical time. In a sequential trace every span is on Jaeger's
 * critical path; starring all of them would say nothing.
 */
export function isOnCriticalChain(view: AnalysisView, node: SpanNode): boolean {
  const total = view.tree.end - view.tree.start;
  const time = view.criticalSubtreeTimes[node.index]!;
  return time > 0n && time * 100n >= total;
}
