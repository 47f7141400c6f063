import type { SpanId, TraceId } from '../../model/types.js';
import type { CallFamily } from './calls.js';
import type { PerfFinding } from './perf-findings.js';
import type { PerfThresholds } from './thresholds.js';

type LockWait = Extract<PerfFinding, { kind: 'lock-wait' }>;

/** A call as lock-wait compares them across traces. */
export interface TimedCall {
  readonly traceId: TraceId;
  readonly spanId: SpanId;
  readonly service: string;
  readonly name: string;
  readonly shape: string;
  readonly family: CallFamily;
  readonly startMs: number;
  readonly durationMs: number;
}

/**
 * Calls of one shape that queue behind each other across requests: a lock, or a connection pool
 * of one. Calls that overlap in time (each started while another was running) but end one at a
 * time, each end at least most of one call's own work after the one before, waited their turn:
 * what each waited is its time beyond the quickest of them.
 *
 *   ride A  |-SQL SELECT-|                    300 ms of work
 *   ride B  |-----SQL SELECT------|           waited 300 ms for A
 *   ride C  |----------SQL SELECT------|      waited 600 ms: the ends are 300 ms apart
 */
export function findLockWaits(calls: readonly TimedCall[], thresholds: PerfThresholds): LockWait[] {
  const { minCalls, minWaitedMs } = thresholds.lockWait;
  const found: LockWait[] = [];
  for (const queue of overlapping(calls)) {
    if (queue.length < minCalls) continue;
    const work = Math.min(...queue.map((c) => c.durationMs));
    if (work <= 0) continue;
    const byEnd = [...queue].sort((a, b) => endOf(a) - endOf(b) || byIds(a, b));
    // One at a time: each ends most of a call's work after the one before.
    const serialized = byEnd.every((call, i) => i === 0 || endOf(call) - endOf(byEnd[i - 1]!) >= 0.7 * work);
    if (!serialized) continue;
    for (const call of byEnd.slice(1)) {
      const waited = call.durationMs - work;
      if (waited < minWaitedMs) continue;
      found.push({
        kind: 'lock-wait',
        traceId: call.traceId,
        spanId: call.spanId,
        service: call.service,
        name: call.name,
        shape: call.shape,
        family: call.family,
        callSpanIds: [call.spanId],
        count: queue.length,
        savedMs: waited,
      });
    }
  }
  return found;
}

const endOf = (call: TimedCall) => call.startMs + call.durationMs;

/** Calls at the same time in the order of their ids: the same whichever order they were read in. */
function byIds(a: TimedCall, b: TimedCall): number {
  if (a.traceId !== b.traceId) return a.traceId < b.traceId ? -1 : 1;
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

/** Groups of calls each overlapping another of its group, in start order; one call alone is no group. */
function overlapping(calls: readonly TimedCall[]): TimedCall[][] {
  const sorted = [...calls].sort((a, b) => a.startMs - b.startMs || byIds(a, b));
  const groups: TimedCall[][] = [];
  let group: TimedCall[] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const call of sorted) {
    // Overlapping by more than the clock's grain (1 ms, see sibling-calls.ts).
    if (call.startMs >= end - 1) {
      if (group.length > 1) groups.push(group);
      group = [];
    }
    group.push(call);
    end = Math.max(end, endOf(call));
  }
  if (group.length > 1) groups.push(group);
  return groups;
}
