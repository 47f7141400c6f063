import { describe, expect, it } from 'vitest';
import {
  type CheckInput,
  findBackendWarnings,
  findErrorOrigins,
  findTimeouts,
  findTreeDefects,
  TRACE_CHECKS,
} from '../../src/analysis/checks.js';
import { computeSpanFacts } from '../../src/analysis/span-facts.js';
import { buildTree } from '../../src/model/build-tree.js';
import type { Trace } from '../../src/model/types.js';
import { frozen, makeTrace, ms, type SpanSpec, sid, TEST_TRACE_ID } from '../helpers/make-span.js';

const input = (trace: Trace): CheckInput => {
  const tree = buildTree(frozen(trace));
  return { tree, facts: computeSpanFacts(tree, { limits: [] }) };
};
const of = (specs: SpanSpec[], warnings: string[] = []) => input(makeTrace(specs, warnings));

const REFUSED = {
  name: 'exception',
  time: ms(3),
  attributes: {
    'exception.type': 'ECONNREFUSED',
    'exception.message': 'connect ECONNREFUSED 127.0.0.1:4001',
  },
};

describe('findErrorOrigins', () => {
  it('reports the origin of a failure, with its reason and exception, and not the spans it propagated to', () => {
    //  a ✗ ── b ✗ ── c ✗ (ECONNREFUSED): c is the origin
    const findings = findErrorOrigins(
      of([
        {
          id: 'a',
          name: 'GET /profile',
          service: 'user-service',
          kind: 'server',
          endMs: 10,
          status: { code: 'error', message: '' },
        },
        {
          id: 'b',
          parent: 'a',
          name: 'get_orders',
          service: 'user-service',
          endMs: 9,
          status: { code: 'error', message: '' },
        },
        {
          id: 'c',
          parent: 'b',
          name: 'GET',
          kind: 'client',
          service: 'user-service',
          startMs: 1,
          endMs: 3,
          status: { code: 'error', message: 'connect ECONNREFUSED 127.0.0.1:4001' },
          events: [REFUSED],
        },
      ]),
    );
    expect(findings).toEqual([
      {
        kind: 'error-origin',
        traceId: TEST_TRACE_ID,
        spanId: sid('c'),
        service: 'user-service',
        name: 'GET',
        reason: { source: 'status', message: 'connect ECONNREFUSED 127.0.0.1:4001' },
        timeout: undefined,
        exception: { type: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:4001', stacktrace: '' },
      },
    ]);
  });

  it('reports an origin under a succeeding caller as recovered, naming the caller', () => {
    //  a (HTTP 200) ── b ✗ (503): recovered by a
    const findings = findErrorOrigins(
      of([
        { id: 'a', kind: 'server', endMs: 10, attributes: { 'http.response.status_code': 200 } },
        {
          id: 'b',
          parent: 'a',
          kind: 'client',
          startMs: 1,
          endMs: 3,
          attributes: { 'http.response.status_code': 503 },
        },
      ]),
    );
    expect(findings).toEqual([
      {
        kind: 'recovered-error',
        traceId: TEST_TRACE_ID,
        spanId: sid('b'),
        service: 'svc',
        name: 'span b',
        recoveredBySpanId: sid('a'),
      },
    ]);
  });

  it('finds nothing in a healthy trace', () => {
    expect(
      findErrorOrigins(
        of([
          { id: 'a', endMs: 10 },
          { id: 'b', parent: 'a', startMs: 1, endMs: 2 },
        ]),
      ),
    ).toEqual([]);
  });
});

describe('findTimeouts', () => {
  it('reports a span that timed out, with its duration and why', () => {
    const findings = findTimeouts(
      of([
        {
          id: 'a',
          kind: 'client',
          startMs: 0,
          endMs: 1500.5,
          attributes: { 'http.response.status_code': 504 },
        },
      ]),
    );
    expect(findings).toEqual([
      {
        kind: 'timeout',
        traceId: TEST_TRACE_ID,
        spanId: sid('a'),
        service: 'svc',
        name: 'span a',
        durationMs: 1500.5,
        reason: { source: 'http-status', code: 504 },
      },
    ]);
  });

  it('reports the slow span behind a masked timeout, pointing at the span that gave up', () => {
    /*
     *  |--proxy 15.0 s (504)--------|
     *   |--egress 14.999 s---------|      did not fail
     *    |--frontend 14.948 s-----|       the deepest span lasting ≥ 90 % of 15 s: the slow one
     *     |-db 0.1 s-|
     */
    const findings = findTimeouts(
      of([
        {
          id: 'a',
          name: 'proxy',
          service: 'envoy',
          startMs: 0,
          endMs: 15_000,
          attributes: { 'http.response.status_code': 504 },
        },
        { id: 'b', parent: 'a', name: 'egress', service: 'envoy', startMs: 1, endMs: 15_000 },
        { id: 'c', parent: 'b', name: 'frontend', service: 'frontend', startMs: 2, endMs: 14_950 },
        { id: 'd', parent: 'c', name: 'db', service: 'frontend', startMs: 3, endMs: 103 },
      ]),
    );
    expect(findings.map((f) => `${f.kind} ${'spanId' in f ? f.spanId : ''}`)).toEqual([
      `timeout ${sid('a')}`,
      `slow-span-behind-timeout ${sid('c')}`,
    ]);
    expect(findings[1]).toEqual({
      kind: 'slow-span-behind-timeout',
      traceId: TEST_TRACE_ID,
      spanId: sid('c'),
      service: 'frontend',
      name: 'frontend',
      durationMs: 14_948,
      timedOutSpanId: sid('a'),
    });
  });
});

describe('findTreeDefects', () => {
  it('reports an orphan with its missing parent, and whether the flags say that parent was remote', () => {
    const findings = findTreeDefects(
      of([
        { id: 'a', endMs: 10 },
        { id: 'b', parent: 'dead', name: 'remote child', startMs: 1, flags: 0x301 },
        { id: 'c', parent: 'beef', name: 'local child', startMs: 2, flags: 0x101 },
        { id: 'd', parent: 'f00d', name: 'no flags', startMs: 3 },
      ]),
    );
    expect(findings).toEqual([
      {
        kind: 'orphan-span',
        traceId: TEST_TRACE_ID,
        spanId: sid('b'),
        service: 'svc',
        name: 'remote child',
        parentSpanId: sid('dead'),
        remoteParent: true,
      },
      {
        kind: 'orphan-span',
        traceId: TEST_TRACE_ID,
        spanId: sid('c'),
        service: 'svc',
        name: 'local child',
        parentSpanId: sid('beef'),
        remoteParent: false,
      },
      {
        kind: 'orphan-span',
        traceId: TEST_TRACE_ID,
        spanId: sid('d'),
        service: 'svc',
        name: 'no flags',
        parentSpanId: sid('f00d'),
        remoteParent: false,
      },
    ]);
  });

  it('reports a parent cycle where it was cut, and a repeated span id once with its count', () => {
    const findings = findTreeDefects(
      of([
        { id: 'a', parent: 'b', startMs: 0 },
        { id: 'b', parent: 'a', startMs: 1 },
        { id: 'c', startMs: 2 },
        { id: 'c', startMs: 3 },
        { id: 'c', startMs: 4 },
      ]),
    );
    expect(findings).toEqual([
      { kind: 'parent-cycle', traceId: TEST_TRACE_ID, spanId: sid('a') },
      { kind: 'duplicate-span-id', traceId: TEST_TRACE_ID, spanId: sid('c'), count: 3 },
    ]);
  });

  it('finds nothing in a sound tree', () => {
    expect(
      findTreeDefects(
        of([
          { id: 'a', endMs: 5 },
          { id: 'b', parent: 'a' },
        ]),
      ),
    ).toEqual([]);
  });
});

describe('findBackendWarnings', () => {
  it('keeps trace and span warnings verbatim, and calls out truncation', () => {
    const findings = findBackendWarnings(
      of(
        [
          { id: 'a', endMs: 10, warnings: ['duplicate span IDs; please check your instrumentation'] },
          { id: 'b', parent: 'a', warnings: ['trace was truncated by the backend'] },
        ],
        ['trace has more than 10000 spans, showing first 10000', 'invalid parent span IDs=beef'],
      ),
    );
    expect(findings).toEqual([
      {
        kind: 'truncated-trace',
        traceId: TEST_TRACE_ID,
        message: 'trace has more than 10000 spans, showing first 10000',
      },
      {
        kind: 'backend-warning',
        traceId: TEST_TRACE_ID,
        spanId: undefined,
        message: 'invalid parent span IDs=beef',
      },
      {
        kind: 'backend-warning',
        traceId: TEST_TRACE_ID,
        spanId: sid('a'),
        message: 'duplicate span IDs; please check your instrumentation',
      },
      { kind: 'truncated-trace', traceId: TEST_TRACE_ID, message: 'trace was truncated by the backend' },
    ]);
  });
});

describe('TRACE_CHECKS', () => {
  it('runs every check, in report order', () => {
    expect(TRACE_CHECKS).toEqual([findErrorOrigins, findTimeouts, findTreeDefects, findBackendWarnings]);
  });
});
