import type { PerfReport } from '../../analysis/perf/perf-report.js';
import { quoteName } from '../quote.js';
import type { Report } from '../report.js';
import { buildPerfDocument, type PerfVerdict } from './json.js';
import { renderPerfText } from './text.js';
import { groupText, KIND_TEXT, ms, percent, summaryText } from './words.js';

/** The `otrace perf` result as a Report: a check per finding group, failed where `--fail-on` names its kind. */
export function perfReport(report: PerfReport, verdict: PerfVerdict, top: number): Report {
  const doc = buildPerfDocument(report, verdict, top);
  const failing = new Set(verdict.failOn);
  return {
    command: 'otrace perf',
    title: 'Performance',
    summary: summaryText(report),
    json: doc,
    items: doc.groups,
    text: (style, width) => renderPerfText(report, { style, width, top }),
    checks: report.groups.slice(0, top).map((g, i) => ({
      name: `#${i + 1} ${KIND_TEXT[g.kind]} ${quoteName(g.service)} › ${quoteName(g.name)}`,
      status: failing.has(g.kind) ? 'failed' : 'passed',
      severity: 'warning',
      message: `${groupText(g)}; in ${g.traces} trace(s) (${percent(g.traceShare)}), ${ms(g.savedMs)} to save`,
      traceId: g.worst.traceId,
    })),
  };
}
