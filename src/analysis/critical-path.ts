import type { Nanos, SpanNode, TraceTree } from '../model/types.js';

/** A stretch of time during which `node` itself was what the trace waited on. */
export interface CriticalSection {
  readonly node: SpanNode;
  readonly start: Nanos;
  readonly end: Nanos;
}

interface Interval {
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * The critical path, after Jaeger UI's algorithm (TracePage/CriticalPath), written as a loop.
 *
 * Children are first fitted into their parent (Jaeger's "sanitize" step): a child that starts
 * after its parent ended is ignored with its subtree; one that overflows is clipped.
 *
 * Then, walking back from the end of the root:
 *
 *   root   |==================================================|
 *   A        |======|                                             ends first
 *   B                  |=====================|                     last finishing child
 *   B1                   |=====|   |=======|                       B's children
 *
 *   1. in `root`, the last finishing child is B: root owns (B.end, root.end]; descend into B;
 *   2. in B, the last finishing child is B1b: B owns (B1b.end, B.end]; descend;
 *   3. B1b has no children: it owns all of itself; step up into B, now looking only at
 *      children that finished before B1b started (B1a) … and so on;
 *   4. when nothing finishes before the bound, the span owns (its start, bound] and the walk steps up.
 *
 * Sections come out in time order. Iterative and bounded: deep chains cannot overflow the stack.
 */
export function findCriticalPath(tree: TraceTree): CriticalSection[] {
  const root = pickRoot(tree.roots);
  if (!root) return [];
  const fitted = fitIntoParents(tree, root);
  const sections: CriticalSection[] = [];
  let current: SpanNode = root;
  let bound = fitted.get(root)!.end;
  // Each step descends to a child or steps up with a strictly earlier bound: 2n + 1 steps at most.
  for (let steps = 0; steps <= 2 * tree.nodes.length + 1; steps++) {
    const own = fitted.get(current)!;
    const child = lastFinishingChild(current, fitted, bound);
    if (child) {
      const childEnd = fitted.get(child)!.end;
      if (childEnd !== bound) sections.push({ node: current, start: childEnd as Nanos, end: bound as Nanos });
      current = child;
      bound = fitted.get(child)!.end;
      continue;
    }
    if (own.start !== bound) sections.push({ node: current, start: own.start as Nanos, end: bound as Nanos });
    if (current === root || !current.parent) break;
    bound = own.start;
    current = current.parent;
  }
  return sections.reverse();
}

export function criticalPathIndexes(sections: readonly CriticalSection[]): Set<number> {
  return new Set(sections.map((s) => s.node.index));
}

/** The root that ends last (ties: the longest) is the one the trace's end waits on. */
function pickRoot(roots: readonly SpanNode[]): SpanNode | undefined {
  let best: SpanNode | undefined;
  for (const root of roots) {
    if (
      !best ||
      root.span.end > best.span.end ||
      (root.span.end === best.span.end && root.span.start < best.span.start)
    ) {
      best = root;
    }
  }
  return best;
}

/**
 * Each span's interval clipped into its (clipped) parent, for the subtree of `root`. A span that
 * starts after its parent ended, or ends before it started, is left out with its subtree.
 *
 *   parent   |----------|
 *   child          |---------|      clipped to |----|
 *   child                      |--|  left out
 */
function fitIntoParents(tree: TraceTree, root: SpanNode): Map<SpanNode, Interval> {
  const fitted = new Map<SpanNode, Interval>();
  fitted.set(root, { start: root.span.start, end: root.span.end });
  // Pre-order: a parent is fitted before its children. The subtree of `root` is contiguous.
  for (let i = root.index + 1; i < tree.nodes.length; i++) {
    const node = tree.nodes[i]!;
    if (node.depth <= root.depth) break;
    const parent = node.parent ? fitted.get(node.parent) : undefined;
    if (!parent) continue;
    const start = node.span.start > parent.start ? node.span.start : parent.start;
    const end = node.span.end < parent.end ? node.span.end : parent.end;
    if (node.span.start >= parent.end || node.span.end <= parent.start || end < start) continue;
    fitted.set(node, { start, end });
  }
  return fitted;
}

/** Among the fitted children that finished strictly before `bound` (or at it, on the way down), the one that finished last. */
function lastFinishingChild(
  node: SpanNode,
  fitted: Map<SpanNode, Interval>,
  bound: bigint,
): SpanNode | undefined {
  const own = fitted.get(node)!;
  const descending = bound === own.end;
  let best: SpanNode | undefined;
  let bestEnd = -1n;
  for (const child of node.children) {
    const interval = fitted.get(child);
    if (!interval) continue;
    const fits = descending ? interval.end <= bound : interval.end < bound;
    if (fits && interval.end > bestEnd) {
      best = child;
      bestEnd = interval.end;
    }
  }
  return best;
}
