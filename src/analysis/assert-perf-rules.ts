import type { SpanNode, TraceId, TraceTree } from '../model/types.js';
import { type Call, callOf, childCalls } from './perf/calls.js';
import type { PerfFinding } from './perf/perf-findings.js';
import { sequentialRuns } from './perf/sequential-calls.js';

/**
 * The performance rules of `assert` (assert-rules.ts): `no-n-plus-one`, `max-calls` and
 * `max-sequential`, with calls as `otrace perf` reads them (perf/calls.ts: database, CLIENT and
 * PRODUCER spans). Each gives what assert-rules.ts makes a result of: whether it passed, the
 * evidence (worst first, one item a trace at most), the spans or traces looked at, what was measured.
 */
export interface PerfRuleOutcome {
  readonly passed: boolean;
  readonly evidence: { traceId: TraceId; spanId: string | undefined; detail: string }[];
  readonly matched: number;
  readonly measured: Record<string, number | string>;
}

interface Traced {
  readonly tree: TraceTree;
}

type Selects = (node: SpanNode) => boolean;

type NPlusOne = Extract<PerfFinding, { kind: 'n-plus-one' }>;

/** Every N+1 loop (perf/n-plus-one.ts) whose parent, the span that made the calls, is selected. */
export function checkNoNPlusOne<T extends Traced>(
  traces: readonly T[],
  findingsOf: (t: T) => readonly PerfFinding[],
  selects: Selects,
): PerfRuleOutcome {
  let matched = 0;
  const loops: { tree: TraceTree; parent: SpanNode; finding: NPlusOne }[] = [];
  for (const t of traces) {
    for (const node of t.tree.nodes) if (selects(node)) matched++;
    for (const finding of findingsOf(t)) {
      const parent = t.tree.byId.get(finding.spanId);
      if (finding.kind === 'n-plus-one' && parent !== undefined && selects(parent))
        loops.push({ tree: t.tree, parent, finding });
    }
  }
  loops.sort((a, b) => b.finding.savedMs - a.finding.savedMs);
  return {
    passed: loops.length === 0,
    evidence: loops.map(({ tree, parent, finding }) =>
      evidenceAt(
        tree,
        parent,
        `${finding.count} calls one by one, ${millis(finding.savedMs)} to save by batching: ${finding.shape}`,
      ),
    ),
    matched,
    measured: { count: loops.length },
  };
}

/**
 * The calls of each trace (`perTrace`), or below each selected span, in whatever service they are
 * made; a trace over `max` is shown by its busiest span.
 */
export function checkMaxCalls(
  traces: readonly Traced[],
  max: number,
  perTrace: boolean,
  selects: Selects,
): PerfRuleOutcome {
  let matched = 0;
  let most = 0;
  const over: { tree: TraceTree; node: SpanNode | undefined; calls: number }[] = [];
  for (const { tree } of traces) {
    let worst: { node: SpanNode | undefined; calls: number } | undefined;
    if (perTrace) {
      matched++;
      worst = { node: undefined, calls: callsIn(tree) };
    } else {
      const below = callsBelow(tree);
      for (const node of tree.nodes) {
        if (!selects(node)) continue;
        matched++;
        if (worst === undefined || below[node.index]! > worst.calls)
          worst = { node, calls: below[node.index]! };
      }
    }
    if (worst === undefined) continue;
    most = Math.max(most, worst.calls);
    if (worst.calls > max) over.push({ tree, ...worst });
  }
  over.sort((a, b) => b.calls - a.calls);
  return {
    passed: over.length === 0,
    evidence: over.map(({ tree, node, calls }) =>
      node === undefined
        ? {
            traceId: tree.traceId,
            spanId: undefined,
            detail: `${calls} calls${commonestText(tree, undefined)}`,
          }
        : evidenceAt(tree, node, `${calls} calls below it${commonestText(tree, node)}`),
    ),
    matched,
    measured: { most, per: perTrace ? 'trace' : 'span' },
  };
}

/** The longest run of calls one after another under one selected span. */
export function checkMaxSequential(
  traces: readonly Traced[],
  max: number,
  selects: Selects,
): PerfRuleOutcome {
  let matched = 0;
  let longest = 0;
  const over: { tree: TraceTree; node: SpanNode; run: readonly Call[] }[] = [];
  for (const { tree } of traces) {
    let worst: { node: SpanNode; run: readonly Call[] } | undefined;
    for (const node of tree.nodes) {
      if (!selects(node)) continue;
      matched++;
      const run = longestSequentialRun(node);
      if (worst === undefined || run.length > worst.run.length) worst = { node, run };
    }
    if (worst === undefined) continue;
    longest = Math.max(longest, worst.run.length);
    if (worst.run.length > max) over.push({ tree, ...worst });
  }
  over.sort((a, b) => b.run.length - a.run.length);
  return {
    passed: over.length === 0,
    evidence: over.map(({ tree, node, run }) =>
      evidenceAt(
        tree,
        node,
        `${run.length} calls one after another: ${[...new Set(run.map((c) => c.shape))].join(' → ')}`,
      ),
    ),
    matched,
    measured: { longest },
  };
}

/** Per node (indexed like `tree.nodes`): the calls below it, at any depth, itself not counted. */
export function callsBelow(tree: TraceTree): number[] {
  const { nodes } = tree;
  const below = new Array<number>(nodes.length).fill(0);
  // Reverse pre-order: every child is summed before its parent is passed on.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const parent = nodes[i]!.parent;
    if (parent) below[parent.index]! += below[i]! + (callOf(nodes[i]!) === undefined ? 0 : 1);
  }
  return below;
}

/**
 * The longest run of a span's calls one after another, each starting as (or after) the one before
 * it ended, of any kind (a loop, a chain of different calls, the attempts of a retry), cut as
 * `perf` cuts runs (perf/sequential-calls.ts):
 *
 *   GET /checkout  |-auth-||--stock--||-price-|          auth, stock, price: a run of 3
 *                                         |--tax--|      starts before price ends: a new run
 */
export function longestSequentialRun(parent: SpanNode): readonly Call[] {
  let longest: Call[] = [];
  for (const run of sequentialRuns(childCalls(parent))) if (run.length > longest.length) longest = run;
  return longest;
}

function callsIn(tree: TraceTree): number {
  let count = 0;
  for (const node of tree.nodes) if (callOf(node) !== undefined) count++;
  return count;
}

/** ` (the commonest: SELECT … ×40)`: what to look at first, where calls below `root` repeat a shape. */
function commonestText(tree: TraceTree, root: SpanNode | undefined): string {
  const counts = new Map<string, number>();
  const stack: SpanNode[] = root ? [...root.children] : [...tree.roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const call = callOf(node);
    if (call) counts.set(call.shape, (counts.get(call.shape) ?? 0) + 1);
    for (const child of node.children) stack.push(child);
  }
  let best: [string, number] | undefined;
  for (const entry of counts) if (best === undefined || entry[1] > best[1]) best = entry;
  return best && best[1] > 1 ? ` (the commonest: ${best[0]} ×${best[1]})` : '';
}

function evidenceAt(tree: TraceTree, node: SpanNode, detail: string) {
  return {
    traceId: tree.traceId,
    spanId: node.span.spanId,
    detail: `${node.span.service} › ${node.span.name}: ${detail}`,
  };
}

const millis = (ms: number): string => `${ms.toFixed(1)} ms`;
