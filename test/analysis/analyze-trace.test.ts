import { describe, expect, it } from 'vitest';
import { analyzeFailures, analyzeTrace } from '../../src/analysis/analyze-trace.js';
import { frozen, makeTrace, ms, sid } from '../helpers/make-span.js';

/*
 *  0        10        40   50        90   100 ms
 *  |--root-------------------------------------|
 *           |--a (30)--|   |--b ✗ 504 (40)-|
 *                              |--c (20)--|       b's slow child? no: 20 < 90 % of 40
 */
const trace = () =>
  frozen(
    makeTrace([
      {
        id: 'b',
        parent: 'f',
        name: 'b',
        kind: 'client',
        startMs: 50,
        endMs: 90,
        attributes: { 'http.response.status_code': 504 },
      },
      {
        id: 'f',
        name: 'root',
        kind: 'server',
        startMs: 0,
        endMs: 100,
        status: { code: 'error', message: '' },
      },
      { id: 'a', parent: 'f', name: 'a', startMs: 10, endMs: 40 },
      { id: 'c', parent: 'b', name: 'c', service: 'downstream', startMs: 55, endMs: 75 },
    ]),
  );

describe('analyzeFailures', () => {
  it('builds the tree and the per-span verdicts, indexed like the nodes', () => {
    const { tree, facts, ...rest } = analyzeFailures(trace(), { limits: [] });
    expect(Object.keys(rest)).toEqual([]);
    expect(tree.nodes.map((n) => n.span.name)).toEqual(['root', 'a', 'b', 'c']);
    expect(facts.map((f) => f.role)).toEqual(['propagated', undefined, 'origin', undefined]);
    expect(facts[2]!.timeout).toEqual({ source: 'http-status', code: 504 });
  });

  it('passes the limits on: a span that lasted a --timeout limit ran into it', () => {
    const { facts } = analyzeFailures(trace(), { limits: [ms(30)] });
    expect(facts[1]!.timeout).toEqual({ source: 'limit', limitMs: 30 });
  });
});

describe('analyzeTrace', () => {
  it('gives the verdicts, findings in check order and the diagnosis', () => {
    const analysis = analyzeTrace(trace(), { limits: [] });
    expect(analysis.findings.map((f) => `${f.kind} ${'spanId' in f ? f.spanId : ''}`)).toEqual([
      `error-origin ${sid('b')}`,
      `timeout ${sid('b')}`,
    ]);
    expect(analysis.diagnosis).toMatchObject({
      kind: 'timed-out',
      from: 'svc',
      to: undefined,
      origin: { spanId: sid('b'), name: 'b', durationMs: 40 },
      originCaller: { spanId: sid('f'), name: 'root' },
    });
  });

  it('gives self times, and the critical path with the time each span and subtree spends on it', () => {
    const analysis = analyzeTrace(trace(), { limits: [] });
    // root 100 - a 30 - b 40; b 40 - c 20.
    expect(analysis.selfTimes).toEqual([ms(30), ms(30), ms(20), ms(20)]);
    // A sequential trace: every span is on the critical path, for its self time.
    expect(analysis.criticalTimes).toEqual([ms(30), ms(30), ms(20), ms(20)]);
    expect(analysis.criticalSubtreeTimes).toEqual([ms(100), ms(30), ms(40), ms(20)]);
    expect([...analysis.onCriticalPath].sort()).toEqual([0, 1, 2, 3]);
    // In time order: root 0-10, a 10-40, root 40-50, b 50-55, c 55-75, b 75-90, root 90-100.
    expect(analysis.criticalPath.map((s) => s.node.span.name)).toEqual([
      'root',
      'a',
      'root',
      'b',
      'c',
      'b',
      'root',
    ]);
    const covered = analysis.criticalPath.reduce((sum, s) => sum + (s.end - s.start), 0n);
    expect(covered).toBe(ms(100));
  });

  it('leaves a span off the critical path when a parallel sibling ends later', () => {
    /*
     *  |--root 0-100--------------|
     *   |--x 10-50--|
     *   |--y 10-90----------|        ends last: y is on the path, x is not
     */
    const analysis = analyzeTrace(
      frozen(
        makeTrace([
          { id: 'a', name: 'root', startMs: 0, endMs: 100 },
          { id: 'b', parent: 'a', name: 'x', startMs: 10, endMs: 50 },
          { id: 'c', parent: 'a', name: 'y', startMs: 10, endMs: 90 },
        ]),
      ),
      { limits: [] },
    );
    const names = analysis.tree.nodes.map((n) => n.span.name);
    expect(names).toEqual(['root', 'x', 'y']);
    expect([...analysis.onCriticalPath].map((i) => names[i]).sort()).toEqual(['root', 'y']);
    expect(analysis.criticalTimes).toEqual([ms(20), 0n, ms(80)]);
    expect(analysis.criticalSubtreeTimes).toEqual([ms(100), 0n, ms(80)]);
    expect(analysis.findings).toEqual([]);
    expect(analysis.diagnosis).toEqual({ kind: 'ok', recoveredErrors: 0 });
  });

  it('does not modify the trace (it is deep-frozen here), and runs on a trace of one span', () => {
    const analysis = analyzeTrace(frozen(makeTrace([{ id: 'a', startMs: 0, endMs: 5 }])), { limits: [] });
    expect(analysis.tree.nodes).toHaveLength(1);
    expect(analysis.criticalTimes).toEqual([ms(5)]);
    expect(analysis.selfTimes).toEqual([ms(5)]);
  });
});
