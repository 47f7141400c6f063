import { describe, expect, it } from 'vitest';
import { tracePerf } from '../../../src/analysis/perf/detect-perf.js';
import { PerfAccumulator, type PerfReport } from '../../../src/analysis/perf/perf-report.js';
import { DEFAULT_PERF_THRESHOLDS, withThresholds } from '../../../src/analysis/perf/thresholds.js';
import { buildTree } from '../../../src/model/build-tree.js';
import { makeTrace, type SpanSpec, sid, tid } from '../../helpers/make-span.js';
import { hexId, query, server } from './call-specs.js';

/** The report over traces given as span lists, each trace its own id (`t1`, `t2`, …). */
function reportOf(traces: readonly SpanSpec[][], thresholds = DEFAULT_PERF_THRESHOLDS): PerfReport {
  const perf = new PerfAccumulator(thresholds);
  for (const [i, specs] of traces.entries()) {
    const trace = makeTrace(specs.map((s) => ({ ...s, trace: `e${i + 1}` })));
    perf.addTrace(trace.traceId, tracePerf(buildTree(trace), thresholds));
  }
  return perf.report();
}

/** A request to `GET /orders` lasting `ms`, its handler loading `items` order items one query at a time. */
function ordersPage(ms: number, items: number, itemMs = 10): SpanSpec[] {
  const loop = Array.from({ length: items }, (_, i) => {
    const start = 1 + i * (itemMs + 0.2);
    return query(
      hexId(i),
      'a',
      start,
      start + itemMs,
      `SELECT sku FROM order_items WHERE order_id = ${500 + i}`,
    );
  });
  return [server('a', undefined, 0, ms, '/orders'), ...loop];
}

describe('PerfAccumulator: findings across traces', () => {
  //   trace 1  GET /orders  5 item queries of 10 ms one after another   saves 40 ms
  //   trace 2  GET /orders  10 of 10 ms                                  saves 90 ms
  //   trace 3  GET /orders  3 of 10 ms: no finding
  const report = reportOf([ordersPage(100, 5), ordersPage(200, 10), ordersPage(100, 3)]);

  it('groups findings of one kind, operation and shape, with the traces they are in', () => {
    expect(report.traces).toBe(3);
    const loops = report.groups.filter((g) => g.kind === 'n-plus-one');
    expect(loops).toHaveLength(1);
    expect(loops[0]).toMatchObject({
      service: 'frontend',
      name: 'GET /orders',
      shape: 'SELECT sku FROM order_items WHERE order_id = ?',
      family: 'db',
      count: 2,
      traces: 2,
      calls: 15,
      detail: { minCalls: 5, maxCalls: 10 },
    });
    expect(loops[0]!.traceShare).toBeCloseTo(2 / 3, 10);
    expect(loops[0]!.savedMs).toBeCloseTo(40 + 90, 6);
  });

  it('names the finding that would save most, to show', () => {
    const [loop] = report.groups.filter((g) => g.kind === 'n-plus-one');
    expect(loop!.worst).toMatchObject({ traceId: tid('e2'), spanId: sid('a'), count: 10 });
    expect(loop!.worst.savedMs).toBeCloseTo(90, 6);
  });

  it('counts each finding of a trace, and the trace once', () => {
    // Two handlers named alike in one trace, each with its loop.
    const twoLoops = [
      ...ordersPage(100, 5),
      ...ordersPage(100, 6).map((s) => ({
        ...s,
        id: `b${s.id}`,
        parent: s.parent === undefined ? undefined : `b${s.parent}`,
        startMs: s.startMs! + 200,
        endMs: s.endMs! + 200,
      })),
    ];
    const [loop] = reportOf([twoLoops]).groups;
    expect(loop).toMatchObject({ kind: 'n-plus-one', count: 2, traces: 1, traceShare: 1, calls: 11 });
  });

  it('puts the groups that would save most first', () => {
    const saved = reportOf([
      ordersPage(100, 5),
      [...ordersPage(100, 20).map((s) => ({ ...s, name: s.name === 'GET /orders' ? 'GET /cart' : s.name }))],
    ]).groups.map((g) => [g.name, g.savedMs]);
    expect(saved.map(([name]) => name)).toEqual(['GET /cart', 'GET /orders']);
  });
});

describe('PerfAccumulator: where the time goes', () => {
  /**
   *   GET /api  |---------------- ms ----------------|
   *               |-- GET /api › load: 40% --|          the rest is the root's own time
   */
  const request = (ms: number): SpanSpec[] => [
    server('a', undefined, 0, ms, '/api'),
    { id: 'b', parent: 'a', name: 'load', service: 'frontend', startMs: 0.1 * ms, endMs: 0.5 * ms },
  ];

  it("gives each root's p50 and p95 over its traces, and its operations' shares", () => {
    // 20 requests of 100, 200, … 2,000 ms.
    const report = reportOf(Array.from({ length: 20 }, (_, i) => request(100 * (i + 1))));
    expect(report.breakdown).toHaveLength(1);
    const [root] = report.breakdown;
    expect(root).toMatchObject({ service: 'frontend', name: 'GET /api', traces: 20 });
    // Nearest rank: the 10th and the 19th of 20.
    expect(root!.p50Ms).toBeCloseTo(1_000, 6);
    expect(root!.p95Ms).toBeCloseTo(1_900, 6);
    expect(root!.totalMs).toBeCloseTo(21_000, 6);
    expect(root!.parts.map((p) => [p.name, p.traces])).toEqual([
      ['GET /api', 20],
      ['load', 20],
    ]);
    expect(root!.parts[0]!.share).toBeCloseTo(0.6, 6);
    expect(root!.parts[1]!.share).toBeCloseTo(0.4, 6);
    expect(root!.parts[1]!.p95Ms).toBeCloseTo(0.4 * 1_900, 6);
  });

  it('keeps the shares of a root at 1 or less, over many operations and roots', () => {
    const wide = (ms: number): SpanSpec[] => [
      server('a', undefined, 0, ms, '/wide'),
      ...Array.from({ length: 15 }, (_, i) => ({
        ...{ id: hexId(i), parent: 'a', name: `step ${i}`, service: 'frontend' },
        // A little apart: of two calls back to back, the critical path gives the first to the parent.
        ...{ startMs: i * (ms / 16) + ms / 64, endMs: (i + 1) * (ms / 16) },
      })),
    ];
    const report = reportOf([...[100, 300, 250].map(wide), request(80), request(120)]);
    expect(report.breakdown.map((r) => [r.name, r.traces])).toEqual([
      ['GET /wide', 3],
      ['GET /api', 2],
    ]);
    for (const root of report.breakdown) {
      const shares = root.parts.reduce((sum, p) => sum + p.share, 0);
      expect(shares).toBeLessThanOrEqual(1 + 1e-9);
      expect(shares).toBeGreaterThan(0.5);
    }
    // The 12 largest parts of 16 operations.
    expect(report.breakdown[0]!.parts).toHaveLength(12);
  });
});

describe('PerfAccumulator: slow calls', () => {
  /** A request whose one query takes `ms`. */
  const oneQuery = (ms: number): SpanSpec[] => [
    server('a', undefined, 0, ms + 2, '/orders'),
    query('b', 'a', 1, 1 + ms, 'SELECT * FROM orders WHERE id = 42'),
  ];
  // 30 queries of about 10 ms, two of 500 and 520 ms.
  const usual = Array.from({ length: 30 }, (_, i) => oneQuery(9 + (i % 3)));

  it('flags the calls far slower than their shape usually is, and only those', () => {
    const report = reportOf([...usual, oneQuery(500), oneQuery(520)]);
    const slow = report.groups.filter((g) => g.kind === 'slow-call');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({
      shape: 'SELECT * FROM orders WHERE id = ?',
      name: 'SELECT',
      count: 2,
      traces: 2,
      calls: 2,
      detail: { medianMs: 10, samples: 32 },
      worst: { traceId: tid(`e${32}`), spanId: sid('b') },
    });
    expect(slow[0]!.worst.savedMs).toBeCloseTo(510, 6);
    expect(slow[0]!.savedMs).toBeCloseTo(490 + 510, 6);
  });

  it('judges a shape only with enough calls, and a call only well over its median and 100 ms', () => {
    const kinds = (report: PerfReport) => report.groups.map((g) => g.kind);
    expect(kinds(reportOf([...usual.slice(0, 17), oneQuery(500), oneQuery(520)]))).toEqual([]);
    // 5 × 10 ms is 50 ms, but 90 ms is under 100.
    expect(kinds(reportOf([...usual, oneQuery(90)]))).toEqual([]);
    const tuned = withThresholds({ slowCall: { minMs: 50 } });
    expect(kinds(reportOf([...usual, oneQuery(90)], tuned))).toEqual(['slow-call']);
  });
});
