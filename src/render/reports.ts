import { atOrAbove } from '../analysis/findings.js';
import type { ErrorReport } from '../analysis/group-errors.js';
import type { PropagationReport } from '../analysis/propagation/check-propagation.js';
import { severityOf } from '../analysis/propagation/findings.js';
import type { TraceSummary } from '../model/summary.js';
import { buildErrorsDocument, type ErrorsVerdict } from './errors-json.js';
import { renderErrorsText } from './errors-text.js';
import { pointText, summaryText } from './errors-words.js';
import { diagnosisText, findingText } from './finding-text.js';
import { buildListDocument, renderListText } from './list.js';
import { buildPropagationDocument } from './propagation-json.js';
import { propagationSummary, renderPropagationText } from './propagation-text.js';
import { edgeHeadline, propagationMessage } from './propagation-words.js';
import type { Report, ReportCheck } from './report.js';
import { sanitize } from './sanitize.js';
import { buildShowDocument } from './show-json.js';
import { renderShowText } from './show-text.js';
import type { TreeOptions } from './tree-text.js';
import type { AnalysisView } from './view.js';

/** Each command's result as a Report: the document, its items, its text and its checks. */

export function showReport(view: AnalysisView, textOptions: Omit<TreeOptions, 'style' | 'width'>): Report {
  const doc = buildShowDocument(view);
  const root = view.tree.roots[0]?.span;
  const name = `${root ? `${sanitize(root.name)} (${sanitize(root.service)})` : 'trace'} ${view.tree.traceId}`;
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
      name: `${sanitize(s.rootName)} (${sanitize(s.rootService)}) ${s.traceId}`,
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
    title: `Errors${report.service ? ` in ${sanitize(report.service)}` : ''}`,
    summary,
    json: doc,
    items: doc.groups,
    text: (style, width) =>
      renderErrorsText(report, { style, width, top, failingSpans: verdict.failingSpans }),
    checks: report.groups.slice(0, top).map((g, i) => {
      const where = [g.service, g.operation]
        .filter((p) => p !== undefined)
        .map((p) => sanitize(p!))
        .join(' › ');
      const what = [g.errorType, g.message]
        .filter((p) => p !== undefined && p !== '')
        .map((p) => sanitize(p!))
        .join(': ');
      return {
        name: `#${i + 1} ${g.errorClass} ${where || '(all)'}${what ? ` ${what}` : ''}`,
        status: counts(g) ? 'failed' : 'passed',
        severity: 'error',
        message: `${g.count} failing span(s) in ${g.traces} trace(s)${g.origin ? `, from ${pointText(g.origin)}: ${sanitize(g.origin.errorType)}` : ''}`,
        traceId: g.examples[0],
      };
    }),
  };
}

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
        name: `${sanitize(e.caller)} → ${sanitize(e.callee)}`,
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
          name: `${f.kind} ${sanitize(f.service)} › ${sanitize(f.operation)} ${f.spanId}`,
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
