import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type TracePerf, tracePerf } from '../../../src/analysis/perf/detect-perf.js';
import { PerfAccumulator, type PerfReport } from '../../../src/analysis/perf/perf-report.js';
import { withThresholds } from '../../../src/analysis/perf/thresholds.js';
import { buildTree } from '../../../src/model/build-tree.js';
import type { TraceId } from '../../../src/model/types.js';
import { generatePerfCorpus } from '../../helpers/perf-patterns.js';

/**
 * Worker threads each add up the traces they read and the main thread merges their totals: the
 * report must not depend on how the traces were split among them nor on the order they came in,
 * or a big export would not report what one thread reports. Slow calls and lock waits, judged
 * across traces, are in it: the thresholds are lowered so that the corpus has some.
 */
const thresholds = withThresholds({
  slowCall: { minSamples: 5, factor: 2, minMs: 1 },
  lockWait: { minCalls: 2, minWaitedMs: 1 },
});
const corpus = generatePerfCorpus({ traces: 300, patternShare: 0.4, seed: 7 });
const perTrace: readonly (readonly [TraceId, TracePerf])[] = corpus.traces.map((trace) => [
  trace.traceId,
  tracePerf(buildTree(trace), thresholds),
]);

function reportOf(parts: readonly (readonly number[])[]): PerfReport {
  const merged = new PerfAccumulator(thresholds);
  for (const part of parts) {
    const thread = new PerfAccumulator(thresholds);
    for (const i of part) thread.addTrace(...perTrace[i]!);
    merged.addTotals(thread.totals());
  }
  return merged.report();
}

describe('PerfAccumulator: totals merged from any split', () => {
  const whole = reportOf([perTrace.map((_, i) => i)]);

  it('has findings of every kind judged per trace and across traces to compare', () => {
    const kinds = new Set(whole.groups.map((g) => g.kind));
    for (const kind of [
      'n-plus-one',
      'sequential-calls',
      'redundant-call',
      'pool-wait',
      'slow-call',
      'lock-wait',
    ])
      expect(kinds).toContain(kind);
    expect(whole.traces).toBe(300);
    expect(whole.breakdown.length).toBeGreaterThan(0);
  });

  it('reports the same whatever the split among threads and the order of traces', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(
          perTrace.map((_, i) => i),
          { minLength: perTrace.length },
        ),
        fc.array(fc.integer({ min: 0, max: perTrace.length }), { maxLength: 3 }),
        (order, cuts) => {
          const at = [0, ...[...cuts].sort((a, b) => a - b), order.length];
          const parts = at.slice(1).map((end, i) => order.slice(at[i], end));
          expect(reportOf(parts)).toEqual(whole);
        },
      ),
      { numRuns: 25, seed: 18 },
    );
  });

  it('counts a trace once in a group, however many findings it has there', () => {
    for (const group of whole.groups) {
      expect(group.traces).toBeLessThanOrEqual(group.count);
      expect(group.traces).toBeGreaterThan(0);
    }
    const loops = whole.groups.filter((g) => g.kind === 'n-plus-one');
    const withLoops = new Set(
      perTrace.filter(([, perf]) => perf.findings.some((f) => f.kind === 'n-plus-one')).map(([id]) => id),
    );
    expect(loops.reduce((n, g) => n + g.traces, 0)).toBeGreaterThanOrEqual(withLoops.size);
  });
});
