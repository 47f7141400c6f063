import type { Nanos, Span, SpanId, SpanNode, Trace, TraceTree } from './types.js';

interface MutableNode {
  span: Span;
  input: number;
  index: number;
  parent: MutableNode | undefined;
  children: MutableNode[];
  depth: number;
  parentMissing: boolean;
  duplicateId: boolean;
  cycleCut: boolean;
}

const byStart = (a: MutableNode, b: MutableNode): number =>
  a.span.start < b.span.start ? -1 : a.span.start > b.span.start ? 1 : a.input - b.input;

/**
 * Rebuilds the span tree of one trace. Linear apart from sorting siblings, iterative throughout
 * (real traces are 70,000 levels deep), and the input is never modified.
 * - a parent id not in the trace makes the span an extra root marked `parentMissing`;
 * - duplicate span ids: every span is kept; children attach to the first span with that id;
 * - parent cycles (A→B→A) are cut at the earliest-starting span of the loop, marked `cycleCut`.
 */
export function buildTree(trace: Trace): TraceTree {
  const nodes: MutableNode[] = trace.spans.map((span, input) => ({
    span,
    input,
    index: -1,
    parent: undefined,
    children: [],
    depth: 0,
    parentMissing: false,
    duplicateId: false,
    cycleCut: false,
  }));
  const byId = new Map<SpanId, MutableNode>();
  for (const node of nodes) {
    if (byId.has(node.span.spanId)) node.duplicateId = true;
    else byId.set(node.span.spanId, node);
  }
  const roots: MutableNode[] = [];
  for (const node of nodes) {
    const parentId = node.span.parentSpanId;
    if (parentId === undefined) {
      roots.push(node);
    } else if (parentId === node.span.spanId) {
      node.cycleCut = true;
      roots.push(node);
    } else {
      const parent = byId.get(parentId);
      if (parent === undefined || parent === node) {
        node.parentMissing = parent === undefined;
        node.cycleCut = parent === node;
        roots.push(node);
      } else {
        node.parent = parent;
        parent.children.push(node);
      }
    }
  }
  cutCycles(nodes, roots);
  for (const node of nodes) if (node.children.length > 1) node.children.sort(byStart);
  roots.sort(byStart);
  const order = numberDepthFirst(roots, nodes.length);

  let start = 0n;
  let end = 0n;
  if (nodes.length > 0) {
    start = nodes[0]!.span.start;
    end = nodes[0]!.span.end;
    for (const { span } of nodes) {
      if (span.start < start) start = span.start;
      if (span.end > end) end = span.end;
    }
  }
  return {
    traceId: trace.traceId,
    roots: roots as unknown as SpanNode[],
    nodes: order as unknown as SpanNode[],
    byId: byId as unknown as ReadonlyMap<SpanId, SpanNode>,
    start: start as Nanos,
    end: end as Nanos,
    warnings: trace.warnings,
  };
}

/**
 * Spans on a parent loop are reachable from no root. Cut each loop at its earliest-starting span
 * (ties: input order), which becomes a root; repeat until every span is reachable.
 */
function cutCycles(nodes: readonly MutableNode[], roots: MutableNode[]): void {
  const reached = new Uint8Array(nodes.length);
  const stack: MutableNode[] = [];
  const reach = (from: MutableNode): void => {
    stack.push(from);
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (reached[node.input]) continue;
      reached[node.input] = 1;
      for (const child of node.children) stack.push(child);
    }
  };
  for (const root of roots) reach(root);
  const unreached = nodes.filter((n) => !reached[n.input]);
  if (unreached.length === 0) return;
  unreached.sort(byStart);
  for (const node of unreached) {
    if (reached[node.input]) continue;
    const parent = node.parent!;
    parent.children = parent.children.filter((c) => c !== node);
    node.parent = undefined;
    node.cycleCut = true;
    roots.push(node);
    reach(node);
  }
}

/** Pre-order numbering and depths, children in the order given. */
function numberDepthFirst(roots: readonly MutableNode[], count: number): MutableNode[] {
  const order: MutableNode[] = [];
  order.length = 0;
  const stack: MutableNode[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push(roots[i]!);
  while (stack.length > 0 && order.length <= count) {
    const node = stack.pop()!;
    node.index = order.length;
    node.depth = node.parent ? node.parent.depth + 1 : 0;
    order.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return order;
}
