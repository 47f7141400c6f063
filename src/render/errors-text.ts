import Table from 'cli-table3';
import type { ErrorGroup, ErrorReport } from '../analysis/group-errors.js';
import { CLASS_TEXT, percent, pointText, summaryText } from './errors-words.js';
import { formatDuration } from './format.js';
import { sanitize } from './sanitize.js';
import type { Style } from './style.js';

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
    // Fixed columns take what they need; `where` gets up to 45% of the rest, `error` the remainder.
    const fixed = 3 + 6 + 11 + 11 + 16 + 6 * 2;
    const flexible = Math.max(40, options.width - fixed - 2);
    const whereNatural = Math.max(...shown.map((g) => whereText(g).length));
    const whereWidth = Math.min(whereNatural, Math.max(16, Math.floor(flexible * 0.45)));
    const errorWidth = flexible - whereWidth;
    const table = new Table({
      head: ['#', 'count', 'traces', 'class', 'where', 'error', 'p50 / max'],
      style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
      chars: NO_BORDERS,
      colAligns: ['right', 'right', 'left', 'left', 'left', 'left', 'right'],
    });
    shown.forEach((group, i) => {
      table.push([
        String(i + 1),
        String(group.count),
        `${group.traces} (${percent(group.traces, report.tracesAnalysed)})`,
        classCell(group, style),
        cut(whereText(group), whereWidth),
        errorCell(group, errorWidth, style),
        `${formatDuration(group.p50)} / ${formatDuration(group.max)}`,
      ]);
    });
    out.push(table.toString().replace(/[ \t]+$/gm, ''));
    if (report.groups.length > shown.length)
      out.push(
        style.dim(`… ${report.groups.length - shown.length} more groups (--top ${report.groups.length})`),
      );
    if (shown.some((g) => g.where === 'downstream'))
      out.push(style.dim(`↓ another service's span, failing below ${sanitize(report.service ?? '')}`));
    out.push('', 'Examples (otrace show <trace-id>):');
    shown.forEach((group, i) => out.push(`  ${String(i + 1).padStart(2)}  ${group.examples.join('  ')}`));
    out.push('');
  }
  out.push(summaryText(report, options.failingSpans));
  return `${out.join('\n')}\n`;
}

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '',
};

function classCell(group: ErrorGroup, style: Style): string {
  const text = CLASS_TEXT[group.errorClass];
  if (group.errorClass === 'recovered') return style.ok(text);
  if (group.errorClass === 'propagated') return style.warning(text);
  return style.error(text);
}

/** `service › operation`; `↓` marks another service's span, seen through the service's calls. */
function whereText(group: ErrorGroup): string {
  const parts = [group.service, group.operation].filter((p): p is string => p !== undefined).map(sanitize);
  const text = parts.length > 0 ? parts.join(' › ') : '(all)';
  return group.where === 'downstream' ? `↓ ${text}` : text;
}

function errorLines(group: ErrorGroup): string[] {
  const type = group.errorType === undefined ? '' : sanitize(group.errorType);
  const message = group.message === undefined ? '' : sanitize(group.message);
  const lines = [type && message ? `${type}: ${message}` : type || message || '(grouped by service)'];
  if (group.origin) lines.push(`← ${pointText(group.origin)}: ${sanitize(group.origin.errorType)}`);
  return lines;
}

function errorCell(group: ErrorGroup, width: number, style: Style): string {
  return errorLines(group)
    .map((line, i) => (i === 0 ? cut(line, width) : style.dim(cut(line, width))))
    .join('\n');
}

function cut(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
