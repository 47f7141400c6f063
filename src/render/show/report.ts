import { diagnosisText, findingText } from '../finding-text.js';
import { quoteName } from '../quote.js';
import type { Report, ReportCheck } from '../report.js';
import { buildShowDocument } from './json.js';
import { renderShowText } from './text.js';
import type { TreeOptions } from './tree.js';
import type { AnalysisView } from './view.js';

/** The `otrace show` result as a Report: the document, its items, its text and its checks. */
export function showReport(view: AnalysisView, textOptions: Omit<TreeOptions, 'style' | 'width'>): Report {
  const doc = buildShowDocument(view);
  const root = view.tree.roots[0]?.span;
  const name = `${root ? `${quoteName(root.name)} (${quoteName(root.service)})` : 'trace'} ${view.tree.traceId}`;
  const verdict = diagnosisText(view.diagnosis).join(' ');
  const findings = view.findings.filter((f) => f.kind !== 'error-origin' && f.kind !== 'timeout');
  const checks: ReportCheck[] = [
    {
      name,
      status: view.diagnosis.kind === 'ok' ? 'passed' : 'failed',
      severity: 'error',
      message: verdict,
      traceId: view.tree.traceId,
    },
    ...findings
      .filter((f) => f.kind === 'orphan-span' || f.kind === 'truncated-trace' || f.kind === 'parent-cycle')
      .map(
        (f, i): ReportCheck => ({
          name: `${f.kind} ${i + 1}`,
          status: 'failed',
          severity: 'warning',
          message: findingText(f),
          traceId: view.tree.traceId,
        }),
      ),
  ];
  return {
    command: 'otrace show',
    title: `Trace ${view.tree.traceId}`,
    summary: verdict,
    json: doc,
    items: doc.spans,
    text: (style, width) => renderShowText(view, { ...textOptions, style, width }),
    checks,
  };
}
