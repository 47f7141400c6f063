import type { SpanNode } from '../../model/types.js';
import type { Call } from './calls.js';
import type { PerfFinding } from './perf-findings.js';
import { type CallsOfParent, durationsOf, follows, savedByOverlapping, sum } from './sibling-calls.js';
import type { PerfThresholds } from './thresholds.js';

type Sequential = Extract<PerfFinding, { kind: 'sequential-calls' }>;

/**
 * Calls one after another that could have run at once: a run of a parent's calls, each starting
 * as the one before ends, where overlapping them would save 100 ms or more and 10% or more of the
 * run (Sentry's thresholds for consecutive queries). Whether a call needs the one before it, the
 * trace cannot say: the saving is what running them at once would give if none did.
 *
 *   GET /checkout  |--auth--||----stock----||---price---|     → |--auth--|
 *                                                              |----stock----|
 *                                                              |---price---|
 */
export function findSequentialCalls(
  groups: readonly CallsOfParent[],
  thresholds: PerfThresholds,
  claimed: ReadonlySet<SpanNode>,
): Sequential[] {
  const { minSavedMs, minSavedShare } = thresholds.sequential;
  const found: Sequential[] = [];
  for (const { parent, calls } of groups)
    for (const run of sequentialRuns(calls.filter((c) => !claimed.has(c.node)))) {
      if (run.length < 2) continue;
      const totalMs = sum(durationsOf(run));
      const savedMs = savedByOverlapping(run);
      if (savedMs >= minSavedMs && savedMs >= minSavedShare * totalMs)
        found.push(runOf(parent, run, totalMs, savedMs));
    }
  return found;
}

/** The calls cut where one starts before the one before it ended: what is left ran one after another. */
function sequentialRuns(calls: readonly Call[]): Call[][] {
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
