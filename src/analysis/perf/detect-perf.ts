import type { SpanNode, TraceTree } from '../../model/types.js';
import { type CallFamily, callOf, shapeKey } from './calls.js';
import { findFanOuts } from './fan-out.js';
import { findNPlusOne } from './n-plus-one.js';
import type { PerfFinding } from './perf-findings.js';
import { findPoolWaits } from './pool-wait.js';
import { findRedundantCalls } from './redundant-calls.js';
import { findRetryStorms } from './retry-storm.js';
import { findSequentialCalls } from './sequential-calls.js';
import { callsByParent } from './sibling-calls.js';
import type { PerfThresholds } from './thresholds.js';
import { breakDownTime, type TimeBreakdown } from './time-breakdown.js';

/**
 * The performance findings of one trace, in the order the detectors explain calls: a retry storm
 * first (its attempts are not also a loop), then the repeated reads, loops (N+1), pools and what
 * is left run one after another; a fan-out is reported whatever its calls also are.
 */
export function detectPerf(tree: TraceTree, thresholds: PerfThresholds): PerfFinding[] {
  const groups = callsByParent(tree);
  const claimed = new Set<SpanNode>();
  const storms = findRetryStorms(groups, thresholds, claimed);
  const redundant = findRedundantCalls(tree, thresholds, claimed);
  const loops = findNPlusOne(groups, thresholds, claimed);
  const pools = findPoolWaits(groups, thresholds, claimed);
  const sequential = findSequentialCalls(groups, thresholds, claimed);
  const fanOuts = findFanOuts(groups, thresholds);
  return [...storms, ...redundant, ...loops, ...pools, ...sequential, ...fanOuts];
}

/** A call's duration with what it is, for judging it against its shape's distribution across traces. */
export interface CallSample {
  readonly key: string;
  readonly service: string;
  readonly shape: string;
  readonly family: CallFamily;
  readonly spanId: string;
  readonly name: string;
  readonly ms: number;
}

/** What `otrace perf` works out for each trace (pipeline/tasks.ts). */
export interface TracePerf {
  readonly breakdown: TimeBreakdown;
  readonly findings: readonly PerfFinding[];
  readonly samples: readonly CallSample[];
}

export function tracePerf(tree: TraceTree, thresholds: PerfThresholds): TracePerf {
  const samples: CallSample[] = [];
  for (const node of tree.nodes) {
    const call = callOf(node);
    if (call === undefined) continue;
    samples.push({
      key: shapeKey(call),
      service: node.span.service,
      shape: call.shape,
      family: call.family,
      spanId: node.span.spanId,
      name: node.span.name,
      ms: call.durationMs,
    });
  }
  return { breakdown: breakDownTime(tree), findings: detectPerf(tree, thresholds), samples };
}
