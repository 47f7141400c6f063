import type { PerfFinding } from './perf-findings.js';
import type { CallsOfParent } from './sibling-calls.js';
import type { PerfThresholds } from './thresholds.js';

type FanOut = Extract<PerfFinding, { kind: 'fan-out' }>;

/**
 * One span making a hundred calls or more: whatever else they are (a loop, a pool), the request's
 * cost grows with its data. No saving is claimed: the other findings say what the calls could
 * have been instead.
 */
export function findFanOuts(groups: readonly CallsOfParent[], thresholds: PerfThresholds): FanOut[] {
  const found: FanOut[] = [];
  for (const { parent, calls, byShape } of groups) {
    if (calls.length < thresholds.fanOut.minCalls) continue;
    const largest = [...byShape.values()].sort((a, b) => b.length - a.length)[0]!;
    found.push({
      kind: 'fan-out',
      traceId: parent.span.traceId,
      spanId: parent.span.spanId,
      service: parent.span.service,
      name: parent.span.name,
      shape: largest[0]!.shape,
      shapes: byShape.size,
      callSpanIds: calls.map((c) => c.node.span.spanId),
      count: calls.length,
      savedMs: 0,
    });
  }
  return found;
}
