import { describe, expect, it } from 'vitest';
import { PropagationDocumentSchema } from '../../../src/render/contracts/propagation.js';
import { buildPropagationDocument } from '../../../src/render/propagation/json.js';
import {
  BROKEN_EDGE,
  CALLEE_ROOT,
  CALLER_TRACE,
  CLIENT_SPAN,
  FINDINGS,
  MISSING,
  propagationReport,
  WHOLE_EDGE,
} from '../../helpers/propagation-report.js';

const VERDICT = { failOn: 'error', failed: true } as const;
const ALL_KINDS = Object.values(FINDINGS);

describe('buildPropagationDocument', () => {
  it('satisfies the check-propagation contract with a finding of every kind', () => {
    const doc = buildPropagationDocument(propagationReport({ findings: ALL_KINDS }), VERDICT);
    expect(PropagationDocumentSchema.safeParse(doc).error).toBeUndefined();
    // and after a round trip: no undefined left where the contract wants null
    expect(PropagationDocumentSchema.safeParse(JSON.parse(JSON.stringify(doc))).error).toBeUndefined();
  });

  it('the counts, the verdict and the summary', () => {
    const doc = buildPropagationDocument(propagationReport(), { failOn: 'warning', failed: true });
    expect(doc).toMatchObject({
      schemaVersion: 1,
      tracesAnalysed: 5,
      spansAnalysed: 40,
      failOn: 'warning',
      failed: true,
      summary:
        '3 findings in 5 traces: 1 error, 1 warning, 1 info. order-service continued 1 of 3 calls from user-service.',
    });
  });

  it('edges with the share of calls that continued or linked, to four decimals', () => {
    const { edges } = buildPropagationDocument(propagationReport(), VERDICT);
    expect(edges).toEqual([
      { ...BROKEN_EDGE, continuedShare: 0.3333 },
      { ...WHOLE_EDGE, continuedShare: 1 },
    ]);
  });

  it('a finding: its own evidence, its severity, the other side, and the message', () => {
    const [split] = buildPropagationDocument(
      propagationReport({ findings: [FINDINGS.splitNoExtract] }),
      VERDICT,
    ).findings;
    expect(split).toEqual({
      ...FINDINGS.splitNoExtract,
      severity: 'error',
      message:
        'user-service › GET called order-service (order-service:8080), which started a new trace 7de09c051203f84f (GET /orders) instead of continuing this one: order-service did not extract the trace context (no propagator, or another format, such as B3 against W3C)',
    });
  });

  it('null for the sides a kind does not have', () => {
    const findings = buildPropagationDocument(
      propagationReport({ findings: [FINDINGS.rootNotArrived, FINDINGS.contextLost, FINDINGS.hiddenHop] }),
      VERDICT,
    ).findings;
    expect(findings.map((f) => [f.kind, f.peerService, f.relatedTraceId, f.relatedSpanId])).toEqual([
      ['orphan-span', null, null, null],
      ['context-lost', null, CALLER_TRACE, CLIENT_SPAN],
      ['hidden-hop', 'order-service', null, CALLEE_ROOT],
    ]);
    expect(findings[0]).toMatchObject({ cause: 'root-not-arrived', parentSpanId: MISSING, siblings: 3 });
    expect(findings[2]).toMatchObject({ peer: 'gateway:80', servedAt: 'order-service:8080' });
  });

  it('severity: an orphan whose root has not arrived is info, other orphans warnings', () => {
    const findings = buildPropagationDocument(
      propagationReport({ findings: [FINDINGS.rootNotArrived, FINDINGS.remoteParent] }),
      VERDICT,
    ).findings;
    expect(findings.map((f) => f.severity)).toEqual(['info', 'warning']);
  });

  it('every finding of the report, in its order', () => {
    const { findings } = buildPropagationDocument(propagationReport({ findings: ALL_KINDS }), VERDICT);
    expect(findings.map((f) => f.kind)).toEqual(ALL_KINDS.map((f) => f.kind));
    expect(findings.map((f) => f.severity)).toEqual([
      'error',
      'error',
      'warning',
      'info',
      'warning',
      'error',
      'info',
      'warning',
    ]);
  });

  it('keeps span data raw (JSON escaping makes it safe) but for the message, which is text', () => {
    const [f] = buildPropagationDocument(
      propagationReport({ findings: [{ ...FINDINGS.unanswered, operation: 'GET\u001b' }] }),
      VERDICT,
    ).findings;
    expect(f!.operation).toBe('GET\u001b');
    expect(f!.message.startsWith('user-service › GET\\u{1b} called')).toBe(true);
  });
});
