import type { SpanNode } from '../../model/types.js';
import type { Call } from './calls.js';
import type { PerfFinding } from './perf-findings.js';
import { type CallsOfParent, durationsOf, mostAtOnce, overlapAllowed } from './sibling-calls.js';
import type { PerfThresholds } from './thresholds.js';

type PoolWait = Extract<PerfFinding, { kind: 'pool-wait' }>;

/**
 * A worker pool, or a lock k wide: calls of one shape never more than k at once (1 < k), the
 * first k started before any call ends (the pool fills at once), then each queued call starting
 * as another ends, with the pool full again, for two queued calls or more (one call waiting for
 * another may be waiting for its answer). What the queue cost: the calls' whole span against the
 * longest call, as if all had run at once.
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
      if (width < 2 || width > calls.length - 2) continue;
      const queued = calls.slice(width);
      const tolerance = toleranceMs(calls);
      // A pool fills at once: its first calls all start before any call ends.
      if (calls[width - 1]!.startMs >= Math.min(...calls.map(countedEnd))) continue;
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
 * A queued call that took a worker as it came free: it starts as another call ends (not its own,
 * for a call shorter than the tolerance), and the pool is full again by the tolerance after it,
 * `width` calls running at once, unless no call is left to start after it. Two workers freed
 * together fill again as the second call starts. Ends count as in mostAtOnce.
 *
 *   pool of 2    |--a--||--c--|          c starts as a ends, and with b runs 2 at once
 *                |---b---||--d--|        d starts as b ends, and with c runs 2 at once
 *
 * A hundred calls launched at once, each a little after the one before (Promise.all), also start
 * near ends once there are many ends, but the number running goes up and down: at most of those
 * starts it is not the most ever at once.
 */
function tookAFreedWorker(call: Call, calls: readonly Call[], width: number, tolerance: number): boolean {
  const from = call.startMs;
  const to = from + tolerance;
  let onAnEnd = false;
  let left = false;
  let running = 0;
  const steps: [number, number][] = [];
  for (const other of calls) {
    if (other !== call && Math.abs(from - other.endMs) <= tolerance) onAnEnd = true;
    const end = countedEnd(other);
    if (other.startMs <= from && end > from) running++;
    else if (other.startMs > from && other.startMs <= to) steps.push([other.startMs, 1]);
    if (other.startMs > to) left = true;
    if (end > from && end <= to) steps.push([end, -1]);
  }
  if (!onAnEnd) return false;
  // Ends before starts at the same instant, as in mostAtOnce.
  steps.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let most = running;
  for (const [, step] of steps) {
    running += step;
    most = Math.max(most, running);
  }
  return most === width || !left;
}

/** A call's end as mostAtOnce counts it: less the clock's grain, so that calls back to back do not overlap. */
const countedEnd = (call: Call): number => call.endMs - overlapAllowed(call, call);

/**
 * How close a start must be to an end to follow it: a worker takes the next job within a
 * millisecond, or within 5% of a typical call where calls are long (a busy scheduler).
 */
function toleranceMs(calls: readonly Call[]): number {
  const durations = durationsOf(calls).sort((a, b) => a - b);
  const median = durations[Math.floor(durations.length / 2)]!;
  return Math.max(1, median * 0.05);
}
