import type { DiffChange, PlaceSide } from '../../analysis/diff/compare-place.js';
import type { PlaceDiff, TraceDiff, TraceSide } from '../../analysis/diff/diff-traces.js';
import { formatDuration, plural } from '../format.js';
import { quoteName } from '../quote.js';
import type { Style } from '../style.js';
import {
  changeText,
  countsText,
  deltaText,
  onlyOneSideFailedText,
  ratioOf,
  ratioText,
  verdictText,
} from './words.js';

export interface DiffTextOptions {
  readonly style: Style;
  /** Leave out the places that did not change and hold no change below them. */
  readonly changedOnly: boolean;
  /** Stop after this many places and say how many were left out. */
  readonly maxLines: number;
}

/** The first column: what became of the place. */
const MARK = { added: '+', removed: '-', changed: '~', unchanged: ' ' } as const;

/**
 * `otrace diff` as text: the two traces, then one tree of both, a line per place, then the
 * verdict on the critical path.
 *
 *   ~ GET (user-service) 159ms → 5.1s +4.9s ×32  ✗ ok → error
 *   ~ └─ get_user_orders (user-service) 54ms → 5.0s +4.9s ×93  ✗ new: TimeoutError: …
 *   ~    └─ SELECT orders (user-service) ×1 → ×12 3.0ms → 36ms +33ms ×12
 *   -       └─ GET (order-service) 38ms
 *
 * The tree is drawn as `show` draws its own (├─ └─ │), iteratively: a 70,000-level chain is a
 * loop, not a recursion.
 */
export function renderDiffText(diff: TraceDiff, options: DiffTextOptions): string {
  const { style } = options;
  const out: string[] = [];
  out.push(style.bold('Diff of trace A → trace B'));
  out.push(`A  ${sideText(diff.a, style)}`, `B  ${sideText(diff.b, style)}`);
  out.push(
    style.dim(
      `+ only in B  - only in A  ~ changed (durations past ×${diff.thresholds.minRatio} and ${formatDuration(diff.thresholds.minDelta)}); durations A → B, repeated calls added up`,
    ),
    '',
  );
  const tree = treeLines(diff, options);
  out.push(...tree.lines);
  if (tree.hidden > 0)
    out.push(style.dim(`(${plural(tree.hidden, 'unchanged place')} not shown: --changed-only)`));
  out.push('');
  const paint =
    diff.verdict === 'slower' ? style.error : diff.verdict === 'faster' ? style.ok : (s: string) => s;
  out.push(paint(verdictText(diff)), countsText(diff));
  return `${out.join('\n')}\n`;
}

function sideText(side: TraceSide, style: Style): string {
  const root = side.root
    ? `${style.bold(quoteName(side.root.name) || '(no name)')} (${style.service(quoteName(side.root.service))})`
    : '(no root)';
  const failed = side.failed > 0 ? style.error(plural(side.failed, 'failed span')) : 'no failed spans';
  return `${side.traceId}  ${root}  ${formatDuration(side.end - side.start)}  ${plural(side.spanCount, 'span')}  ${failed}`;
}

function treeLines(diff: TraceDiff, options: DiffTextOptions): { lines: string[]; hidden: number } {
  const { places } = diff;
  const { style } = options;
  const shown = (p: PlaceDiff) => !options.changedOnly || p.state !== 'unchanged' || p.changedBelow;
  const lines: string[] = [];
  let hidden = 0;
  for (const p of places) if (!shown(p)) hidden++;
  const stack: { index: number; prefix: string; last: boolean; isRoot: boolean }[] = [];
  const roots = diff.roots.filter((i) => shown(places[i]!));
  for (let i = roots.length - 1; i >= 0; i--)
    stack.push({ index: roots[i]!, prefix: '', last: true, isRoot: true });
  let placesShown = 0;
  while (stack.length > 0) {
    if (placesShown >= options.maxLines) {
      const left = places.length - hidden - placesShown;
      lines.push(style.dim(`… ${plural(left, 'more place')} not shown (--max-lines ${options.maxLines})`));
      break;
    }
    const { index, prefix, last, isRoot } = stack.pop()!;
    const place = places[index]!;
    placesShown++;
    const connector = isRoot ? '' : last ? '└─ ' : '├─ ';
    lines.push(lineOf(place, prefix + connector, style));
    const childPrefix = isRoot ? '' : prefix + (last ? '   ' : '│  ');
    const children = place.place.children.filter((i) => shown(places[i]!));
    for (let i = children.length - 1; i >= 0; i--)
      stack.push({
        index: children[i]!,
        prefix: childPrefix,
        last: i === children.length - 1,
        isRoot: false,
      });
  }
  return { lines, hidden };
}

function lineOf(diff: PlaceDiff, treePrefix: string, style: Style): string {
  const { state, a, b } = diff;
  const mark = MARK[state];
  // Where a span's parent is missing, its place is a root only for want of one (as `show` says).
  const orphan = (b ?? a)!.orphans > 0 ? '  ⚠ parent missing' : '';
  if (state === 'unchanged')
    return style.dim(`${mark} ${treePrefix}${labelOf(diff, plainStyle(style))}${orphan}`);
  const paint = state === 'added' ? style.ok : state === 'removed' ? style.error : style.warning;
  const label = labelOf(diff, style);
  const markers = diff.changes.flatMap((c) => markerOf(c, a, b, style));
  if (orphan) markers.push(style.warning(orphan.trim()));
  return `${paint(mark)} ${treePrefix}${label}${markers.length > 0 ? `  ${markers.join('  ')}` : ''}`;
}

/** Unchanged lines are dimmed whole: no colour inside them. */
function plainStyle(style: Style): Style {
  const same = (s: string) => s;
  return { ...style, bold: same, service: same, error: same, ok: same, warning: same, critical: same };
}

/** `name (service) ×1 → ×12 12ms → 144ms +132ms ×12`, or one side's count and duration. */
function labelOf(diff: PlaceDiff, style: Style): string {
  const { place, a, b, changes } = diff;
  const renamed = place.renamedFrom;
  const name =
    renamed && renamed.name !== place.name
      ? `${quoteName(renamed.name) || '(no name)'} → ${quoteName(place.name) || '(no name)'}`
      : quoteName(place.name) || '(no name)';
  const service =
    renamed && renamed.service !== place.service
      ? `${quoteName(renamed.service)} → ${quoteName(place.service)}`
      : quoteName(place.service);
  let text = `${style.bold(name)} (${style.service(service)})`;
  if (a && b) {
    if (a.count !== b.count) text += ` ×${a.count} → ×${b.count}`;
    else if (a.count > 1) text += ` ×${a.count}`;
    text += ` ${formatDuration(a.duration)} → ${formatDuration(b.duration)}`;
    if (changes.some((c) => c.kind === 'duration')) {
      const moved =
        `${deltaText(a.duration, b.duration)} ${ratioText(ratioOf(a.duration, b.duration))}`.trim();
      text += ` ${b.duration > a.duration ? style.warning(moved) : style.ok(moved)}`;
    }
    return text;
  }
  const side = (a ?? b)!;
  return `${text}${side.count > 1 ? ` ×${side.count}` : ''} ${formatDuration(side.duration)}`;
}

/** The marks after the label; counts and durations are in the label already. */
function markerOf(
  change: DiffChange,
  a: PlaceSide | undefined,
  b: PlaceSide | undefined,
  style: Style,
): string[] {
  switch (change.kind) {
    case 'renamed':
    case 'duration':
    case 'count':
      return [];
    case 'status':
      // A place only one trace has: whether its spans failed there.
      if (!a || !b) return [style.error(`✗ ${onlyOneSideFailedText(change.a, change.b)}`)];
      return [
        change.b > change.a ? style.error(`✗ ${changeText(change)}`) : style.ok(`✓ ${changeText(change)}`),
      ];
    case 'exception':
      return [
        change.direction === 'new'
          ? style.error(`✗ ${changeText(change)}`)
          : style.ok(`✓ ${changeText(change)}`),
      ];
    case 'propagation':
      return [
        change.direction === 'lost'
          ? style.warning(`✂ ${changeText(change)}`)
          : style.ok(`↪ ${changeText(change)}`),
      ];
  }
}
