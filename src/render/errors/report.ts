import type { ErrorReport } from '../../analysis/group-errors.js';
import { quoteName, quoteValue } from '../quote.js';
import type { Report } from '../report.js';
import { buildErrorsDocument, type ErrorsVerdict } from './json.js';
import { renderErrorsText } from './text.js';
import { pointText, summaryText } from './words.js';

/** The `otrace errors` result as a Report: the document, its items, its text and its checks. */
export function errorsReport(
  report: ErrorReport,
  verdict: ErrorsVerdict,
  top: number,
  counts: (group: ErrorReport['groups'][number]) => boolean,
): Report {
  const doc = buildErrorsDocument(report, verdict, top);
  const summary = summaryText(report, verdict.failingSpans);
  return {
    command: 'otrace errors',
    title: `Errors${report.service ? ` in ${quoteName(report.service)}` : ''}`,
    summary,
    json: doc,
    items: doc.groups,
    text: (style, width) =>
      renderErrorsText(report, { style, width, top, failingSpans: verdict.failingSpans }),
    checks: report.groups.slice(0, top).map((g, i) => {
      const where = [g.service, g.operation]
        .filter((p) => p !== undefined)
        .map((p) => quoteName(p!))
        .join(' › ');
      const what = [g.errorType, g.message]
        .filter((p) => p !== undefined && p !== '')
        .map((p) => quoteValue(p!))
        .join(': ');
      return {
        name: `#${i + 1} ${g.errorClass} ${where || '(all)'}${what ? ` ${what}` : ''}`,
        status: counts(g) ? 'failed' : 'passed',
        severity: 'error',
        message: `${g.count} failing span(s) in ${g.traces} trace(s)${g.origin ? `, from ${pointText(g.origin)}: ${quoteValue(g.origin.errorType)}` : ''}`,
        traceId: g.examples[0],
      };
    }),
  };
}
