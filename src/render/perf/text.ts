import type { PerfReport } from '../../analysis/perf/perf-report.js';
import { quoteName } from '../quote.js';
import type { Style } from '../style.js';
import { cut } from '../width.js';
import { groupText, KIND_TEXT, ms, percent, summaryText } from './words.js';

export interface PerfTextOptions {
  readonly style: Style;
  readonly width: number;
  readonly top: number;
}

/**
 * Where the time goes, then the findings grouped, largest saving first, then the verdict.
 *
 *   Where time goes (critical path)
 *   GET /users/{id} (user-service): 120 traces, p50 420ms, p95 1.2s
 *      62%  order-service › query_orders       p95 800ms
 *
 *   Findings                      traces      saved   example
 *    1  N+1         user-service › GET …   40 (33%)   12.1s   4bf92f3577b34da6…
 */
export function renderPerfText(report: PerfReport, options: PerfTextOptions): string {
  const { style, width } = options;
  const out: string[] = [];
  if (report.breakdown.length > 0) {
    out.push(style.bold('Where time goes (critical path)'));
    for (const root of report.breakdown.slice(0, options.top)) {
      out.push(
        cut(
          `${quoteName(root.name)} (${quoteName(root.service)}): ${root.traces} trace${root.traces === 1 ? '' : 's'}, p50 ${ms(root.p50Ms)}, p95 ${ms(root.p95Ms)}`,
          width,
        ),
      );
      for (const part of root.parts.slice(0, 5))
        out.push(
          cut(
            `  ${percent(part.share).padStart(4)}  ${quoteName(part.service)} › ${quoteName(part.name)}  ${style.dim(`p95 ${ms(part.p95Ms)}`)}`,
            width,
          ),
        );
    }
    out.push('');
  }
  const shown = report.groups.slice(0, options.top);
  if (shown.length > 0) {
    out.push(style.bold('Findings (otrace show <trace-id> on the example)'));
    for (const [i, group] of shown.entries()) {
      const head = `${String(i + 1).padStart(2)}  ${KIND_TEXT[group.kind].padEnd(11)} ${String(group.traces).padStart(5)} trace${group.traces === 1 ? ' ' : 's'} (${percent(group.traceShare)})  saves ${ms(group.savedMs).padStart(6)}  ${group.worst.traceId}`;
      out.push(cut(head, width));
      out.push(cut(`      ${groupText(group)}`, width));
    }
    if (report.groups.length > shown.length)
      out.push(
        style.dim(`… ${report.groups.length - shown.length} more groups (--top ${report.groups.length})`),
      );
    out.push('');
  }
  out.push(summaryText(report));
  return `${out.join('\n')}\n`;
}
