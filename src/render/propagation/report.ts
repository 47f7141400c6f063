import { atOrAbove } from '../../analysis/findings.js';
import type { PropagationReport } from '../../analysis/propagation/check-propagation.js';
import { severityOf } from '../../analysis/propagation/findings.js';
import { quoteName } from '../quote.js';
import type { Report, ReportCheck } from '../report.js';
import { buildPropagationDocument } from './json.js';
import { propagationSummary, renderPropagationText } from './text.js';
import { edgeHeadline, propagationMessage } from './words.js';

/** The `otrace check-propagation` result as a Report: the document, its items, its text and its checks. */
export function propagationReportOf(
  report: PropagationReport,
  verdict: { failOn: 'error' | 'warning' | 'info'; failed: boolean },
): Report {
  const doc = buildPropagationDocument(report, verdict);
  const edgeKinds = new Set(['split-trace', 'unanswered-client']);
  const checks: ReportCheck[] = [
    ...report.edges.map((e): ReportCheck => {
      const broken = e.splitTrace + e.unanswered;
      const finding = report.findings.find(
        (f) =>
          edgeKinds.has(f.kind) && f.service === e.caller && 'peerService' in f && f.peerService === e.callee,
      );
      return {
        name: `${quoteName(e.caller)} → ${quoteName(e.callee)}`,
        status: broken > 0 ? 'failed' : 'passed',
        severity: 'error',
        message: `${edgeHeadline(e)}${broken > 0 ? ` (${e.splitTrace} split, ${e.unanswered} unanswered)` : ''}`,
        traceId: finding?.traceId,
        details: finding ? propagationMessage(finding) : undefined,
      };
    }),
    ...report.findings
      .filter((f) => !edgeKinds.has(f.kind))
      .map((f): ReportCheck => {
        const severity = severityOf(f);
        return {
          name: `${f.kind} ${quoteName(f.service)} › ${quoteName(f.operation)} ${f.spanId}`,
          status: atOrAbove(severity, verdict.failOn) ? 'failed' : 'passed',
          severity: severity === 'info' ? 'notice' : severity,
          message: propagationMessage(f),
          traceId: f.traceId,
        };
      }),
  ];
  return {
    command: 'otrace check-propagation',
    title: 'Trace context propagation',
    summary: propagationSummary(report),
    json: doc,
    items: doc.findings,
    text: (style, width) => renderPropagationText(report, style, width),
    checks,
  };
}
