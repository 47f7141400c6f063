import type { PropagationReport } from '../../analysis/propagation/check-propagation.js';
import { severityOf } from '../../analysis/propagation/findings.js';
import type { PropagationDocument } from '../contracts/propagation.js';
import { PROPAGATION_SCHEMA_VERSION } from '../contracts/versions.js';
import { JSON_QUOTE } from '../quote.js';
import { propagationSummary } from './text.js';
import { propagationMessage } from './words.js';

export function buildPropagationDocument(
  report: PropagationReport,
  verdict: { failOn: 'error' | 'warning' | 'info'; failed: boolean },
): PropagationDocument {
  const doc: PropagationDocument = {
    schemaVersion: PROPAGATION_SCHEMA_VERSION,
    tracesAnalysed: report.traces,
    spansAnalysed: report.spans,
    ...verdict,
    summary: propagationSummary(report, JSON_QUOTE),
    edges: report.edges.map((e) => ({
      ...e,
      continuedShare: Math.round(((e.continued + e.linked) / e.calls) * 10_000) / 10_000,
    })),
    findings: report.findings.map((f) => ({
      // The kind-specific evidence (cause, peer, siblings, offsetMs…) as it is, then the common fields.
      ...f,
      severity: severityOf(f),
      peerService: 'peerService' in f ? f.peerService : null,
      relatedTraceId: 'relatedTraceId' in f ? f.relatedTraceId : null,
      relatedSpanId: 'relatedSpanId' in f ? f.relatedSpanId : null,
      message: propagationMessage(f, JSON_QUOTE),
    })),
  };
  return doc;
}
