import type { PropagationReport } from '../../src/analysis/propagation/check-propagation.js';
import type { Edge } from '../../src/analysis/propagation/client-calls.js';
import type { PropagationFinding } from '../../src/analysis/propagation/findings.js';
import type { SpanId, TraceId } from '../../src/model/types.js';

/** Literal check-propagation findings and reports for the renderers' tests. */

export const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736' as TraceId;
export const CALLEE_TRACE = '7de09c051203f84f7eb7ca22083e60c9' as TraceId;
export const CLIENT_SPAN = '00f067aa0ba902b7' as SpanId;
export const CALLEE_ROOT = 'b7ad6b7169203331' as SpanId;
export const MISSING = '00000000000000ff' as SpanId;

const CALL = { traceId: CALLER_TRACE, spanId: CLIENT_SPAN, service: 'user-service', operation: 'GET' };
/** order-service's root, whose parent in the caller's trace is missing. */
const CALLEE_ORPHAN = {
  kind: 'orphan-span',
  traceId: CALLEE_TRACE,
  spanId: CALLEE_ROOT,
  service: 'order-service',
  operation: 'GET /orders',
  parentSpanId: MISSING,
} as const;

export const FINDINGS = {
  splitNoExtract: {
    kind: 'split-trace',
    ...CALL,
    peer: 'order-service:8080',
    peerService: 'order-service',
    relatedTraceId: CALLEE_TRACE,
    relatedSpanId: CALLEE_ROOT,
    relatedOperation: 'GET /orders',
    cause: 'callee-did-not-extract',
  },
  splitHop: {
    kind: 'split-trace',
    ...CALL,
    peer: 'proxy:8080',
    peerService: 'order-service',
    relatedTraceId: CALLEE_TRACE,
    relatedSpanId: CALLEE_ROOT,
    relatedOperation: 'GET /orders',
    cause: 'hop-dropped-context',
  },
  unanswered: { kind: 'unanswered-client', ...CALL, peer: undefined, peerService: 'order-service' },
  rootNotArrived: { ...CALLEE_ORPHAN, cause: 'root-not-arrived', siblings: 3 },
  remoteParent: { ...CALLEE_ORPHAN, cause: 'remote-parent-not-collected', siblings: 1 },
  contextLost: {
    kind: 'context-lost',
    traceId: CALLEE_TRACE,
    spanId: CALLEE_ROOT,
    service: 'worker',
    operation: 'process',
    relatedTraceId: CALLER_TRACE,
    relatedSpanId: CLIENT_SPAN,
    relatedOperation: 'handle',
  },
  hiddenHop: {
    kind: 'hidden-hop',
    ...CALL,
    peer: 'gateway:80',
    peerService: 'order-service',
    relatedSpanId: CALLEE_ROOT,
    servedAt: 'order-service:8080',
  },
  clockSkew: {
    kind: 'clock-skew',
    ...CALL,
    peerService: 'order-service',
    spans: 3,
    offsetMs: 40,
  },
} as const satisfies Record<string, PropagationFinding>;

/** An edge, user-service → order-service unless named, with the counts given and 0 for the rest. */
export const edge = (counts: Partial<Edge>): Edge => ({
  caller: 'user-service',
  callee: 'order-service',
  calls: 0,
  continued: 0,
  linked: 0,
  splitTrace: 0,
  unanswered: 0,
  ...counts,
});

/** user-service → order-service: 3 calls, 1 continued, 1 split, 1 unanswered. */
export const BROKEN_EDGE: Edge = edge({ calls: 3, continued: 1, splitTrace: 1, unanswered: 1 });
/** web → user-service: 12 calls, all continued. */
export const WHOLE_EDGE: Edge = edge({
  caller: 'web',
  callee: 'user-service',
  calls: 12,
  continued: 11,
  linked: 1,
});

export const propagationReport = (overrides: Partial<PropagationReport> = {}): PropagationReport => ({
  traces: 5,
  spans: 40,
  findings: [FINDINGS.splitNoExtract, FINDINGS.unanswered, FINDINGS.rootNotArrived],
  edges: [BROKEN_EDGE, WHOLE_EDGE],
  ...overrides,
});
