import { describe, expect, it } from 'vitest';
import { analyzeFailures } from '../../src/analysis/analyze-trace.js';
import {
  type AnalysedTrace,
  evaluateRules,
  globToRegExp,
  type Rule,
} from '../../src/analysis/assert-rules.js';
import type { PropagationReport } from '../../src/analysis/propagation/check-propagation.js';
import { frozen, makeTrace, ms, type SpanSpec, sid, tid } from '../helpers/make-span.js';

const analysed = (specs: SpanSpec[]): AnalysedTrace =>
  analyzeFailures(frozen(makeTrace(specs)), { limits: [] });
const NO_PROPAGATION: PropagationReport = { traces: 0, spans: 0, findings: [], edges: [] };
const evaluate = (rule: Rule, traces: AnalysedTrace[], propagation = NO_PROPAGATION) =>
  evaluateRules([rule], traces, propagation)[0]!;

/*
 *  trace 1 (shop):  POST /checkout ✗ ── charge ✗ 502 (client: origin)
 *  trace 2 (shop):  POST /checkout    ── charge ✗ 503, then charge 200 (retried: recovered)
 *  trace 3 (shop):  GET /cart (healthy), a payment span
 */
const failing = analysed([
  {
    id: 'a',
    trace: '1',
    name: 'POST /checkout',
    service: 'shop',
    kind: 'server',
    endMs: 50,
    status: { code: 'error', message: '' },
  },
  {
    id: 'b',
    trace: '1',
    parent: 'a',
    name: 'charge',
    service: 'shop',
    kind: 'client',
    startMs: 1,
    endMs: 40,
    attributes: { 'http.response.status_code': 502 },
  },
]);
const recovered = analysed([
  { id: 'a', trace: '2', name: 'POST /checkout', service: 'shop', kind: 'server', endMs: 50 },
  {
    id: 'b',
    trace: '2',
    parent: 'a',
    name: 'charge',
    service: 'shop',
    kind: 'client',
    startMs: 1,
    endMs: 10,
    attributes: { 'http.response.status_code': 503 },
  },
  {
    id: 'c',
    trace: '2',
    parent: 'a',
    name: 'charge',
    service: 'shop',
    kind: 'client',
    startMs: 11,
    endMs: 20,
    attributes: { 'http.response.status_code': 200 },
  },
]);
const healthy = analysed([
  {
    id: 'a',
    trace: '3',
    name: 'GET /cart',
    service: 'shop',
    kind: 'server',
    endMs: 5,
    attributes: { 'http.route': '/cart' },
  },
  {
    id: 'b',
    trace: '3',
    parent: 'a',
    name: 'authorize',
    service: 'payment',
    kind: 'server',
    startMs: 1,
    endMs: 2,
  },
]);

describe('no-error-origins', () => {
  it('fails on an unrecovered origin among the selected spans, with the span as evidence', () => {
    const result = evaluate(
      { name: 'shop is clean', type: 'no-error-origins', select: { service: 'shop' } },
      [failing, recovered, healthy],
    );
    expect(result).toMatchObject({ passed: false, matched: 6, measured: { count: 1 } });
    expect(result.evidence).toEqual([
      { traceId: tid('1'), spanId: sid('b'), detail: 'shop › charge: error origin' },
    ]);
  });

  it('passes where the only failure was recovered, and counts the spans it looked at', () => {
    const result = evaluate({ name: 'r', type: 'no-error-origins', select: { service: 'shop' } }, [
      recovered,
      healthy,
    ]);
    expect(result).toMatchObject({ passed: true, matched: 4, measured: { count: 0 }, evidence: [] });
  });

  it('looks only at the spans the selector picks', () => {
    const result = evaluate({ name: 'r', type: 'no-error-origins', select: { service: 'payment' } }, [
      failing,
      healthy,
    ]);
    expect(result).toMatchObject({ passed: true, matched: 1 });
  });
});

describe('no-timeouts', () => {
  it('fails on a span that timed out', () => {
    const trace = analysed([
      {
        id: 'a',
        name: 'GET /slow',
        kind: 'server',
        endMs: 5000,
        attributes: { 'http.response.status_code': 504 },
      },
    ]);
    const result = evaluate({ name: 'r', type: 'no-timeouts', select: {} }, [trace, healthy]);
    expect(result).toMatchObject({ passed: false, matched: 3, measured: { count: 1 } });
    expect(result.evidence).toEqual([
      { traceId: trace.tree.traceId, spanId: sid('a'), detail: 'svc › GET /slow: timed out' },
    ]);
  });
});

describe('duration', () => {
  // Four spans of 10, 20, 30 and 40 ms across two traces, and one of another name.
  const traces = [
    analysed([
      { id: 'a', trace: 'a1', name: 'GET /orders', startMs: 0, endMs: 30 },
      { id: 'b', trace: 'a1', parent: 'a', name: 'GET /orders', startMs: 0, endMs: 10 },
      { id: 'c', trace: 'a1', parent: 'a', name: 'other', startMs: 0, endMs: 1000 },
    ]),
    analysed([
      { id: 'a', trace: 'a2', name: 'GET /orders', startMs: 0, endMs: 40 },
      { id: 'b', trace: 'a2', parent: 'a', name: 'GET /orders', startMs: 0, endMs: 20 },
    ]),
  ];
  const rule = (limits: { p50?: number; p95?: number; max?: number }): Rule => ({
    name: 'orders are fast',
    type: 'duration',
    select: { operation: 'GET /orders' },
    p50: limits.p50 === undefined ? undefined : ms(limits.p50),
    p95: limits.p95 === undefined ? undefined : ms(limits.p95),
    max: limits.max === undefined ? undefined : ms(limits.max),
  });

  it('measures p50, p95 (nearest rank) and max in nanoseconds', () => {
    const result = evaluate(rule({ p50: 25 }), traces);
    expect(result).toMatchObject({ passed: true, matched: 4, evidence: [] });
    // Sorted 10, 20, 30, 40: p50 is rank 2, p95 rank 4.
    expect(result.measured).toEqual({ p50: 20_000_000, p95: 40_000_000, max: 40_000_000 });
  });

  it('fails when a percentile is over its limit, with the spans over it, slowest first', () => {
    const result = evaluate(rule({ p50: 15 }), traces);
    expect(result.passed).toBe(false);
    expect(result.evidence.map((e) => e.detail)).toEqual([
      'svc › GET /orders: 40.0 ms',
      'svc › GET /orders: 30.0 ms',
      'svc › GET /orders: 20.0 ms',
    ]);
    expect(result.evidence[0]).toMatchObject({ traceId: tid('a2'), spanId: sid('a') });
  });

  it('passes at the limit itself, and fails just over it', () => {
    expect(evaluate(rule({ max: 40 }), traces).passed).toBe(true);
    expect(evaluate(rule({ p95: 40 }), traces).passed).toBe(true);
    const over = evaluate(rule({ max: 39.999999 }), traces);
    expect(over.passed).toBe(false);
    expect(over.evidence.map((e) => e.detail)).toEqual(['svc › GET /orders: 40.0 ms']);
  });

  it('gives as evidence the spans over the limit that failed, not over another one that held', () => {
    // p95 (40 ms) is over 30 ms; max (40 ms) is under 100 ms.
    const result = evaluate(rule({ p95: 30, max: 100 }), traces);
    expect(result.passed).toBe(false);
    expect(result.evidence.map((e) => e.detail)).toEqual(['svc › GET /orders: 40.0 ms']);
  });

  it('measures zeros and passes when nothing is selected', () => {
    const result = evaluate({ ...rule({ max: 1 }), select: { operation: 'nothing' } }, traces);
    expect(result).toMatchObject({ passed: true, matched: 0, measured: { p50: 0, p95: 0, max: 0 } });
  });
});

describe('span-count', () => {
  it('fails each trace over the limit, by trace, and measures the largest', () => {
    const result = evaluate({ name: 'r', type: 'span-count', select: {}, max: 2 }, [recovered, healthy]);
    expect(result).toEqual({
      rule: expect.objectContaining({ type: 'span-count' }),
      passed: false,
      measured: { largest: 3 },
      evidence: [{ traceId: tid('2'), spanId: undefined, detail: '3 spans' }],
      matched: 2,
    });
    expect(evaluate({ name: 'r', type: 'span-count', select: {}, max: 3 }, [recovered, healthy]).passed).toBe(
      true,
    );
  });
});

describe('required-attributes', () => {
  it('fails each selected span missing an attribute, naming what is missing', () => {
    const result = evaluate(
      {
        name: 'r',
        type: 'required-attributes',
        select: { kind: 'server' },
        attributes: ['http.route', 'deployment'],
      },
      [healthy],
    );
    expect(result).toMatchObject({ passed: false, matched: 2, measured: { count: 2 } });
    expect(result.evidence.map((e) => e.detail)).toEqual([
      'shop › GET /cart: missing deployment',
      'payment › authorize: missing http.route, deployment',
    ]);
  });
});

describe('propagation', () => {
  const report: PropagationReport = {
    traces: 3,
    spans: 9,
    edges: [
      {
        caller: 'user-service',
        callee: 'order-service',
        calls: 5,
        continued: 3,
        linked: 1,
        splitTrace: 1,
        unanswered: 0,
      },
      { caller: 'shop', callee: 'payment', calls: 2, continued: 1, linked: 0, splitTrace: 0, unanswered: 1 },
    ],
    findings: [
      {
        kind: 'split-trace',
        traceId: tid('1'),
        spanId: sid('c'),
        service: 'user-service',
        operation: 'GET',
        peer: 'order-service:8080',
        peerService: 'order-service',
        relatedTraceId: tid('2'),
        relatedSpanId: sid('d'),
        relatedOperation: 'GET /orders',
        cause: 'callee-did-not-extract',
      },
      {
        kind: 'unanswered-client',
        traceId: tid('3'),
        spanId: sid('e'),
        service: 'shop',
        operation: 'POST',
        peer: 'payment',
        peerService: 'payment',
      },
    ],
  };

  it("fails on the pair's broken calls, and counts linked calls as continued", () => {
    const result = evaluate(
      { name: 'r', type: 'propagation', select: {}, from: 'user-service', to: 'order-service' },
      [],
      report,
    );
    expect(result).toMatchObject({
      passed: false,
      matched: 5,
      measured: { calls: 5, continued: 4 },
      evidence: [{ traceId: tid('1'), spanId: sid('c'), detail: 'split-trace' }],
    });
    const other = evaluate(
      { name: 'r', type: 'propagation', select: {}, from: 'shop', to: 'payment' },
      [],
      report,
    );
    expect(other.evidence).toEqual([{ traceId: tid('3'), spanId: sid('e'), detail: 'unanswered-client' }]);
  });

  it('matches nothing where the pair never called', () => {
    expect(
      evaluate(
        { name: 'r', type: 'propagation', select: {}, from: 'order-service', to: 'user-service' },
        [],
        report,
      ),
    ).toMatchObject({ passed: true, matched: 0, measured: { calls: 0, continued: 0 } });
  });
});

describe('no-orphans', () => {
  it('fails on a span whose parent is missing', () => {
    const trace = analysed([
      { id: 'a', name: 'root', endMs: 10 },
      { id: 'b', name: 'lost', parent: 'dead', startMs: 1 },
    ]);
    const result = evaluate({ name: 'r', type: 'no-orphans', select: {} }, [trace]);
    expect(result).toMatchObject({ passed: false, matched: 2, measured: { count: 1 } });
    expect(result.evidence).toEqual([
      { traceId: trace.tree.traceId, spanId: sid('b'), detail: `svc › lost: parent ${sid('dead')} missing` },
    ]);
  });
});

describe('selectors', () => {
  const trace = analysed([
    {
      id: 'a',
      name: 'GET /orders/{id}',
      kind: 'server',
      service: 'orders',
      resource: { 'deployment.environment': 'prod' },
      attributes: { 'http.response.status_code': 200 },
    },
    {
      id: 'b',
      parent: 'a',
      name: 'GET /orders',
      kind: 'client',
      service: 'orders',
      startMs: 0.5,
      attributes: { 'http.response.status_code': 200 },
    },
    {
      id: 'c',
      name: 'GET /users',
      kind: 'server',
      service: 'users',
      startMs: 2,
      resource: { 'deployment.environment': 'dev' },
    },
  ]);
  const matched = (select: Rule['select']) =>
    evaluate({ name: 'r', type: 'no-error-origins', select }, [trace]).matched;

  it('matches the operation as a glob, and every field given', () => {
    expect(matched({ operation: 'GET /orders*' })).toBe(2);
    expect(matched({ operation: 'GET /orders*', kind: 'server' })).toBe(1);
    expect(matched({ operation: 'GET /*', service: 'users' })).toBe(1);
    expect(matched({})).toBe(3);
  });

  it('compares attribute values as text, in span attributes then resource attributes', () => {
    expect(matched({ attributes: { 'http.response.status_code': '200' } })).toBe(2);
    expect(
      matched({ attributes: { 'http.response.status_code': 200, 'deployment.environment': 'prod' } }),
    ).toBe(1);
    expect(matched({ attributes: { 'deployment.environment': 'dev' } })).toBe(1);
    expect(matched({ attributes: { missing: 'x' } })).toBe(0);
  });
});

describe('evaluateRules', () => {
  it('gives one result per rule, in order, and keeps at most five pieces of evidence', () => {
    const many = analysed(
      Array.from({ length: 7 }, (_, i) => ({
        id: (i + 1).toString(16),
        name: `s${i}`,
        startMs: i,
        endMs: i + 1,
      })),
    );
    const results = evaluateRules(
      [
        { name: 'first', type: 'required-attributes', select: {}, attributes: ['x'] },
        { name: 'second', type: 'span-count', select: {}, max: 100 },
      ],
      [many],
      NO_PROPAGATION,
    );
    expect(results.map((r) => r.rule.name)).toEqual(['first', 'second']);
    expect(results[0]).toMatchObject({ passed: false, matched: 7, measured: { count: 7 } });
    expect(results[0]!.evidence).toHaveLength(5);
    expect(results[1]).toMatchObject({ passed: true, matched: 1, evidence: [] });
  });
});

describe('globToRegExp', () => {
  it('makes * any run of characters and ? one character, anchored', () => {
    expect(globToRegExp('GET /orders*').test('GET /orders/42')).toBe(true);
    expect(globToRegExp('GET /orders*').test('POST GET /orders')).toBe(false);
    expect(globToRegExp('GET /orders?').test('GET /orders1')).toBe(true);
    expect(globToRegExp('GET /orders?').test('GET /orders12')).toBe(false);
  });

  it('takes every other character literally', () => {
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('a.b').test('a.b')).toBe(true);
    expect(globToRegExp('GET /users/{id} (v2)+[x]|^$\\').test('GET /users/{id} (v2)+[x]|^$\\')).toBe(true);
  });

  it('lets * run across lines', () => {
    expect(globToRegExp('SELECT*').test('SELECT *\nFROM orders')).toBe(true);
  });
});
