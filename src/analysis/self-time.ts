import type { Nanos, SpanNode, TraceTree } from '../model/types.js';
import { nanos, spanDuration } from '../model/units.js';

/**
 * Self time of every span, indexed by `node.index`: its duration minus the time covered by its
 * children. Children are clipped to the span, and overlapping children count once:
 *
 *   ms       0         20        40        60        80        100       120
 *   parent   |-------------------------------------------------|
 *   A             |--------------|
 *   B                       |--------------|                                 overlaps A
 *   C                                                     |--------------|   outlives the parent
 *   covered       |========================|              |====|             60 ms, overlap counted once
 *   self     |====|                        |==============|                  100 - 60 = 40 ms
 *
 * Iterative and linear: one sweep over each span's children, which buildTree puts in start order.
 */
export function computeSelfTimes(tree: TraceTree): Nanos[] {
  return tree.nodes.map((node) => nanos(spanDuration(node.span) - coveredByChildren(node)));
}

/**
 * Length of the union of the children's intervals clipped to the node's interval. Clipping keeps
 * start order (a child's clipped start is max(its start, the node's start)), so one sweep merges
 * overlapping runs.
 */
function coveredByChildren(node: SpanNode): bigint {
  const { start, end } = node.span;
  let covered = 0n;
  // The run of overlapping children being merged; empty while runEnd <= runStart.
  let runStart = start;
  let runEnd = start;
  for (const child of node.children) {
    const childStart = child.span.start > start ? child.span.start : start;
    const childEnd = child.span.end < end ? child.span.end : end;
    if (childEnd <= childStart) continue;
    if (childStart > runEnd) {
      covered += runEnd - runStart;
      runStart = childStart;
      runEnd = childEnd;
    } else if (childEnd > runEnd) {
      runEnd = childEnd;
    }
  }
  return covered + (runEnd - runStart);
}
