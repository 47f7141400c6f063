import Table from 'cli-table3';
import type { ErrorGroup, ErrorReport } from '../../analysis/group-errors.js';
import { formatDuration } from '../format.js';
import { PLAIN_TABLE } from '../plain-table.js';
import { quoteName, quoteValue } from '../quote.js';
import type { Style } from '../style.js';
import { cut, displayWidth } from '../width.js';
import { CLASS_TEXT, percent, pointText, summaryText } from './words.js';

export interface ErrorsTextOptions {
  readonly style: Style;
  readonly width: number;
  readonly top: number;
  readonly failingSpans: number;
}

/**
 * A table of error groups, most frequent first, cut to the terminal's width; then example trace
 * ids to paste into `otrace show`, and the summary paragraph.
 *
 *   #  count  traces     class       where                        error                          p50 / max
 *   1      2  2 (29%)    propagated  user-service › get_user_…    ECONNREFUSED: connect …         4ms / 6ms
 *                                                                 ← user-service › GET → 127.0.0.1:…
 */
export function renderErrorsText(report: ErrorReport, options: ErrorsTextOptions): string {
  const { style } = options;
  const shown = report.groups.slice(0, options.top);
  const out: string[] = [];
  if (shown.length > 0) {
    // The short columns take what their cells need; `where` gets up to half of the rest, `error`
    // the remainder (2 spaces between columns).
    const rows = shown.map((group, i) => ({ group, cells: shortCells(group, i, report.tracesAnalysed) }));
    const fixed = [0, 1, 2, 3, 4]
      .map((c) => Math.max(HEAD[c === 4 ? 6 : c]!.length, ...rows.map((r) => displayWidth(r.cells[c]!))) + 2)
      .reduce((a, b) => a + b, 0);
    const flexible = Math.max(40, options.width - fixed - 4);
    const whereNatural = Math.max(...shown.map((g) => displayWidth(whereText(g))));
    const whereWidth = Math.min(whereNatural, Math.max(16, Math.floor(flexible / 2)));
    const errorWidth = flexible - whereWidth;
    const table = new Table({
      head: [...HEAD],
      ...PLAIN_TABLE,
      colAligns: ['right', 'right', 'left', 'left', 'left', 'left', 'right'],
    });
    for (const { group, cells } of rows) {
      const [index, count, traces, , duration] = cells as [string, string, string, string, string];
      table.push([
        index,
        count,
        traces,
        classCell(group, style),
        cut(whereText(group), whereWidth),
        errorCell(group, errorWidth, style),
        duration,
      ]);
    }
    out.push(table.toString().replace(/[ \t]+$/gm, ''));
    if (report.groups.length > shown.length)
      out.push(
        style.dim(`… ${report.groups.length - shown.length} more groups (--top ${report.groups.length})`),
      );
    if (shown.some((g) => g.where === 'downstream'))
      out.push(style.dim(`↓ another service's span, failing below ${quoteName(report.service ?? '')}`));
    out.push('', 'Examples (otrace show <trace-id>):');
    for (const [i, group] of shown.entries())
      out.push(`  ${String(i + 1).padStart(2)}  ${group.examples.join('  ')}`);
    out.push('');
  }
  out.push(summaryText(report, options.failingSpans));
  return `${out.join('\n')}\n`;
}

const HEAD = ['#', 'count', 'traces', 'class', 'where', 'error', 'p50 / max'] as const;

/** The cells of the short columns: #, count, traces, class, p50 / max. */
function shortCells(group: ErrorGroup, i: number, tracesAnalysed: number): string[] {
  return [
    String(i + 1),
    String(group.count),
    `${group.traces} (${percent(group.traces, tracesAnalysed)})`,
    CLASS_TEXT[group.errorClass],
    `${formatDuration(group.p50)} / ${formatDuration(group.max)}`,
  ];
}

function classCell(group: ErrorGroup, style: Style): string {
  const text = CLASS_TEXT[group.errorClass];
  if (group.errorClass === 'recovered') return style.ok(text);
  if (group.errorClass === 'propagated') return style.warning(text);
  return style.error(text);
}

/** `service › operation`; `↓` marks another service's span, seen through the service's calls. */
function whereText(group: ErrorGroup): string {
  const parts = [group.service, group.operation].filter((p): p is string => p !== undefined).map(quoteName);
  const text = parts.length > 0 ? parts.join(' › ') : '(all)';
  return group.where === 'downstream' ? `↓ ${text}` : text;
}

function errorLines(group: ErrorGroup): string[] {
  const type = group.errorType === undefined ? '' : quoteValue(group.errorType);
  const message = group.message === undefined ? '' : quoteValue(group.message);
  const lines = [type && message ? `${type}: ${message}` : type || message || '(grouped by service)'];
  if (group.origin) lines.push(`← ${pointText(group.origin)}: ${quoteValue(group.origin.errorType)}`);
  return lines;
}

function errorCell(group: ErrorGroup, width: number, style: Style): string {
  return errorLines(group)
    .map((line, i) => (i === 0 ? cut(line, width) : style.dim(cut(line, width))))
    .join('\n');
}
