import {
  ALPHA,
  type BubbleUpResult,
  type GroupShare,
  type HighCardinalityKey,
  MIN_DIFFERENCE,
  MIN_TRACES,
} from '../../analysis/compare/bubble-up-rank.js';
import { quoteName } from '../quote.js';
import type { Style } from '../style.js';
import { cut, displayWidth } from '../width.js';
import { bubbleLabel, bubbleSummary, percent } from './words.js';

export interface WhereTextOptions {
  readonly style: Style;
  readonly width: number;
  readonly top: number;
}

/** Columns of a bar: a share of 5% each. */
const BAR_WIDTH = 20;
/** `selection ████░░  92%  (46 of 50)` less the bar: the columns a row takes beside its label. */
const BESIDE_LABEL = 3 + 10 + BAR_WIDTH + 2 + 4 + 2 + 16;

const REASON_TEXT = {
  'many-values': 'too many values to compare each (a sample of them, and numbers by range)',
  'unique-values': 'a value per trace, an id',
  'unusable-values': 'values too long or too many in a trace',
} as const satisfies Record<HighCardinalityKey['reason'], string>;

/**
 * What sets the selection apart: how many traces on each side, then each value the selection has
 * more (largest difference first), its share of each side as a bar, then those the rest has more,
 * and the keys whose values could not all be compared.
 *
 *   k8s.pod.name = order-7f9c   selection ██████████████████░░  92%  (46 of 50)
 *                               rest      ██░░░░░░░░░░░░░░░░░░   8%  (40 of 500)
 */
export function renderWhereText(result: BubbleUpResult, where: string, options: WhereTextOptions): string {
  const { style, width, top } = options;
  const out = [style.bold(bubbleSummary(result, where)), ''];
  const selection = result.moreInSelection.slice(0, top);
  const rest = result.moreInRest.slice(0, Math.max(0, top - selection.length));
  const labels = [...selection, ...rest].map((row) => bubbleLabel(row));
  const labelWidth = Math.min(Math.max(0, ...labels.map(displayWidth)), Math.max(12, width - BESIDE_LABEL));
  const rowLines = (rows: typeof selection, from: number) =>
    rows.flatMap((row, i) => {
      const label = cut(labels[from + i]!, labelWidth);
      const pad = ' '.repeat(labelWidth - displayWidth(label));
      const blank = ' '.repeat(labelWidth);
      return [
        `${label}${pad}   ${shareLine('selection', row.selection, result.selection.traces, style.warning, style)}`,
        `${blank}   ${shareLine('rest', row.rest, result.rest.traces, (bar) => bar, style)}`,
      ];
    });
  if (selection.length > 0) out.push(style.bold('More in the selection'), ...rowLines(selection, 0), '');
  if (rest.length > 0) out.push(style.bold('More in the rest'), ...rowLines(rest, selection.length), '');
  const shown = selection.length + rest.length;
  const total = result.moreInSelection.length + result.moreInRest.length;
  if (total > shown) out.push(style.dim(`… ${total - shown} more values (--top ${total})`), '');
  if (result.highCardinality.length > 0) {
    out.push(style.bold('Keys compared in part'));
    for (const key of result.highCardinality)
      out.push(
        cut(
          `  ${quoteName(key.key)} (${key.scope}): ${REASON_TEXT[key.reason]}; in ${key.traces} traces`,
          width,
        ),
      );
    out.push('');
  }
  if (result.keysCapped) out.push(style.dim('More attribute keys than are counted: some were left out.'), '');
  out.push(
    style.dim(
      `${result.tested} values tested; shown where the side that has it more has it in ${MIN_TRACES} traces or more, the shares differ by ${Math.round(MIN_DIFFERENCE * 100)} points or more, and Fisher's test holds at ${ALPHA * 100}% after Bonferroni's correction.`,
    ),
  );
  return `${out.join('\n')}\n`;
}

/** `selection ██████████████████░░  92%  (46 of 50)`. */
function shareLine(
  side: 'selection' | 'rest',
  share: GroupShare,
  of: number,
  paint: (s: string) => string,
  style: Style,
): string {
  const filled = Math.round(share.share * BAR_WIDTH);
  const bar = paint('█'.repeat(filled)) + style.dim('░'.repeat(BAR_WIDTH - filled));
  return `${side.padEnd(10)}${bar}  ${percent(share.share).padStart(4)}  (${share.traces} of ${of})`;
}
