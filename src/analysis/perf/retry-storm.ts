import type { SpanNode } from '../../model/types.js';
import type { Call } from './calls.js';
import type { PerfFinding } from './perf-findings.js';
import { type CallsOfParent, durationsOf, follows, sum } from './sibling-calls.js';
import type { PerfThresholds } from './thresholds.js';

type RetryStorm = Extract<PerfFinding, { kind: 'retry-storm' }>;

/**
 * A call attempted again and again: calls of one shape one after another (the same values, where
 * the span says them), each attempt but the last failed. Where the attempts themselves retry
 * (a retried request whose handler retries its query), the attempts multiply: `multiplied`.
 *
 *   GET /stock ✗ |--|  |--| ✗ |--| ✗ |--| ✓      4 attempts
 */
export function findRetryStorms(
  groups: readonly CallsOfParent[],
  thresholds: PerfThresholds,
  claimed: Set<SpanNode>,
): RetryStorm[] {
  const storms: { storm: RetryStorm; parent: SpanNode }[] = [];
  for (const { parent, byShape } of groups)
    for (const calls of byShape.values()) {
      if (calls.length < thresholds.retryStorm.minAttempts) continue;
      for (const run of attemptRuns(calls))
        if (run.length >= thresholds.retryStorm.minAttempts) {
          for (const call of run) claimed.add(call.node);
          storms.push({ storm: stormOf(parent, run), parent });
        }
    }
  return multiply(storms);
}

/** Runs of calls where each follows a failed one of the same call, one after the other. */
function attemptRuns(calls: readonly Call[]): Call[][] {
  const runs: Call[][] = [];
  let run: Call[] = [calls[0]!];
  for (let i = 1; i < calls.length; i++) {
    const previous = calls[i - 1]!;
    const call = calls[i]!;
    const again =
      previous.failed &&
      follows(call, previous) &&
      (previous.exact === undefined || call.exact === undefined || previous.exact === call.exact);
    if (again) run.push(call);
    else {
      runs.push(run);
      run = [call];
    }
  }
  runs.push(run);
  return runs;
}

function stormOf(parent: SpanNode, run: readonly Call[]): RetryStorm {
  const durations = durationsOf(run);
  return {
    kind: 'retry-storm',
    traceId: parent.span.traceId,
    spanId: parent.span.spanId,
    service: parent.span.service,
    name: parent.span.name,
    shape: run[0]!.shape,
    callSpanIds: run.map((c) => c.node.span.spanId),
    count: run.length,
    multiplied: run.length,
    // The failed attempts' time: what a call that worked the first time would not have spent.
    savedMs: sum(durations.slice(0, -1)),
  };
}

/**
 * Storms inside the attempts of another multiply it: 4 attempts of a request whose handler tries
 * its query 3 times are 12 queries. Innermost first, each storm takes the largest product found
 * below any of its attempts.
 */
function multiply(found: readonly { storm: RetryStorm; parent: SpanNode }[]): RetryStorm[] {
  const ordered = [...found].sort((a, b) => b.parent.depth - a.parent.depth);
  const product = new Map<RetryStorm, number>();
  for (const { storm } of ordered) {
    const attempts = new Set<string>(storm.callSpanIds);
    let most = 1;
    for (const { storm: inner, parent } of ordered) {
      const value = product.get(inner);
      if (value !== undefined && below(parent, attempts)) most = Math.max(most, value);
    }
    product.set(storm, storm.count * most);
  }
  return found.map(({ storm }) => ({ ...storm, multiplied: product.get(storm)! }));
}

/** `node` is one of `spans` or below one of them. */
function below(node: SpanNode, spans: ReadonlySet<string>): boolean {
  // Bounded by the depth of the tree: each step goes up one level.
  for (let at: SpanNode | undefined = node; at !== undefined; at = at.parent)
    if (spans.has(at.span.spanId)) return true;
  return false;
}
