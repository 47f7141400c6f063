import { describe, expect, it } from 'vitest';
import type { PropagationFinding } from '../../../src/analysis/propagation/findings.js';
import { edgeHeadline, propagationMessage } from '../../../src/render/propagation/words.js';
import { BROKEN_EDGE, FINDINGS, WHOLE_EDGE } from '../../helpers/propagation-report.js';

describe('propagationMessage', () => {
  it.each<[string, PropagationFinding, string]>([
    [
      'split trace: the callee did not extract',
      FINDINGS.splitNoExtract,
      'user-service › GET called order-service (order-service:8080), which started a new trace 7de09c051203f84f (GET /orders) instead of continuing this one: order-service did not extract the trace context (no propagator, or another format, such as B3 against W3C)',
    ],
    [
      'split trace: a hop dropped the headers',
      FINDINGS.splitHop,
      'user-service › GET called proxy:8080, and order-service started a new trace 7de09c051203f84f (GET /orders) during the call: something between them (proxy:8080, not order-service) dropped the trace context headers, such as an uninstrumented proxy or gateway',
    ],
    [
      'split trace: a hop, the client naming no peer',
      { ...FINDINGS.splitHop, peer: undefined },
      'user-service › GET called a peer, and order-service started a new trace 7de09c051203f84f (GET /orders) during the call: something between them (?, not order-service) dropped the trace context headers, such as an uninstrumented proxy or gateway',
    ],
    [
      'unanswered call',
      FINDINGS.unanswered,
      'user-service › GET called order-service, but no span of order-service answered it in this trace or any other: it does not continue the trace, or its spans are missing',
    ],
    [
      'unanswered call to an address',
      { ...FINDINGS.unanswered, peer: '10.0.0.7:8080' },
      'user-service › GET called order-service (10.0.0.7:8080), but no span of order-service answered it in this trace or any other: it does not continue the trace, or its spans are missing',
    ],
    [
      'orphans: the root has not arrived',
      FINDINGS.rootNotArrived,
      "3 spans hang off 00000000000000ff, which has not arrived: the trace's root is missing (still on its way, or lost)",
    ],
    [
      'orphan: the remote caller was never collected',
      FINDINGS.remoteParent,
      'order-service › GET /orders was called from span 00000000000000ff, which was never collected: the caller is not instrumented, does not export, or sampled this trace out',
    ],
    [
      'orphans: several under one uncollected caller',
      { ...FINDINGS.remoteParent, siblings: 2 },
      'order-service › GET /orders was called from span 00000000000000ff, which was never collected: the caller is not instrumented, does not export, or sampled this trace out (2 spans)',
    ],
    [
      'orphan: a local parent lost',
      { ...FINDINGS.remoteParent, cause: 'parent-lost' },
      "order-service › GET /orders's parent 00000000000000ff is missing mid-trace: an export gap, sampling or truncation",
    ],
    [
      'context lost',
      FINDINGS.contextLost,
      'worker › process started a new trace while handle (trace 4bf92f3577b34da6) was running in the same service: the context was lost across an async boundary (a queue, a timer, a pool)',
    ],
    [
      'hidden hop',
      FINDINGS.hiddenHop,
      'user-service › GET called gateway:80, but order-service was reached at order-service:8080: an uninstrumented hop in between forwards the trace context (the trace stays whole)',
    ],
    [
      'clock skew over several spans, ahead',
      FINDINGS.clockSkew,
      "3 spans of order-service sit outside their user-service parents, by a median 40 ms: order-service's clock looks ahead; clock skew, not broken propagation",
    ],
    [
      'clock skew of one span, behind',
      { ...FINDINGS.clockSkew, spans: 1, offsetMs: -12.5 },
      "1 span of order-service sits outside its user-service parent, by 12.5 ms: order-service's clock looks behind; clock skew, not broken propagation",
    ],
  ])('%s', (_, finding, text) => {
    expect(propagationMessage(finding)).toBe(text);
  });

  it('escapes span data', () => {
    const text = propagationMessage({ ...FINDINGS.unanswered, service: 'a\u001b[2J', peerService: 'b\n' });
    expect(text).toMatch(/^a\\u\{1b\}\[2J › GET called b\\n, but no span of b\\n answered/);
  });
});

describe('edgeHeadline', () => {
  it('counts linked calls as continued', () => {
    expect(edgeHeadline(BROKEN_EDGE)).toBe('order-service continued 1 of 3 calls from user-service');
    expect(edgeHeadline(WHOLE_EDGE)).toBe('user-service continued 12 of 12 calls from web');
    expect(edgeHeadline({ ...BROKEN_EDGE, calls: 1, continued: 0 })).toBe(
      'order-service continued 0 of 1 call from user-service',
    );
  });
});
