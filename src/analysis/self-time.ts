import type { Nanos, TraceTree } from '../model/types.js';
import { spanDuration } from '../model/units.js';

/**
 * Self time: the part of a span's duration not covered by any child. Children are clipped to the
 * parent, and overlapping children count once:
 *
 *   parent  |------------------------------|
 *   child A     |--------|
 *   child B          |--------|                  A ∪ B covers 6 of 15 cells
 *   child C                           |--------- (clipped at the parent's end)
 *   self    |---|             |-------|           = duration − union
 *
 * Children are in start order (buildTree), so one sweep per span; linear over the tree.
 */
export function computeSelfTimes(tree: TraceTree): Nanos[] {
  return tree.nodes.map((node) => {
    const { start, end } = node.span;
    const duration = spanDuration(node.span);
    if (node.children.length === 0 || duration === 0n) return duration;
    let covered = 0n;
    let runStart = -1n;
    let runEnd = -1n;
    for (const child of node.children) {
      const s = child.span.start > start ? child.span.start : start;
      const e = child.span.end < end ? child.span.end : end;
      if (e <= s) continue;
      if (runEnd < 0n || s > runEnd) {
        if (runEnd > runStart) covered += runEnd - runStart;
        runStart = s;
        runEnd = e;
      } else if (e > runEnd) {
        runEnd = e;
      }
    }
    if (runEnd > runStart) covered += runEnd - runStart;
    return (duration - covered) as Nanos;
  });
}
