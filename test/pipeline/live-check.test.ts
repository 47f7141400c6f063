import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { LiveCheck } from '../../src/pipeline/live-check.js';
import { otlpDocument } from '../helpers/otlp-doc.js';

// README (fixtures/propagation): the proxy strips traceparent; line 1 is user-service's request
// (trace A: 5 spans, its CLIENT call has no SERVER child), line 2 order-service's (trace B: 2 spans,
// a SERVER root starting inside A's call): a split trace.
const [CALLER, CALLEE] = readFileSync('fixtures/propagation/proxy-drops-headers.otlp.jsonl', 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as unknown);
const A = '11cbff7c56b2ef4d73e0ce690a67205e';
const B = '2c39ba2c34e85f945fb9ba8efe420b2a';

const IDLE_MS = 100;

function liveCheck(maxPendingSpans = 10_000) {
  const warnings: string[] = [];
  const check = new LiveCheck({ idleMs: IDLE_MS, maxPendingSpans }, (m) => warnings.push(m));
  return { check, warnings };
}

describe('LiveCheck', () => {
  it('accepts a request and says how many spans it held', () => {
    const { check, warnings } = liveCheck();
    expect(check.accept(CALLER, 'request 1', 0)).toBe(5);
    expect(check.accept(CALLEE, 'request 2', 0)).toBe(2);
    expect(check.pendingSpans).toBe(7);
    expect(warnings).toEqual([]);
  });

  it('completes a trace once no span of it has arrived for the idle time, and forgets it', () => {
    const { check } = liveCheck();
    check.accept(CALLER, 'request 1', 1_000);
    expect(check.takeComplete(1_000 + IDLE_MS - 1)).toEqual([]);
    const [done, ...more] = check.takeComplete(1_000 + IDLE_MS);
    expect(more).toEqual([]);
    expect(done!.trace.traceId).toBe(A);
    expect(done!.trace.spans).toHaveLength(5);
    expect(done!.analysis.tree.nodes).toHaveLength(5);
    expect(check.pendingSpans).toBe(0);
    expect(check.takeComplete(10_000)).toEqual([]);
  });

  it('restarts the idle time when more spans of a trace arrive', () => {
    const { check } = liveCheck();
    const [first, second] = [
      otlpDocument([{ id: 2, parent: 1, name: 'child', startMs: 1, endMs: 2 }]),
      otlpDocument([{ id: 1, name: 'root', startMs: 0, endMs: 3 }]),
    ];
    check.accept(first, 'r1', 0);
    check.accept(second, 'r2', 80);
    expect(check.takeComplete(150)).toEqual([]);
    const done = check.takeComplete(180);
    expect(done.map((c) => c.trace.spans.map((s) => s.name))).toEqual([['child', 'root']]);
  });

  it('waits ten times longer for a trace whose root has not arrived', () => {
    const { check } = liveCheck();
    check.accept(otlpDocument([{ id: 2, parent: 1, name: 'child', startMs: 1, endMs: 2 }]), 'r', 0);
    expect(check.takeComplete(IDLE_MS)).toEqual([]);
    expect(check.takeComplete(10 * IDLE_MS - 1)).toEqual([]);
    expect(check.takeComplete(10 * IDLE_MS)).toHaveLength(1);
  });

  it('takes every trace at the end, idle or not', () => {
    const { check } = liveCheck();
    check.accept(CALLER, 'r1', 0);
    check.accept(CALLEE, 'r2', 0);
    const done = check.takeComplete(0, true);
    expect(done.map((c) => c.trace.traceId)).toEqual([A, B]);
    expect(check.completedEarly).toBe(0);
  });

  it('gives the traces it completes together in trace order (earliest start), not as they arrived', () => {
    const { check } = liveCheck();
    check.accept(CALLEE, 'r2', 0);
    check.accept(CALLER, 'r1', 0);
    expect(check.takeComplete(0, true).map((c) => c.trace.traceId)).toEqual([A, B]);
  });

  it('checks a trace with the recent ones: the halves of a split trace completed apart are paired', () => {
    const { check } = liveCheck();
    check.accept(CALLER, 'r1', 0);
    check.accept(CALLEE, 'r2', 50);
    const first = check.takeComplete(IDLE_MS);
    expect(first.map((c) => c.trace.traceId)).toEqual([A]);
    expect(first[0]!.findings.filter((f) => f.kind === 'split-trace')).toEqual([]);
    const second = check.takeComplete(50 + IDLE_MS);
    expect(second.map((c) => c.trace.traceId)).toEqual([B]);
    // The finding is the caller's; it names the callee's trace, so it comes with it.
    expect(second[0]!.findings).toContainEqual(
      expect.objectContaining({ kind: 'split-trace', traceId: A, relatedTraceId: B }),
    );
  });

  it('gives the finding to both halves when they complete together', () => {
    const { check } = liveCheck();
    check.accept(CALLER, 'r1', 0);
    check.accept(CALLEE, 'r2', 0);
    const done = check.takeComplete(IDLE_MS);
    expect(done.map((c) => c.trace.traceId)).toEqual([A, B]);
    for (const completed of done)
      expect(completed.findings.map((f) => [f.kind, f.traceId])).toContainEqual(['split-trace', A]);
  });

  it('completes the oldest traces early when too many spans wait, and counts them', () => {
    const { check } = liveCheck(5);
    check.accept(CALLER, 'r1', 0);
    check.accept(CALLEE, 'r2', 10);
    expect(check.pendingSpans).toBe(7);
    const done = check.takeComplete(20);
    expect(done.map((c) => c.trace.traceId)).toEqual([A]);
    expect(check.completedEarly).toBe(1);
    expect(check.pendingSpans).toBe(2);
  });

  it('keeps only the attributes the analysis reads', () => {
    const { check } = liveCheck();
    check.accept(CALLER, 'r1', 0);
    const [done] = check.takeComplete(0, true);
    const server = done!.trace.spans.find((s) => s.kind === 'server')!;
    // network.peer.port is in the request; nothing the analysis reads needs it.
    expect(JSON.stringify(CALLER)).toContain('"network.peer.port"');
    expect(server.attributes).not.toHaveProperty('network.peer.port');
    expect(server.attributes).toHaveProperty('server.port');
  });

  it('accepts a metrics request with no spans', () => {
    const { check } = liveCheck();
    expect(check.accept({ resourceMetrics: [] }, 'r', 0)).toBe(0);
    expect(check.pendingSpans).toBe(0);
  });

  it('refuses a request that is not OTLP with an InputError, keeping nothing of it', () => {
    const { check } = liveCheck();
    const jaeger = { data: [{ traceID: A, spans: [], processes: {} }] };
    expect(() => check.accept(jaeger, 'grpc request', 0)).toThrow(InputError);
    expect(check.pendingSpans).toBe(0);
  });

  it('passes on the warnings of decoding, placed at the request', () => {
    const { check, warnings } = liveCheck();
    const timeless = {
      resourceSpans: [
        { scopeSpans: [{ spans: [{ traceId: A, spanId: '00000000000000aa', name: 'x', kind: 1 }] }] },
      ],
    };
    expect(check.accept(timeless, 'POST /v1/traces', 0)).toBe(1);
    expect(warnings).toEqual(['POST /v1/traces:1: 1 span(s) have no start/end time; shown as 0 ms']);
  });
});
