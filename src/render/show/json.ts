import type { PerfFinding } from '../../analysis/perf/perf-findings.js';
import type { SpanNode } from '../../model/types.js';
import { nanosToMillis, spanDuration } from '../../model/units.js';
import type { ShowDocument, ShowPerfFinding, ShowSpan } from '../contracts/show.js';
import { SHOW_SCHEMA_VERSION } from '../contracts/versions.js';
import { diagnosisText } from '../finding-text.js';
import { isoTime, roundMillis } from '../format.js';
import { perfFindingText } from '../perf/words.js';
import { JSON_QUOTE } from '../quote.js';
import type { AnalysisView } from './view.js';

/**
 * The `otrace show --format json` document (contracts/show.ts). Strings are raw span data (JSON
 * escaping makes them safe); consumers that print them must sanitise.
 */
export function buildShowDocument(
  view: AnalysisView,
  perfFindings: readonly PerfFinding[] = [],
): ShowDocument {
  const { tree, facts } = view;
  const offset = (t: bigint): number => roundMillis(nanosToMillis(t - tree.start));
  return {
    schemaVersion: SHOW_SCHEMA_VERSION,
    traceId: tree.traceId,
    startTime: isoTime(tree.start),
    durationMs: roundMillis(nanosToMillis(tree.end - tree.start)),
    spanCount: tree.nodes.length,
    errorCount: facts.filter((f) => f.failed).length,
    services: [...new Set(tree.nodes.map((n) => n.span.service))],
    rootSpanIds: tree.roots.map((r) => r.span.spanId),
    diagnosis: { ...view.diagnosis, text: diagnosisText(view.diagnosis, JSON_QUOTE).join(' ') },
    findings: [...view.findings],
    criticalPath: view.criticalPath.map((s) => ({
      spanId: s.node.span.spanId,
      startOffsetMs: offset(s.start),
      endOffsetMs: offset(s.end),
    })),
    spans: tree.nodes.map((node) => spanEntry(view, node, offset)),
    perfFindings: perfFindings.map(perfFindingEntry),
  };
}

/** A performance finding as data: its kind, the fields every kind has, then its kind's own. */
function perfFindingEntry(finding: PerfFinding): ShowPerfFinding {
  const common = {
    traceId: finding.traceId,
    spanId: finding.spanId,
    service: finding.service,
    operation: finding.name,
    shape: finding.shape,
    savedMs: roundMillis(Math.max(0, finding.savedMs)),
    text: perfFindingText(finding, JSON_QUOTE),
  };
  if (finding.kind === 'slow-call') {
    // The slow call is the span itself, not a parent of calls.
    return {
      kind: finding.kind,
      ...common,
      count: 1,
      callSpanIds: [finding.spanId],
      family: finding.family,
      durationMs: roundMillis(finding.durationMs),
      medianMs: roundMillis(finding.medianMs),
      samples: finding.samples,
    };
  }
  const calls = { ...common, count: finding.count, callSpanIds: [...finding.callSpanIds] };
  switch (finding.kind) {
    case 'n-plus-one':
      return {
        kind: finding.kind,
        ...calls,
        family: finding.family,
        peer: finding.peer ?? null,
        totalMs: roundMillis(finding.totalMs),
      };
    case 'sequential-calls':
      return { kind: finding.kind, ...calls, totalMs: roundMillis(finding.totalMs) };
    case 'redundant-call':
      return { kind: finding.kind, ...calls, family: finding.family, exact: finding.exact };
    case 'retry-storm':
      return { kind: finding.kind, ...calls, multiplied: finding.multiplied };
    case 'fan-out':
      return { kind: finding.kind, ...calls, shapes: finding.shapes };
    case 'pool-wait':
      return { kind: finding.kind, ...calls, poolSize: finding.poolSize };
    case 'lock-wait':
      return { kind: finding.kind, ...calls, family: finding.family };
  }
}

function spanEntry(view: AnalysisView, node: SpanNode, offset: (t: bigint) => number): ShowSpan {
  const { span } = node;
  const f = view.facts[node.index]!;
  const markers: ShowSpan['markers'] = [];
  if (f.error) markers.push('error');
  if (f.timeout) markers.push('timeout');
  if (f.role === 'origin' && !f.recoveredBy) markers.push('error-origin');
  if (f.role === 'propagated') markers.push('propagated');
  if (f.failed && f.recoveredBy) markers.push('recovered');
  if (f.slowBehind) markers.push('slow-behind-timeout');
  if (node.parentMissing) markers.push('orphan');
  if (node.duplicateId) markers.push('duplicate-id');
  if (node.cycleCut) markers.push('cycle-cut');
  if (view.onCriticalPath.has(node.index)) markers.push('critical-path');
  return {
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? null,
    depth: node.depth,
    service: span.service,
    name: span.name,
    kind: span.kind,
    startTime: isoTime(span.start),
    startOffsetMs: offset(span.start),
    durationMs: roundMillis(nanosToMillis(spanDuration(span))),
    selfMs: roundMillis(nanosToMillis(view.selfTimes[node.index]!)),
    criticalPathMs: roundMillis(nanosToMillis(view.criticalTimes[node.index]!)),
    status: { code: span.status.code, message: span.status.message },
    exceptions: f.exceptions.map((e) => ({ type: e.type, message: e.message, stacktrace: e.stacktrace })),
    markers,
  };
}
