import type { SpanNode } from '../../model/types.js';
import type { Call } from './calls.js';
import type { PerfFinding } from './perf-findings.js';
import {
  type CallsOfParent,
  durationsOf,
  oneAfterAnother,
  savedByOverlapping,
  sum,
} from './sibling-calls.js';
import type { PerfThresholds } from './thresholds.js';

type NPlusOne = Extract<PerfFinding, { kind: 'n-plus-one' }>;

/**
 * A query (or a request) per item: calls of one shape, one after another, under one parent, 5 or
 * more and 50 ms or more in all (Sentry's thresholds). Calls that overlap are a fan-out or a pool,
 * not a loop. What batching them would save: their time but the longest one's.
 *
 *   GET /users/{id}  |-SELECT … WHERE order_id = ?-||-…-||-…-||-…-||-…-|   ×5, one after another
 */
export function findNPlusOne(
  groups: readonly CallsOfParent[],
  thresholds: PerfThresholds,
  claimed: Set<SpanNode>,
): NPlusOne[] {
  const { minCalls, minTotalMs } = thresholds.nPlusOne;
  const found: NPlusOne[] = [];
  for (const { parent, byShape } of groups)
    for (const all of byShape.values()) {
      const calls = all.filter((c) => !claimed.has(c.node));
      if (calls.length < minCalls || !oneAfterAnother(calls)) continue;
      const totalMs = sum(durationsOf(calls));
      if (totalMs < minTotalMs) continue;
      for (const call of calls) claimed.add(call.node);
      found.push(loopOf(parent, calls, totalMs));
    }
  return found;
}

function loopOf(parent: SpanNode, calls: readonly Call[], totalMs: number): NPlusOne {
  const first = calls[0]!;
  return {
    kind: 'n-plus-one',
    traceId: parent.span.traceId,
    spanId: parent.span.spanId,
    service: parent.span.service,
    name: parent.span.name,
    shape: first.shape,
    family: first.family,
    peer: first.peer,
    callSpanIds: calls.map((c) => c.node.span.spanId),
    count: calls.length,
    totalMs,
    savedMs: savedByOverlapping(calls),
  };
}
