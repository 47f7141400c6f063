import type { SpanNode } from '../../model/types.js';
import type { Call } from './calls.js';
import type { PerfFinding } from './perf-findings.js';
import { type CallsOfParent, durationsOf, follows, savedByOverlapping, sum } from './sibling-calls.js';
import type { PerfThresholds } from './thresholds.js';

type Sequential = Extract<PerfFinding, { kind: 'sequential-calls' }>;

/**
 * Calls one after another that could have run at once, with Sentry's thresholds for each family:
 * - queries (database, cache): a run whose overlapping would save 100 ms or more and 10% or more
 *   of the run (consecutive DB queries);
 * - HTTP and RPC calls: 3 or more, each 500 ms or longer, no more than 500 ms apart, saving 2 s or
 *   more (consecutive HTTP). A request often needs the answer of the one before (a customer's
 *   location, then the drivers near it), which a trace cannot show: only long runs are worth it.
 * Runs are cut where a call of the family overlaps the one before; calls of the other family in
 * between do not cut them. The saving is what running them at once would give if none needed
 * another.
 *
 *   GET /checkout  |--stock--||----price----||--tax--|     → |--stock--|
 *                                                           |----price----|
 *                                                           |--tax--|
 */
export function findSequentialCalls(
  groups: readonly CallsOfParent[],
  thresholds: PerfThresholds,
  claimed: ReadonlySet<SpanNode>,
): Sequential[] {
  const { queries, requests } = thresholds.sequential;
  const found: Sequential[] = [];
  for (const { parent, calls } of groups) {
    // One call runs after nothing: most parents make one.
    if (calls.length < 2) continue;
    const free = calls.filter((c) => !claimed.has(c.node));
    for (const run of sequentialRuns(free.filter((c) => c.family === 'db'))) {
      if (run.length < 2) continue;
      const totalMs = sum(durationsOf(run));
      const savedMs = savedByOverlapping(run);
      if (savedMs >= queries.minSavedMs && savedMs >= queries.minSavedShare * totalMs)
        found.push(runOf(parent, run, totalMs, savedMs));
    }
    for (const run of sequentialRuns(free.filter((c) => c.family !== 'db'))) {
      // Its slow calls: a quick one before them (an auth check) does not hide them.
      const slow = run.filter((c) => c.durationMs >= requests.minCallMs);
      for (const part of cutAtGaps(slow, requests.maxGapMs)) {
        if (part.length < requests.minCalls) continue;
        const totalMs = sum(durationsOf(part));
        const savedMs = savedByOverlapping(part);
        if (savedMs >= requests.minSavedMs) found.push(runOf(parent, part, totalMs, savedMs));
      }
    }
  }
  return found;
}

/** A run cut where one call starts more than `maxGapMs` after the one before ended. */
function cutAtGaps(run: readonly Call[], maxGapMs: number): Call[][] {
  const parts: Call[][] = [[]];
  for (const [i, call] of run.entries()) {
    if (i > 0 && call.startMs - run[i - 1]!.endMs > maxGapMs) parts.push([]);
    parts[parts.length - 1]!.push(call);
  }
  return parts;
}

/** The calls cut where one starts before the one before it ended: what is left ran one after another. */
export function sequentialRuns(calls: readonly Call[]): Call[][] {
  const runs: Call[][] = [];
  let run: Call[] = [];
  // The call that ends last so far: the next one must follow it.
  let latest: Call | undefined;
  for (const call of calls) {
    if (latest !== undefined && !follows(call, latest)) {
      runs.push(run);
      run = [];
    }
    run.push(call);
    if (latest === undefined || call.endMs > latest.endMs) latest = call;
  }
  runs.push(run);
  return runs;
}

function runOf(parent: SpanNode, run: readonly Call[], totalMs: number, savedMs: number): Sequential {
  return {
    kind: 'sequential-calls',
    traceId: parent.span.traceId,
    spanId: parent.span.spanId,
    service: parent.span.service,
    name: parent.span.name,
    shape: [...new Set(run.map((c) => c.shape))].join(' → '),
    callSpanIds: run.map((c) => c.node.span.spanId),
    count: run.length,
    totalMs,
    savedMs,
  };
}
