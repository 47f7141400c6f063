import type { Nanos, SpanNode, TraceTree } from '../model/types.js';
import { nanos } from '../model/units.js';

/** A stretch of time during which the trace was waiting on `node` itself, not on its children. */
export interface CriticalSection {
  readonly node: SpanNode;
  readonly start: Nanos;
  readonly end: Nanos;
}

/**
 * Every span's interval once fitted into its parent, by node index (see fitIntoParents).
 * `kept[i]` is 0 for spans outside the root's subtree and for spans left out with their subtree.
 */
interface Fitted {
  readonly kept: Uint8Array;
  readonly start: bigint[];
  readonly end: bigint[];
}

/**
 * The critical path of the trace: the chain of work its end waited on, as sections in time order.
 * The algorithm is Jaeger UI's (TracePage/CriticalPath), written as a bounded loop instead of
 * recursion, over children first fitted into their parents (see fitIntoParents). It walks back in
 * time from the end of the root that ends last:
 *
 *   ms       0    10   20   30   40   50   60   70   80   90   100
 *   root     |=================================================|
 *   A           |------|                                          finishes before B starts
 *   C             |-----------------|                             overlaps B: not waited on
 *   B                     |-------------------------------|       root's last finishing child
 *   B1a B1b                 |----|    |--------------|            children of B
 *
 *   1. descend: root waits on its last finishing child B; root owns 90-100. In B, the last
 *      finishing child is B1b: B owns 80-90. B1b has no children: it owns 50-80.
 *   2. step back: up into B, which now only looks at children that finished before B1b started
 *      (50): B1a, so B owns 40-50 and B1a 30-40. Nothing finished before 30: B owns 26-30.
 *   3. up: root looks at children finished before 26 (B's start): A, not C. root owns 20-26, A 6-20,
 *      and with nothing finished before 6, root owns 0-6. The walk ends at the root.
 *
 *   path: root 0-6, A 6-20, root 20-26, B 26-30, B1a 30-40, B 40-50, B1b 50-80, B 80-90, root 90-100
 *
 * Like Jaeger, stepping back only counts children that finished strictly before the returning
 * child started: of two back-to-back calls, the first is the parent's time. The sections tile the
 * root's interval. Unlike Jaeger: one root only, the one that ends last (Jaeger appends a path per
 * root), and a span's two sections around a zero-length child are merged into one.
 */
export function findCriticalPath(tree: TraceTree): CriticalSection[] {
  const root = pickLastEndingRoot(tree.roots);
  if (root === undefined) return [];
  const fitted = fitIntoParents(tree, root);
  const children = new ChildrenByEnd(tree.nodes.length, fitted);
  const sections: CriticalSection[] = [];
  let node = root;
  // Undefined while descending: any child will do, and the span's section runs to its end.
  // Stepping back: the start of the child just left.
  let before: bigint | undefined;
  // Every step enters a span never entered before or leaves one for good: 2n steps at most.
  for (let step = 0; step <= 2 * tree.nodes.length; step++) {
    const sectionEnd = before ?? fitted.end[node.index]!;
    const child = children.takeLastFinishing(node, before);
    if (child !== undefined) {
      pushSection(sections, node, fitted.end[child.index]!, sectionEnd);
      node = child;
      before = undefined;
      continue;
    }
    const start = fitted.start[node.index]!;
    pushSection(sections, node, start, sectionEnd);
    if (node === root || node.parent === undefined) break;
    node = node.parent;
    before = start;
  }
  return sections.reverse();
}

/** Indexes (`SpanNode.index`) of the nodes that own at least one section. */
export function criticalPathIndexes(sections: readonly CriticalSection[]): Set<number> {
  return new Set(sections.map((section) => section.node.index));
}

/**
 * Adds a section before (in time) those already found. One that continues the previous section of
 * the same span (around a zero-length child) is merged into it; an empty one is dropped.
 */
function pushSection(sections: CriticalSection[], node: SpanNode, start: bigint, end: bigint): void {
  if (start >= end) return;
  const later = sections.at(-1);
  if (later !== undefined && later.node === node && later.start === end) {
    sections[sections.length - 1] = { node, start: nanos(start), end: later.end };
  } else {
    sections.push({ node, start: nanos(start), end: nanos(end) });
  }
}

/** The root whose end the trace's end waits on: the latest end; ties, the longest; then the first. */
function pickLastEndingRoot(roots: readonly SpanNode[]): SpanNode | undefined {
  let best: SpanNode | undefined;
  for (const root of roots) {
    if (
      best === undefined ||
      root.span.end > best.span.end ||
      (root.span.end === best.span.end && root.span.start < best.span.start)
    ) {
      best = root;
    }
  }
  return best;
}

/**
 * Fits each span of the root's subtree into its parent's fitted interval, as Jaeger's
 * sanitizeOverFlowingChildren does, but into new arrays instead of rewriting the spans:
 *
 *   parent        |------------|
 *   child            |----|                  inside: kept as is
 *   child       |------|                     starts early: clipped to |----|
 *   child                |----------|        outlives the parent: clipped to |-----|
 *   child                          |---|     starts after the parent ended: left out, with its subtree
 *   child    |--|                            ended before the parent started: left out, likewise
 */
function fitIntoParents(tree: TraceTree, root: SpanNode): Fitted {
  const count = tree.nodes.length;
  const fitted: Fitted = {
    kept: new Uint8Array(count),
    start: new Array<bigint>(count).fill(0n),
    end: new Array<bigint>(count).fill(0n),
  };
  fitted.kept[root.index] = 1;
  fitted.start[root.index] = root.span.start;
  fitted.end[root.index] = root.span.end;
  // Pre-order: the root's subtree is the run of nodes after it that are deeper than it, and each
  // parent is fitted before its children.
  for (let i = root.index + 1; i < count && tree.nodes[i]!.depth > root.depth; i++) {
    const { span, parent } = tree.nodes[i]!;
    if (parent === undefined || !fitted.kept[parent.index]) continue;
    const parentStart = fitted.start[parent.index]!;
    const parentEnd = fitted.end[parent.index]!;
    const start = span.start > parentStart ? span.start : parentStart;
    const end = span.end < parentEnd ? span.end : parentEnd;
    if (span.start >= parentEnd || span.end <= parentStart || end < start) continue;
    fitted.kept[i] = 1;
    fitted.start[i] = start;
    fitted.end[i] = end;
  }
  return fitted;
}

/**
 * Each span's fitted children, latest end first (ties: start order), with a cursor. The walk asks a
 * span for its last finishing child first with no limit, then only for children finished before a
 * time that keeps moving earlier, so a child skipped or taken once is never wanted again, and each
 * span's children are scanned once in all.
 */
class ChildrenByEnd {
  readonly #fitted: Fitted;
  readonly #sorted: (SpanNode[] | undefined)[];
  readonly #next: Int32Array;

  constructor(count: number, fitted: Fitted) {
    this.#fitted = fitted;
    this.#sorted = new Array(count);
    this.#next = new Int32Array(count);
  }

  /**
   * The fitted child of `node` that finished last, strictly before `before` when given (a child
   * ending exactly then does not count, as in Jaeger); consumed.
   */
  takeLastFinishing(node: SpanNode, before: bigint | undefined): SpanNode | undefined {
    const sorted = this.#sortedChildren(node);
    const end = this.#fitted.end;
    let next = this.#next[node.index]!;
    if (before !== undefined) while (next < sorted.length && end[sorted[next]!.index]! >= before) next++;
    this.#next[node.index] = next + 1;
    return sorted[next];
  }

  #sortedChildren(node: SpanNode): SpanNode[] {
    let sorted = this.#sorted[node.index];
    if (sorted === undefined) {
      const { kept, end } = this.#fitted;
      sorted = node.children.filter((child) => kept[child.index] === 1);
      // Array.prototype.sort is stable: equal ends keep start order, so the longest comes first.
      sorted.sort((a, b) => {
        const endA = end[a.index]!;
        const endB = end[b.index]!;
        return endA === endB ? 0 : endA > endB ? -1 : 1;
      });
      this.#sorted[node.index] = sorted;
    }
    return sorted;
  }
}
