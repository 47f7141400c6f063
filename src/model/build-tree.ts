import type { Nanos, Span, SpanId, SpanNode, Trace, TraceTree } from './types.js';
import { nanos } from './units.js';

/** SpanNode while it is being built; handed out typed as the readonly SpanNode. */
interface MutableSpanNode {
  span: Span;
  index: number;
  parent: MutableSpanNode | undefined;
  children: MutableSpanNode[];
  depth: number;
  parentMissing: boolean;
  duplicateId: boolean;
  cycleCut: boolean;
}

const NO_PARENT = -1;

/**
 * Where each span hangs, by input position (first pass; cutting a cycle only clears `parentOf`).
 * `parentOf[i]` is the input position of span i's parent, or NO_PARENT for a root. The children
 * named by span p, in start order, are `childList[childStart[p]]` up to `childList[childStart[p + 1]]`;
 * one that is no longer p's child after a cut is skipped by checking `parentOf`.
 */
interface Links {
  readonly parentOf: Int32Array;
  readonly childStart: Int32Array;
  readonly childList: Int32Array;
  readonly roots: number[];
  readonly parentMissing: Uint8Array;
  readonly duplicateId: Uint8Array;
  readonly cycleCut: Uint8Array;
  /** Input position of the first span with each id. */
  readonly firstById: ReadonlyMap<SpanId, number>;
}

/**
 * Rebuilds the span tree of one trace; the input is never modified.
 * Linear apart from sorting siblings by start time (n log n); iterative throughout, since real
 * traces are 70,000 levels deep.
 * - no parent id: a root;
 * - a parent id not in the trace: an extra root marked `parentMissing`;
 * - a repeated span id: every span is kept, `byId` and children go to the first one, later ones
 *   are marked `duplicateId`;
 * - a parent id equal to the span's own id, or a parent loop (A->B->A): cut, marked `cycleCut`.
 */
export function buildTree(trace: Trace): TraceTree {
  const spans = trace.spans;
  const links = linkSpans(spans);
  cutCycles(spans, links);
  const { nodes, nodeOf } = createNodesDepthFirst(spans, links);
  const byId = new Map<SpanId, SpanNode>();
  for (const [id, position] of links.firstById) byId.set(id, nodeOf[position]!);
  return {
    traceId: trace.traceId,
    roots: links.roots.map((position) => nodeOf[position]!),
    nodes,
    byId,
    ...timeBounds(spans),
    warnings: trace.warnings,
  };
}

/** First pass: the parent of every span, by input position. */
function linkSpans(spans: readonly Span[]): Links {
  const count = spans.length;
  const firstById = new Map<SpanId, number>();
  const duplicateId = new Uint8Array(count);
  spans.forEach((span, i) => {
    if (firstById.has(span.spanId)) duplicateId[i] = 1;
    else firstById.set(span.spanId, i);
  });

  const parentOf = new Int32Array(count).fill(NO_PARENT);
  const roots: number[] = [];
  const parentMissing = new Uint8Array(count);
  const cycleCut = new Uint8Array(count);
  spans.forEach((span, i) => {
    const parentId = span.parentSpanId;
    const parent = parentId === undefined ? undefined : firstById.get(parentId);
    if (parentId === undefined) {
      roots.push(i);
    } else if (parentId === span.spanId) {
      cycleCut[i] = 1;
      roots.push(i);
    } else if (parent === undefined) {
      parentMissing[i] = 1;
      roots.push(i);
    } else {
      parentOf[i] = parent;
    }
  });
  return {
    parentOf,
    ...listChildren(spans, parentOf),
    roots,
    parentMissing,
    duplicateId,
    cycleCut,
    firstById,
  };
}

/** Every span's children in one flat list, grouped by parent, each group in start order. */
function listChildren(
  spans: readonly Span[],
  parentOf: Int32Array,
): { childStart: Int32Array; childList: Int32Array } {
  const count = spans.length;
  const childStart = new Int32Array(count + 1);
  for (const parent of parentOf) if (parent !== NO_PARENT) childStart[parent + 1]!++;
  for (let p = 0; p < count; p++) childStart[p + 1]! += childStart[p]!;
  const filled = childStart.slice(0, count);
  const childList = new Int32Array(childStart[count]!);
  parentOf.forEach((parent, i) => {
    if (parent !== NO_PARENT) childList[filled[parent]!++] = i;
  });
  const byStart = (a: number, b: number): number => compareStart(spans, a, b);
  for (let p = 0; p < count; p++) {
    if (childStart[p + 1]! - childStart[p]! > 1)
      childList.subarray(childStart[p], childStart[p + 1]).sort(byStart);
  }
  return { childStart, childList };
}

/**
 * A span on a parent loop, or hanging below one, is reachable from no root:
 *
 *   R (a root)       A --> B --> C --> A     (an arrow points at the parent)
 *                          ^
 *                          D               D hangs below the loop: unreached too
 *
 * Among the unreached spans, the earliest-starting one (ties: input order) becomes a root marked
 * `cycleCut`; everything it reaches is placed; repeat until every span is placed. Each span is cut
 * or reached once, so the loop runs at most n times. Cuts are recorded in `links` (its own arrays).
 */
function cutCycles(spans: readonly Span[], links: Links): void {
  const reached = new Uint8Array(spans.length);
  for (const root of links.roots) markReachable(root, links, reached);
  const unreached: number[] = [];
  for (let i = 0; i < spans.length; i++) if (!reached[i]) unreached.push(i);
  unreached.sort((a, b) => compareStart(spans, a, b));
  for (const position of unreached) {
    if (reached[position]) continue;
    links.parentOf[position] = NO_PARENT;
    links.cycleCut[position] = 1;
    links.roots.push(position);
    markReachable(position, links, reached);
  }
}

/** Marks `from` and everything below it; a child whose parent link was cut no longer counts. */
function markReachable(from: number, links: Links, reached: Uint8Array): void {
  const stack = [from];
  while (stack.length > 0) {
    const position = stack.pop()!;
    if (reached[position]) continue;
    reached[position] = 1;
    for (let k = links.childStart[position]!; k < links.childStart[position + 1]!; k++) {
      const child = links.childList[k]!;
      if (links.parentOf[child] === position) stack.push(child);
    }
  }
}

/**
 * Creates the nodes in depth-first pre-order from the roots, children and roots in start order.
 * Returns them in that order, and indexed by input position.
 */
function createNodesDepthFirst(
  spans: readonly Span[],
  links: Links,
): { nodes: MutableSpanNode[]; nodeOf: MutableSpanNode[] } {
  links.roots.sort((a, b) => compareStart(spans, a, b));
  const nodes: MutableSpanNode[] = [];
  const nodeOf: MutableSpanNode[] = new Array(spans.length);
  const stack: number[] = [];
  for (let i = links.roots.length - 1; i >= 0; i--) stack.push(links.roots[i]!);
  while (stack.length > 0) {
    const position = stack.pop()!;
    const parentPosition = links.parentOf[position]!;
    const parent = parentPosition === NO_PARENT ? undefined : nodeOf[parentPosition];
    const node: MutableSpanNode = {
      span: spans[position]!,
      index: nodes.length,
      parent,
      children: [],
      depth: parent === undefined ? 0 : parent.depth + 1,
      parentMissing: links.parentMissing[position] === 1,
      duplicateId: links.duplicateId[position] === 1,
      cycleCut: links.cycleCut[position] === 1,
    };
    nodes.push(node);
    nodeOf[position] = node;
    parent?.children.push(node);
    // Pushed last first, so siblings pop, and are created and appended, in start order.
    for (let k = links.childStart[position + 1]! - 1; k >= links.childStart[position]!; k--) {
      const child = links.childList[k]!;
      if (links.parentOf[child] === position) stack.push(child);
    }
  }
  return { nodes, nodeOf };
}

/** Earlier start first; equal starts keep input order. */
function compareStart(spans: readonly Span[], a: number, b: number): number {
  const startA = spans[a]!.start;
  const startB = spans[b]!.start;
  if (startA !== startB) return startA < startB ? -1 : 1;
  return a - b;
}

function timeBounds(spans: readonly Span[]): { start: Nanos; end: Nanos } {
  if (spans.length === 0) return { start: nanos(0n), end: nanos(0n) };
  let start = spans[0]!.start;
  let end = spans[0]!.end;
  for (const span of spans) {
    if (span.start < start) start = span.start;
    if (span.end > end) end = span.end;
  }
  return { start, end };
}
