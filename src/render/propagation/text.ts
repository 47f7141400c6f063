import Table from 'cli-table3';
import type { Severity } from '../../analysis/findings.js';
import type { PropagationReport } from '../../analysis/propagation/check-propagation.js';
import { severityOf } from '../../analysis/propagation/findings.js';
import { plural } from '../format.js';
import { PLAIN_TABLE } from '../plain-table.js';
import { type Quote, quoteName, TEXT_QUOTE } from '../quote.js';
import type { Style } from '../style.js';
import { displayWidth } from '../width.js';
import { edgeHeadline, propagationMessage } from './words.js';

const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info'];
const MARK = { error: '✗', warning: '!', info: 'i' } as const satisfies Record<Severity, string>;

/**
 * The edge table (worst pair first), the findings by severity, each with the spans to look at
 * and its explanation, and a one-line summary.
 */
export function renderPropagationText(report: PropagationReport, style: Style, width: number): string {
  const out: string[] = [];
  if (report.edges.length > 0) {
    const table = new Table({
      head: ['caller → callee', 'calls', 'continued', 'linked', 'split', 'unanswered'],
      ...PLAIN_TABLE,
      colAligns: ['left', 'right', 'right', 'right', 'right', 'right'],
    });
    for (const e of report.edges) {
      const broken = e.splitTrace + e.unanswered > 0;
      table.push([
        `${quoteName(e.caller)} → ${quoteName(e.callee)}`,
        String(e.calls),
        broken ? style.error(String(e.continued)) : String(e.continued),
        String(e.linked),
        String(e.splitTrace),
        String(e.unanswered),
      ]);
    }
    out.push(table.toString().replace(/[ \t]+$/gm, ''), '');
  }
  const sorted = [...report.findings].sort(
    (a, b) => SEVERITY_ORDER.indexOf(severityOf(a)) - SEVERITY_ORDER.indexOf(severityOf(b)),
  );
  for (const f of sorted) {
    const severity = severityOf(f);
    const paint = severity === 'error' ? style.error : severity === 'warning' ? style.warning : style.dim;
    out.push(`${paint(`${MARK[severity]} ${f.kind}`)}  trace ${f.traceId} span ${f.spanId}`);
    out.push(...wrap(propagationMessage(f), width - 4).map((line) => `    ${line}`));
  }
  if (sorted.length > 0) out.push('');
  out.push(propagationSummary(report));
  return `${out.join('\n')}\n`;
}

export function propagationSummary(report: PropagationReport, q: Quote = TEXT_QUOTE): string {
  const counts = SEVERITY_ORDER.map(
    (sev) => [sev, report.findings.filter((f) => severityOf(f) === sev).length] as const,
  );
  const found =
    report.findings.length === 0
      ? `No propagation problems in ${plural(report.traces, 'trace')}.`
      : `${plural(report.findings.length, 'finding')} in ${plural(report.traces, 'trace')}: ${counts
          .filter(([, n]) => n > 0)
          .map(([sev, n]) => `${n} ${sev}`)
          .join(', ')}.`;
  const worst = report.edges[0];
  return worst && worst.splitTrace + worst.unanswered > 0 ? `${found} ${edgeHeadline(worst, q)}.` : found;
}

function wrap(text: string, width: number): string[] {
  const limit = Math.max(40, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && displayWidth(line) + 1 + displayWidth(word) > limit) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
