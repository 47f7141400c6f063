import type { PerfFinding } from '../../analysis/perf/perf-findings.js';
import { diagnosisText, findingText } from '../finding-text.js';
import { KIND_TEXT, ms, perfFindingText } from '../perf/words.js';
import { quoteName } from '../quote.js';
import type { Report, ReportCheck } from '../report.js';
import { buildShowDocument } from './json.js';
import { renderShowText } from './text.js';
import type { TreeOptions } from './tree.js';
import type { AnalysisView } from './view.js';

/**
 * The `otrace show` result as a Report: the document, its items, its text and its checks. A
 * performance finding is a passed warning check: worth reading, not a reason to fail the run
 * (`otrace perf --fail-on` and `assert` gate on them).
 */
export function showReport(
  view: AnalysisView,
  textOptions: Omit<TreeOptions, 'style' | 'width'>,
  perfFindings: readonly PerfFinding[] = [],
): Report {
  const doc = buildShowDocument(view, perfFindings);
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
    ...perfFindings.map(
      (f, i): ReportCheck => ({
        name: `${KIND_TEXT[f.kind]} ${i + 1}: ${quoteName(f.service)} › ${quoteName(f.name)}`,
        status: 'passed',
        severity: 'warning',
        message: f.savedMs > 0 ? `${perfFindingText(f)}; ${ms(f.savedMs)} to save` : perfFindingText(f),
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
    text: (style, width) => renderShowText(view, { ...textOptions, style, width }, perfFindings),
    checks,
  };
}
