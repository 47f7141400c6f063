import type { SpanNode, TraceTree } from '../../model/types.js';
import { type Call, type CallFamily, callOf, shapeKey } from './calls.js';
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
export function detectPerf(
  tree: TraceTree,
  thresholds: PerfThresholds,
  calls: readonly (Call | undefined)[] = tree.nodes.map(callOf),
): PerfFinding[] {
  const groups = callsByParent(tree, calls);
  const claimed = new Set<SpanNode>();
  const storms = findRetryStorms(groups, thresholds, claimed);
  const redundant = findRedundantCalls(tree, calls, thresholds, claimed);
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
  /** Since the epoch. */
  readonly startMs: number;
  readonly ms: number;
  /**
   * No call is made below it: where a wait is, not a caller waiting on it (the frontend's HTTP
   * call waits as long as the query below it queued).
   */
  readonly last: boolean;
}

/** What `otrace perf` works out for each trace (pipeline/tasks.ts). */
export interface TracePerf {
  readonly breakdown: TimeBreakdown;
  readonly findings: readonly PerfFinding[];
  readonly samples: readonly CallSample[];
}

export function tracePerf(tree: TraceTree, thresholds: PerfThresholds): TracePerf {
  const calls = tree.nodes.map(callOf);
  // Whether a call is made below each span: nodes are depth-first, so children come after their
  // parent and a backwards pass sees them first.
  const callBelow = new Uint8Array(tree.nodes.length);
  for (let i = tree.nodes.length - 1; i >= 0; i--) {
    const parent = tree.nodes[i]!.parent;
    if (parent !== undefined && (calls[i] !== undefined || callBelow[i] === 1)) callBelow[parent.index] = 1;
  }
  const samples: CallSample[] = [];
  for (const [i, call] of calls.entries()) {
    if (call === undefined) continue;
    const { span } = call.node;
    samples.push({
      key: shapeKey(call),
      service: span.service,
      shape: call.shape,
      family: call.family,
      spanId: span.spanId,
      name: span.name,
      startMs: call.startMs,
      ms: call.durationMs,
      last: callBelow[i] === 0,
    });
  }
  return { breakdown: breakDownTime(tree), findings: detectPerf(tree, thresholds, calls), samples };
}
