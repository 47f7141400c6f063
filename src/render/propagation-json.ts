import { z } from 'zod';
import type { PropagationReport } from '../analysis/propagation/check-propagation.js';
import { PROPAGATION_SEVERITY, severityOf } from '../analysis/propagation/findings.js';
import { propagationSummary } from './propagation-text.js';
import { propagationMessage } from './propagation-words.js';

export const PROPAGATION_SCHEMA_VERSION = 1;

const kinds = Object.keys(PROPAGATION_SEVERITY) as [
  keyof typeof PROPAGATION_SEVERITY,
  ...(keyof typeof PROPAGATION_SEVERITY)[],
];

/** `check-propagation --format json`: additive changes keep the version, anything else bumps it. */
export const PropagationDocumentSchema = z.object({
  schemaVersion: z.literal(PROPAGATION_SCHEMA_VERSION),
  tracesAnalysed: z.number().int().nonnegative(),
  spansAnalysed: z.number().int().nonnegative(),
  failOn: z.enum(['error', 'warning', 'info']),
  failed: z.boolean(),
  summary: z.string(),
  edges: z.array(
    z.object({
      caller: z.string(),
      callee: z.string(),
      calls: z.number().int().positive(),
      continued: z.number().int().nonnegative(),
      linked: z.number().int().nonnegative(),
      splitTrace: z.number().int().nonnegative(),
      unanswered: z.number().int().nonnegative(),
      continuedShare: z.number().min(0).max(1),
    }),
  ),
  findings: z.array(
    z
      .object({
        kind: z.enum(kinds),
        severity: z.enum(['error', 'warning', 'info']),
        traceId: z.string().regex(/^[0-9a-f]{32}$/),
        spanId: z.string().regex(/^[0-9a-f]{16}$/),
        service: z.string(),
        operation: z.string(),
        peerService: z.string().nullable(),
        relatedTraceId: z.string().nullable(),
        relatedSpanId: z.string().nullable(),
        message: z.string(),
      })
      .loose(),
  ),
});
export type PropagationDocument = z.infer<typeof PropagationDocumentSchema>;

export function buildPropagationDocument(
  report: PropagationReport,
  verdict: { failOn: 'error' | 'warning' | 'info'; failed: boolean },
): PropagationDocument {
  const doc: PropagationDocument = {
    schemaVersion: PROPAGATION_SCHEMA_VERSION,
    tracesAnalysed: report.traces,
    spansAnalysed: report.spans,
    ...verdict,
    summary: propagationSummary(report),
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
      message: propagationMessage(f),
    })),
  };
  return doc;
}
