import type { SpanNode, TraceTree } from '../../model/types.js';
import type { Call } from './calls.js';

/**
 * The calls each span made, as the detectors look at them: per parent, its child calls in start
 * order, and those of one shape together. `claimed` holds the calls a detector has explained,
 * so that the next ones do not report them again (a retry storm is not also an N+1 loop).
 */
export interface CallsOfParent {
  readonly parent: SpanNode;
  readonly calls: readonly Call[];
  /** Calls of one shape (Call.key), in start order. */
  readonly byShape: ReadonlyMap<string, readonly Call[]>;
}

/** `calls`: each node's call (callOf), by node index: read once per trace. */
export function callsByParent(tree: TraceTree, calls: readonly (Call | undefined)[]): CallsOfParent[] {
  const out: CallsOfParent[] = [];
  for (const parent of tree.nodes) {
    if (parent.children.length < 2) continue;
    const childCalls: Call[] = [];
    for (const child of parent.children) {
      const call = calls[child.index];
      if (call) childCalls.push(call);
    }
    if (childCalls.length < 2) continue;
    const byShape = new Map<string, Call[]>();
    for (const call of childCalls) {
      const { key } = call;
      const list = byShape.get(key);
      if (list) list.push(call);
      else byShape.set(key, [call]);
    }
    out.push({ parent, calls: childCalls, byShape });
  }
  return out;
}

/**
 * How much two calls may seem to overlap and still have run one after the other. OpenTelemetry
 * JS stamps a span's start to the millisecond (Date.now()) and its end to the microsecond: an
 * awaited call that starts as the one before ends seems to start up to 1 ms before that end.
 * Calls shorter than that may overlap by half their length at most.
 */
const CLOCK_GRAIN_MS = 1;

export function overlapAllowed(a: Call, b: Call): number {
  return Math.min(CLOCK_GRAIN_MS, a.durationMs / 2, b.durationMs / 2);
}

/** `next` starts as `previous` ends, or later (within the clock's grain). */
export function follows(next: Call, previous: Call): boolean {
  return next.startMs >= previous.endMs - overlapAllowed(next, previous);
}

/** The calls run one after another: each starts as the one before ends, or later. */
export function oneAfterAnother(calls: readonly Call[]): boolean {
  for (let i = 1; i < calls.length; i++) if (!follows(calls[i]!, calls[i - 1]!)) return false;
  return true;
}

/** The most calls running at once. */
export function mostAtOnce(calls: readonly Call[]): number {
  const edges: [number, number][] = [];
  // Each end moved back by the clock's grain: calls one after another do not count as overlapping.
  for (const call of calls)
    edges.push([call.startMs, 1], [call.endMs - Math.min(CLOCK_GRAIN_MS, call.durationMs / 2), -1]);
  // Ends before starts at the same instant: back-to-back calls do not overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let most = 0;
  for (const [, step] of edges) {
    running += step;
    most = Math.max(most, running);
  }
  return most;
}

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

export const durationsOf = (calls: readonly Call[]): number[] => calls.map((c) => c.durationMs);

/** Time the calls took together against the longest of them alone: what doing them at once would save. */
export function savedByOverlapping(calls: readonly Call[]): number {
  const durations = durationsOf(calls);
  return sum(durations) - Math.max(0, ...durations);
}
