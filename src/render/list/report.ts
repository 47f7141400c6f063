import type { TraceSummary } from '../../model/summary.js';
import { quoteName } from '../quote.js';
import type { Report } from '../report.js';
import { buildListDocument } from './json.js';
import { renderListText } from './text.js';

/** The `otrace list` result as a Report: the document, its items, its text and its checks. */
export function listReport(summaries: readonly TraceSummary[]): Report {
  const doc = buildListDocument(summaries);
  const failing = summaries.filter((s) => s.errorCount > 0).length;
  return {
    command: 'otrace list',
    title: `${summaries.length} trace(s)`,
    summary: `${summaries.length} trace(s), ${failing} with errors.`,
    json: doc,
    items: doc.traces,
    text: (style, width) => renderListText(summaries, style, width),
    checks: summaries.map((s) => ({
      name: `${quoteName(s.rootName)} (${quoteName(s.rootService)}) ${s.traceId}`,
      status: s.errorCount > 0 ? 'failed' : 'passed',
      severity: 'warning',
      message:
        s.errorCount > 0
          ? `${s.errorCount} failing span(s) of ${s.spanCount}`
          : `${s.spanCount} span(s), no errors`,
      traceId: s.traceId,
    })),
  };
}
