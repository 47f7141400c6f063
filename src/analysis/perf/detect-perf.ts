import type { SpanNode, TraceTree } from '../../model/types.js';
import { type Call, type CallFamily, callOf } from './calls.js';
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

/**
 * One trace's calls of one shape, made by one service, as the checks across traces need them:
 * every duration (a shape's distribution), the slowest call (a slow call names it), and the calls
 * with no call below them, where a wait is rather than a caller waiting on it (lock-wait). Kept
 * as arrays of numbers: a trace's samples cross from a worker thread, and are held until every
 * trace is read.
 */
export interface ShapeSamples {
  readonly key: string;
  readonly service: string;
  readonly shape: string;
  readonly family: CallFamily;
  /** The span name of the first call. */
  readonly name: string;
  readonly durations: number[];
  readonly slowest: { spanId: string; name: string; ms: number };
  /** [startMs, durationMs] of each call with none below it, one pair after another. */
  readonly leaves: number[];
  readonly leafIds: string[];
}

/** What `otrace perf` works out for each trace (pipeline/tasks.ts). */
export interface TracePerf {
  readonly breakdown: TimeBreakdown;
  readonly findings: readonly PerfFinding[];
  readonly samples: readonly ShapeSamples[];
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
  // By service, then shape key: a key joined for every call would be garbage for every call.
  const byService = new Map<string, Map<string, ShapeSamples>>();
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    if (call === undefined) continue;
    const { span } = call.node;
    let byShape = byService.get(span.service);
    if (!byShape) {
      byShape = new Map();
      byService.set(span.service, byShape);
    }
    let shape = byShape.get(call.key);
    if (!shape) {
      shape = {
        key: `${span.service}\u0000${call.key}`,
        service: span.service,
        shape: call.shape,
        family: call.family,
        name: span.name,
        durations: [],
        slowest: { spanId: span.spanId, name: span.name, ms: call.durationMs },
        leaves: [],
        leafIds: [],
      };
      byShape.set(call.key, shape);
    }
    shape.durations.push(call.durationMs);
    if (call.durationMs > shape.slowest.ms) {
      const slowest = shape.slowest as { spanId: string; name: string; ms: number };
      slowest.spanId = span.spanId;
      slowest.name = span.name;
      slowest.ms = call.durationMs;
    }
    if (callBelow[i] === 0) {
      shape.leaves.push(call.startMs, call.durationMs);
      shape.leafIds.push(span.spanId);
    }
  }
  const samples: ShapeSamples[] = [];
  for (const byShape of byService.values()) for (const shape of byShape.values()) samples.push(shape);
  return { breakdown: breakDownTime(tree), findings: detectPerf(tree, thresholds, calls), samples };
}
