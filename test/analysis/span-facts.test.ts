import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeSpanFacts, mayHaveFailures } from '../../src/analysis/span-facts.js';
import { buildTree } from '../../src/model/build-tree.js';
import { millisToNanos } from '../../src/model/units.js';
import { analyzeSpans } from '../helpers/analyze-doc.js';
import { loadFile } from '../helpers/load-file.js';
import { SEED_SCENARIOS, seedFile } from '../helpers/seed.js';

const CLIENT = 3;
const SERVER = 2;

describe('span verdicts', () => {
  it('finds the origin, the propagated failures above it, and the healthy sibling', () => {
    /*
     *  root ✗ ── orders ✗ ── GET ✗ (ECONNREFUSED, no failing child: origin)
     *        └── data
     */
    const { factsOf } = analyzeSpans([
      { id: 1, name: 'root', startMs: 0, endMs: 50, status: { code: 2 } },
      { id: 2, parent: 1, name: 'data', startMs: 0, endMs: 10 },
      { id: 3, parent: 1, name: 'orders', startMs: 10, endMs: 50, status: { code: 2 } },
      {
        id: 4,
        parent: 3,
        name: 'GET',
        kind: CLIENT,
        startMs: 11,
        endMs: 14,
        status: { code: 2, message: 'connect ECONNREFUSED 127.0.0.1:4001' },
        exception: { type: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:4001' },
      },
    ]);
    expect(factsOf(1).role).toBe('propagated');
    expect(factsOf(2)).toMatchObject({ failed: false, role: undefined });
    expect(factsOf(3).role).toBe('propagated');
    expect(factsOf(4)).toMatchObject({ role: 'origin', recoveredBy: undefined, timeout: undefined });
    expect(factsOf(4).exceptions).toEqual([
      { type: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:4001', stacktrace: '' },
    ]);
  });

  it('calls a failure under a succeeding caller recovered', () => {
    const { factsOf, analysis } = analyzeSpans([
      { id: 1, name: 'orders', startMs: 0, endMs: 50 },
      {
        id: 2,
        parent: 1,
        name: 'GET',
        kind: CLIENT,
        startMs: 1,
        endMs: 5,
        attributes: { 'http.response.status_code': 503 },
      },
      {
        id: 3,
        parent: 1,
        name: 'GET',
        kind: CLIENT,
        startMs: 6,
        endMs: 9,
        attributes: { 'http.response.status_code': 200 },
      },
    ]);
    expect(factsOf(2).error).toEqual({ source: 'http-status', code: 503 });
    expect(factsOf(2).recoveredBy?.span.name).toBe('orders');
    expect(factsOf(3).failed).toBe(false);
    expect(analysis.diagnosis).toEqual({ kind: 'ok', recoveredErrors: 1 });
    expect(analysis.findings.map((f) => f.kind)).toEqual(['recovered-error']);
  });

  it('does not call a failure recovered when the ancestor shows no success', () => {
    const { factsOf, analysis } = analyzeSpans([
      { id: 1, name: 'checkout', kind: CLIENT, startMs: 0, endMs: 50 },
      {
        id: 2,
        parent: 1,
        name: 'POST',
        kind: SERVER,
        startMs: 1,
        endMs: 40,
        attributes: { 'http.status_code': '502' },
      },
    ]);
    expect(factsOf(2).recoveredBy).toBeUndefined();
    expect(analysis.diagnosis.kind).toBe('failed');
  });

  it('calls a failure under an ancestor that answered 200 recovered', () => {
    const { factsOf } = analyzeSpans([
      {
        id: 1,
        name: 'GET /profile',
        kind: SERVER,
        startMs: 0,
        endMs: 50,
        attributes: { 'http.response.status_code': 200 },
      },
      { id: 2, parent: 1, name: 'cache lookup', startMs: 1, endMs: 4, status: { code: 2, message: 'miss' } },
    ]);
    expect(factsOf(2).recoveredBy?.span.name).toBe('GET /profile');
  });

  it.each([
    [{ 'http.response.status_code': 404 }, CLIENT, true],
    [{ 'http.response.status_code': 404 }, SERVER, false],
    [{ 'http.status_code': '500' }, SERVER, true],
    [{ error: 'true' }, 1, true],
    [{ 'rpc.system': 'grpc', 'rpc.grpc.status_code': 5 }, SERVER, false],
    [{ 'rpc.system': 'grpc', 'rpc.grpc.status_code': 5 }, CLIENT, true],
    [{ 'rpc.system': 'grpc', 'rpc.grpc.status_code': '14' }, SERVER, true],
  ])('%j on kind %i failed: %s', (attributes, kind, failed) => {
    const { factsOf } = analyzeSpans([{ id: 1, name: 'x', kind, startMs: 0, endMs: 3, attributes }]);
    expect(factsOf(1).failed).toBe(failed);
  });

  it('an explicit OK status wins over an HTTP 500 attribute', () => {
    const { factsOf } = analyzeSpans([
      {
        id: 1,
        name: 'x',
        startMs: 0,
        endMs: 3,
        status: { code: 1 },
        attributes: { 'http.status_code': 500 },
      },
    ]);
    expect(factsOf(1).failed).toBe(false);
  });
});

describe('timeouts', () => {
  it.each([
    [{ attributes: { 'http.status_code': 504 } }, 'http-status'],
    [{ attributes: { 'rpc.system': 'grpc', 'rpc.grpc.status_code': 4 } }, 'grpc-deadline-exceeded'],
    [{ attributes: { 'error.type': 'timeout' } }, 'error-type'],
    [{ attributes: { response_flags: 'UT' } }, 'proxy-flag'],
    [{ exception: { type: '23', message: 'The operation was aborted due to timeout' } }, 'exception'],
    [{ exception: { type: 'Error', message: 'context deadline exceeded' } }, 'exception'],
    [{ exception: { type: 'ETIMEDOUT', message: 'connect ETIMEDOUT' } }, 'exception'],
    [{ status: { code: 2, message: 'request timed out' } }, 'status-message'],
  ])('%j is a timeout (%s)', (extra, source) => {
    const { factsOf } = analyzeSpans([{ id: 1, name: 'x', startMs: 0, endMs: 30, ...extra }]);
    expect(factsOf(1).timeout?.source).toBe(source);
    expect(factsOf(1).failed).toBe(true);
  });

  it('a failure just past a round limit is a timeout, its caller is not', () => {
    const { factsOf } = analyzeSpans([
      { id: 1, name: 'caller', startMs: 0, endMs: 5080, status: { code: 2 } },
      { id: 2, parent: 1, name: 'call', startMs: 30, endMs: 5035, status: { code: 2 } },
    ]);
    expect(factsOf(2).timeout).toEqual({ source: 'round-limit', limitMs: 5000 });
    expect(factsOf(1).timeout).toBeUndefined();
    expect(factsOf(1).role).toBe('propagated');
  });

  it('healthy work that takes 1.0 s is not a timeout; a failure at 4.2 s is not either', () => {
    const { factsOf } = analyzeSpans([
      { id: 1, name: 'root', startMs: 0, endMs: 6000 },
      { id: 2, parent: 1, name: 'slow but fine', startMs: 0, endMs: 1001 },
      { id: 3, parent: 1, name: 'failed', startMs: 1100, endMs: 5300, status: { code: 2 } },
    ]);
    expect(factsOf(2).timeout).toBeUndefined();
    expect(factsOf(3).timeout).toBeUndefined();
  });

  it('--timeout marks the span that ran into the limit, even with no error status', () => {
    const { factsOf } = analyzeSpans(
      [
        { id: 1, name: 'root', startMs: 0, endMs: 2600 },
        { id: 2, parent: 1, name: 'call', startMs: 10, endMs: 2510 },
      ],
      { limits: [millisToNanos(2500)] },
    );
    expect(factsOf(2).timeout).toEqual({ source: 'limit', limitMs: 2500 });
    expect(factsOf(1).timeout).toBeUndefined();
  });

  it('points at the slow span behind a masked timeout (a proxy 504 while the work ran on)', () => {
    /*
     *  |--proxy POST 15.0s (504)-----|
     *   |--egress 15.0s (canceled)---|
     *    |--frontend POST 15.0s------|   unset status: the real culprit
     */
    const { factsOf, analysis } = analyzeSpans([
      { id: 1, name: 'checkout', service: 'load-generator', kind: CLIENT, startMs: 0, endMs: 15080 },
      {
        id: 2,
        parent: 1,
        name: 'POST',
        service: 'frontend-proxy',
        kind: SERVER,
        startMs: 10,
        endMs: 15011,
        status: { code: 2 },
        attributes: { 'http.status_code': '504', response_flags: 'UT' },
      },
      {
        id: 3,
        parent: 2,
        name: 'egress',
        service: 'frontend-proxy',
        kind: CLIENT,
        startMs: 10,
        endMs: 15010,
        attributes: { canceled: 'true' },
      },
      { id: 4, parent: 3, name: 'POST', service: 'frontend', kind: SERVER, startMs: 10, endMs: 15010 },
    ]);
    expect(factsOf(2).timeout).toEqual({ source: 'http-status', code: 504 });
    expect(factsOf(4).slowBehind?.span.name).toBe('POST');
    expect(factsOf(4).slowBehind?.span.service).toBe('frontend-proxy');
    expect(analysis.diagnosis).toMatchObject({ kind: 'timed-out', from: 'load-generator', to: 'frontend' });
  });
});

describe('mayHaveFailures', () => {
  const FIXTURES = [
    ...SEED_SCENARIOS.map((name) => seedFile(name)),
    ...readdirSync('fixtures/propagation')
      .filter((f) => f.endsWith('.otlp.json'))
      .map((f) => `fixtures/propagation/${f}`),
  ];

  it.each(FIXTURES)('says a trace can fail exactly when one of its spans fails: %s', async (file) => {
    const { traces } = await loadFile(new URL(`../../${file}`, import.meta.url));
    for (const limits of [[], [millisToNanos(100)]]) {
      for (const trace of traces) {
        const facts = computeSpanFacts(buildTree(trace), { limits });
        const anyFailed = facts.some((f) => f.failed);
        // No false "cannot fail": a failing span is never skipped. Without limits, no false "can" either.
        if (anyFailed) expect(mayHaveFailures(trace.spans, { limits })).toBe(true);
        if (limits.length === 0) expect(mayHaveFailures(trace.spans, { limits })).toBe(anyFailed);
      }
    }
  });

  it('counts a timeout stated only in the status message, with no error status', () => {
    const { trace, factsOf } = analyzeSpans([
      { id: 1, name: 'call', startMs: 0, endMs: 10, status: { code: 0, message: 'deadline exceeded' } },
    ]);
    expect(factsOf(1).failed).toBe(true);
    expect(mayHaveFailures(trace.spans, { limits: [] })).toBe(true);
  });

  it('says a healthy trace cannot fail, unless a limit is given', () => {
    const { trace } = analyzeSpans([{ id: 1, name: 'ok', startMs: 0, endMs: 10 }]);
    expect(mayHaveFailures(trace.spans, { limits: [] })).toBe(false);
    expect(mayHaveFailures(trace.spans, { limits: [millisToNanos(10)] })).toBe(true);
  });
});
