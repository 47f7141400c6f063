import type { SpanNode } from '../../model/types.js';
import type { Call } from './calls.js';
import type { PerfFinding } from './perf-findings.js';
import { type CallsOfParent, durationsOf, mostAtOnce } from './sibling-calls.js';
import type { PerfThresholds } from './thresholds.js';

type PoolWait = Extract<PerfFinding, { kind: 'pool-wait' }>;

/**
 * A worker pool, or a lock k wide: calls of one shape never more than k at once (1 < k < their
 * number), each call after the first k starting as another ends. What the queue cost: the calls'
 * whole span against the longest call, as if all had run at once.
 *
 *   pool of 3   |--a--||--d--||--g--|
 *               |---b---||--e--|
 *               |--c--||---f---|        d starts as a ends, e as b, f as c, g as d
 */
export function findPoolWaits(
  groups: readonly CallsOfParent[],
  thresholds: PerfThresholds,
  claimed: Set<SpanNode>,
): PoolWait[] {
  const { minCalls, minQueuedShare, minWaitedMs } = thresholds.poolWait;
  const found: PoolWait[] = [];
  for (const { parent, byShape } of groups)
    for (const all of byShape.values()) {
      const calls = all.filter((c) => !claimed.has(c.node));
      if (calls.length < minCalls) continue;
      const width = mostAtOnce(calls);
      if (width < 2 || width >= calls.length) continue;
      const queued = calls.slice(width);
      const tolerance = toleranceMs(calls);
      const freed = queued.filter((call) => tookAFreedWorker(call, calls, width, tolerance));
      if (freed.length < minQueuedShare * queued.length) continue;
      const durations = durationsOf(calls);
      const ends = calls.map((c) => c.endMs);
      const spanMs = Math.max(...ends) - calls[0]!.startMs;
      const waitedMs = spanMs - Math.max(...durations);
      if (waitedMs < minWaitedMs) continue;
      for (const call of calls) claimed.add(call.node);
      found.push({
        kind: 'pool-wait',
        traceId: parent.span.traceId,
        spanId: parent.span.spanId,
        service: parent.span.service,
        name: parent.span.name,
        shape: calls[0]!.shape,
        callSpanIds: calls.map((c) => c.node.span.spanId),
        count: calls.length,
        poolSize: width,
        savedMs: waitedMs,
      });
    }
  return found;
}

/**
 * A queued call that took a worker as it came free: it starts as another call ends, and with the
 * pool full again: `width - 1` others running as it starts (or `width`, one of them the call that
 * freed the worker, its end written a little after this start). Calls started all at once, each
 * launched a little after the one before, also start near ends where there are many of them, but
 * the number running does not stay at one size; nor does a call follow its own end.
 *
 *   pool of 2    |--a--||--c--|          c starts as a ends, with b running: 1 = 2 - 1
 *                |---b---||--d--|
 *   at once      |-----a-----|           c starts near b's end, but a runs on: 1 ≠ 3 - 1
 *                 |-b-|
 *                    |--c--|  |-d-|
 */
function tookAFreedWorker(call: Call, calls: readonly Call[], width: number, tolerance: number): boolean {
  let onAnEnd = false;
  let endingLate = false;
  let running = 0;
  for (const other of calls) {
    if (other === call) continue;
    const sinceEnd = call.startMs - other.endMs;
    if (Math.abs(sinceEnd) <= tolerance) onAnEnd = true;
    if (other.startMs <= call.startMs && other.endMs > call.startMs) {
      running++;
      if (sinceEnd >= -tolerance) endingLate = true;
    }
  }
  return onAnEnd && (running === width - 1 || (running === width && endingLate));
}

/**
 * How close a start must be to an end to follow it: a worker takes the next job within a
 * millisecond, or within 5% of a typical call where calls are long (a busy scheduler).
 */
function toleranceMs(calls: readonly Call[]): number {
  const durations = durationsOf(calls).sort((a, b) => a - b);
  const median = durations[Math.floor(durations.length / 2)]!;
  return Math.max(1, median * 0.05);
}
