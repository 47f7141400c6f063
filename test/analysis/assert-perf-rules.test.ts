import { describe, expect, it } from 'vitest';
import { analyzeFailures } from '../../src/analysis/analyze-trace.js';
import { type AnalysedTrace, evaluateRules, type Rule } from '../../src/analysis/assert-rules.js';
import { DEFAULT_PERF_THRESHOLDS, withThresholds } from '../../src/analysis/perf/thresholds.js';
import type { PropagationReport } from '../../src/analysis/propagation/check-propagation.js';
import { frozen, makeTrace, type SpanSpec, sid, tid } from '../helpers/make-span.js';

/**
 * The performance rules of `assert`: `no-n-plus-one`, `max-calls` and `max-sequential`, with calls
 * as `otrace perf` reads them (database, CLIENT and PRODUCER spans).
 */
const analysed = (specs: SpanSpec[]): AnalysedTrace =>
  analyzeFailures(frozen(makeTrace(specs)), { limits: [] });
const NO_PROPAGATION: PropagationReport = { traces: 0, spans: 0, findings: [], edges: [] };
/** A rule without its name, and with no selector unless given. */
type RuleSpec<R = Rule> = R extends Rule ? Omit<R, 'name' | 'select'> & { select?: Rule['select'] } : never;
const evaluate = (rule: RuleSpec, traces: AnalysedTrace[]) =>
  evaluateRules([{ name: 'rule', select: {}, ...rule } as Rule], traces, NO_PROPAGATION)[0]!;

const query = (trace: string, id: string, parent: string, startMs: number, statement: string): SpanSpec => ({
  trace,
  id,
  parent,
  name: 'SELECT',
  service: 'user-service',
  kind: 'client',
  startMs,
  endMs: startMs + 11,
  attributes: { 'db.system': 'postgresql', 'db.statement': statement },
});

/*
 *  trace a1 (loop):    GET /users/{id} ── SELECT … WHERE id = ? ×6, 11 ms each, one after another
 *  trace b2 (healthy): GET /cart ── GET stock, GET price, at once
 *  trace c3 (nested):  GET /orders (web) ── GET (web, client) ── GET /orders/{id} (orders)
 *                                                               ── SELECT a, SELECT b, SELECT c in turn
 */
const loopSpecs: SpanSpec[] = [
  { trace: 'a1', id: '1', name: 'GET /users/{id}', service: 'user-service', kind: 'server', endMs: 200 },
];
for (let i = 0; i < 6; i++)
  loopSpecs.push(
    query('a1', (0x10 + i).toString(16), '1', 10 + i * 12, `SELECT * FROM orders WHERE id = ${i}`),
  );
const LOOP = analysed(loopSpecs);

const client = (trace: string, id: string, parent: string, url: string, startMs: number): SpanSpec => ({
  trace,
  id,
  parent,
  name: 'GET',
  service: 'cart',
  kind: 'client',
  startMs,
  endMs: startMs + 20,
  attributes: { 'http.request.method': 'GET', 'url.full': url },
});
const HEALTHY = analysed([
  { trace: 'b2', id: '1', name: 'GET /cart', service: 'cart', kind: 'server', endMs: 50 },
  client('b2', '2', '1', 'http://stock/items/7', 5),
  client('b2', '3', '1', 'http://price/items/7', 6),
]);

const NESTED = analysed([
  { trace: 'c3', id: '1', name: 'GET /orders', service: 'web', kind: 'server', endMs: 100 },
  { ...client('c3', '2', '1', 'http://orders/orders/7', 2), service: 'web', endMs: 90 },
  {
    trace: 'c3',
    id: '3',
    parent: '2',
    name: 'GET /orders/{id}',
    service: 'orders',
    kind: 'server',
    startMs: 3,
    endMs: 89,
  },
  { ...query('c3', '4', '3', 10, 'SELECT * FROM a WHERE id = $1'), service: 'orders' },
  { ...query('c3', '5', '3', 21, 'SELECT * FROM b WHERE id = $1'), service: 'orders' },
  { ...query('c3', '6', '3', 32, 'SELECT * FROM c WHERE id = $1'), service: 'orders' },
]);

describe('no-n-plus-one', () => {
  it('fails on a loop, naming the span that made the calls, the count, the saving and the statement', () => {
    const r = evaluate({ type: 'no-n-plus-one' }, [LOOP, HEALTHY]);
    expect(r.passed).toBe(false);
    expect(r.matched).toBe(10);
    expect(r.measured).toEqual({ count: 1 });
    expect(r.evidence).toEqual([
      {
        traceId: tid('a1'),
        spanId: sid('1'),
        detail:
          'user-service › GET /users/{id}: 6 calls one by one, 55.0 ms to save by batching: SELECT * FROM orders WHERE id = ?',
      },
    ]);
  });

  it('passes where no span makes a loop, or where the selector leaves the loop out', () => {
    expect(evaluate({ type: 'no-n-plus-one' }, [HEALTHY, NESTED])).toMatchObject({
      passed: true,
      matched: 9,
    });
    expect(evaluate({ type: 'no-n-plus-one', select: { service: 'cart' } }, [LOOP, HEALTHY])).toMatchObject({
      passed: true,
      matched: 3,
      measured: { count: 0 },
    });
    // The selector names the parent that made the calls, not the calls.
    expect(
      evaluate({ type: 'no-n-plus-one', select: { operation: 'GET /users/*' } }, [LOOP, HEALTHY]),
    ).toMatchObject({ passed: false, matched: 1 });
    expect(evaluate({ type: 'no-n-plus-one', select: { operation: 'SELECT' } }, [LOOP]).passed).toBe(true);
  });

  it("follows the detectors' thresholds, as `otrace perf` does", () => {
    const rule: Rule = { name: 'loops', select: {}, type: 'no-n-plus-one' };
    const [strict] = evaluateRules([rule], [LOOP], NO_PROPAGATION, DEFAULT_PERF_THRESHOLDS);
    expect(strict!.passed).toBe(false);
    const lenient = withThresholds({ nPlusOne: { minCalls: 10 } });
    const [relaxed] = evaluateRules([rule], [LOOP], NO_PROPAGATION, lenient);
    expect(relaxed!.passed).toBe(true);
  });
});

describe('max-calls', () => {
  it('per trace: counts every call of each trace; the busiest over the limit is the evidence', () => {
    const r = evaluate({ type: 'max-calls', max: 3 }, [HEALTHY, LOOP, NESTED]);
    expect(r.passed).toBe(false);
    expect(r.matched).toBe(3);
    expect(r.measured).toEqual({ most: 6, per: 'trace' });
    expect(r.evidence).toEqual([
      {
        traceId: tid('a1'),
        spanId: undefined,
        detail: '6 calls (the commonest: SELECT * FROM orders WHERE id = ? ×6)',
      },
      { traceId: tid('c3'), spanId: undefined, detail: '4 calls' },
    ]);
    expect(evaluate({ type: 'max-calls', max: 6 }, [HEALTHY, LOOP, NESTED]).passed).toBe(true);
  });

  it('per operation: counts the calls below each selected span, in every service under it', () => {
    // GET /orders makes one call, whose server makes three queries: 4 below it, 3 below the server.
    const servers = evaluate({ type: 'max-calls', max: 3, select: { kind: 'server' } }, [NESTED]);
    expect(servers).toMatchObject({ passed: false, matched: 2, measured: { most: 4, per: 'span' } });
    expect(servers.evidence).toEqual([
      { traceId: tid('c3'), spanId: sid('1'), detail: 'web › GET /orders: 4 calls below it' },
    ]);
    const inner = evaluate({ type: 'max-calls', max: 3, select: { operation: 'GET /orders/{id}' } }, [
      NESTED,
    ]);
    expect(inner).toMatchObject({ passed: true, matched: 1, measured: { most: 3 } });
    const loop = evaluate({ type: 'max-calls', max: 5, select: { operation: 'GET /users/{id}' } }, [LOOP]);
    expect(loop.evidence.map((e) => e.detail)).toEqual([
      'user-service › GET /users/{id}: 6 calls below it (the commonest: SELECT * FROM orders WHERE id = ? ×6)',
    ]);
  });

  it('matches nothing when the selector names no span (assert then fails the rule)', () => {
    const r = evaluate({ type: 'max-calls', max: 3, select: { operation: 'GET /nowhere' } }, [LOOP]);
    expect(r).toMatchObject({ passed: true, matched: 0, evidence: [] });
  });
});

describe('max-sequential', () => {
  it('measures the longest run of calls one after another under one span, whatever their shapes', () => {
    const r = evaluate({ type: 'max-sequential', max: 2 }, [HEALTHY, LOOP, NESTED]);
    expect(r.passed).toBe(false);
    expect(r.measured).toEqual({ longest: 6 });
    expect(r.evidence).toEqual([
      {
        traceId: tid('a1'),
        spanId: sid('1'),
        detail:
          'user-service › GET /users/{id}: 6 calls one after another: SELECT * FROM orders WHERE id = ?',
      },
      {
        traceId: tid('c3'),
        spanId: sid('3'),
        detail:
          'orders › GET /orders/{id}: 3 calls one after another: SELECT * FROM a WHERE id = $? → SELECT * FROM b WHERE id = $? → SELECT * FROM c WHERE id = $?',
      },
    ]);
    expect(evaluate({ type: 'max-sequential', max: 6 }, [HEALTHY, LOOP, NESTED]).passed).toBe(true);
  });

  it('calls at once are no run; the selector picks the parents', () => {
    expect(evaluate({ type: 'max-sequential', max: 1 }, [HEALTHY])).toMatchObject({
      passed: true,
      measured: { longest: 1 },
    });
    expect(evaluate({ type: 'max-sequential', max: 1, select: { service: 'web' } }, [NESTED])).toMatchObject({
      passed: true,
      matched: 2,
      measured: { longest: 1 },
    });
    expect(
      evaluate({ type: 'max-sequential', max: 1, select: { service: 'orders' } }, [NESTED]),
    ).toMatchObject({ passed: false, measured: { longest: 3 } });
  });
});
