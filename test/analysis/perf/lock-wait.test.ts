import { describe, expect, it } from 'vitest';
import { findLockWaits, type TimedCall } from '../../../src/analysis/perf/lock-wait.js';
import { DEFAULT_PERF_THRESHOLDS, withThresholds } from '../../../src/analysis/perf/thresholds.js';
import type { SpanId, TraceId } from '../../../src/model/types.js';

const call = (trace: number, startMs: number, durationMs: number): TimedCall => ({
  traceId: String(trace).padStart(32, '0') as TraceId,
  spanId: String(trace).padStart(16, '0') as SpanId,
  service: 'mysql',
  name: 'SQL SELECT',
  shape: 'SELECT * FROM customer WHERE customer_id = ?',
  family: 'db',
  startMs,
  durationMs,
});

describe('findLockWaits', () => {
  it('names the calls that queued behind others, each with its wait beyond the quickest', () => {
    //   ride 1  |-300-|
    //   ride 2  |----605----|          ends 305 ms after ride 1's
    //   ride 3   |------902------|     ends 300 ms after ride 2's
    const found = findLockWaits([call(1, 0, 300), call(2, 0, 605), call(3, 3, 902)], DEFAULT_PERF_THRESHOLDS);
    expect(found.map((f) => [f.traceId.slice(-1), f.kind, f.count, Math.round(f.savedMs)])).toEqual([
      ['2', 'lock-wait', 3, 305],
      ['3', 'lock-wait', 3, 602],
    ]);
  });

  it('finds no queue where the calls end together (they ran at once), or do not overlap', () => {
    // Three at once, each as long: nothing waited.
    expect(
      findLockWaits([call(1, 0, 300), call(2, 1, 310), call(3, 2, 305)], DEFAULT_PERF_THRESHOLDS),
    ).toEqual([]);
    // One after another in time, by separate requests: no overlap, no queue.
    expect(
      findLockWaits([call(1, 0, 300), call(2, 400, 300), call(3, 800, 300)], DEFAULT_PERF_THRESHOLDS),
    ).toEqual([]);
  });

  it('takes its thresholds: two calls queued, or a wait under the minimum', () => {
    const two = [call(1, 0, 300), call(2, 0, 600)];
    expect(findLockWaits(two, DEFAULT_PERF_THRESHOLDS)).toEqual([]);
    expect(findLockWaits(two, withThresholds({ lockWait: { minCalls: 2 } }))).toHaveLength(1);
    const short = [call(1, 0, 30), call(2, 0, 60), call(3, 0, 90)];
    expect(findLockWaits(short, DEFAULT_PERF_THRESHOLDS).map((f) => Math.round(f.savedMs))).toEqual([60]);
    expect(findLockWaits(short, withThresholds({ lockWait: { minWaitedMs: 10 } }))).toHaveLength(2);
  });
});
