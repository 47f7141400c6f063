import { describe, expect, it } from 'vitest';
import {
  PROPAGATION_SEVERITY,
  type PropagationFinding,
  severityOf,
} from '../../../src/analysis/propagation/findings.js';
import { sid, tid } from '../../helpers/make-span.js';

const orphan = (
  cause: 'remote-parent-not-collected' | 'root-not-arrived' | 'parent-lost',
): PropagationFinding => ({
  kind: 'orphan-span',
  traceId: tid('1'),
  spanId: sid('a'),
  service: 'order-service',
  operation: 'GET /orders',
  parentSpanId: sid('dead'),
  cause,
  siblings: 1,
});

describe('severityOf', () => {
  it('a root that has not arrived yet is only info; other orphans are warnings', () => {
    expect(severityOf(orphan('root-not-arrived'))).toBe('info');
    expect(severityOf(orphan('remote-parent-not-collected'))).toBe('warning');
    expect(severityOf(orphan('parent-lost'))).toBe('warning');
  });

  it('a split trace and lost context are errors, a hidden hop is info', () => {
    expect(
      severityOf({
        kind: 'split-trace',
        traceId: tid('1'),
        spanId: sid('a'),
        service: 'user-service',
        operation: 'GET',
        peer: 'order-service:8080',
        peerService: 'order-service',
        relatedTraceId: tid('2'),
        relatedSpanId: sid('b'),
        relatedOperation: 'GET /orders',
        cause: 'callee-did-not-extract',
      }),
    ).toBe('error');
    expect(
      severityOf({
        kind: 'context-lost',
        traceId: tid('2'),
        spanId: sid('c'),
        service: 'user-service',
        operation: 'write_audit_log',
        relatedTraceId: tid('1'),
        relatedSpanId: sid('a'),
        relatedOperation: 'get_user_profile',
      }),
    ).toBe('error');
    expect(
      severityOf({
        kind: 'hidden-hop',
        traceId: tid('1'),
        spanId: sid('a'),
        service: 'user-service',
        operation: 'GET',
        peer: 'proxy:8080',
        peerService: 'order-service',
        relatedSpanId: sid('b'),
        servedAt: 'order-service:80',
      }),
    ).toBe('info');
  });

  it('unanswered calls and clock skew are warnings', () => {
    expect(
      severityOf({
        kind: 'unanswered-client',
        traceId: tid('1'),
        spanId: sid('a'),
        service: 'shop',
        operation: 'POST',
        peer: 'payment',
        peerService: 'payment',
      }),
    ).toBe('warning');
    expect(
      severityOf({
        kind: 'clock-skew',
        traceId: tid('1'),
        spanId: sid('a'),
        service: 'shop',
        operation: 'POST',
        peerService: 'payment',
        spans: 3,
        offsetMs: -1.2,
      }),
    ).toBe('warning');
  });

  it('has a severity for every kind', () => {
    expect(Object.keys(PROPAGATION_SEVERITY).sort()).toEqual([
      'clock-skew',
      'context-lost',
      'hidden-hop',
      'orphan-span',
      'split-trace',
      'unanswered-client',
    ]);
  });
});
