import { buildTree } from '../model/build-tree.js';
import type { Nanos, Trace, TraceTree } from '../model/types.js';
import { TRACE_CHECKS } from './checks.js';
import { type CriticalSection, criticalPathIndexes, findCriticalPath } from './critical-path.js';
import { type Diagnosis, diagnose } from './diagnose.js';
import type { Finding } from './findings.js';
import { computeSelfTimes } from './self-time.js';
import { computeSpanFacts, type SpanFacts } from './span-facts.js';
import type { TimeoutOptions } from './timeouts.js';

export interface TraceAnalysis {
  readonly tree: TraceTree;
  /** Indexed like `tree.nodes`. */
  readonly facts: readonly SpanFacts[];
  readonly selfTimes: readonly Nanos[];
  readonly criticalPath: readonly CriticalSection[];
  /** Nodes with at least one critical-path section of their own. */
  readonly onCriticalPath: ReadonlySet<number>;
  /** Per node: time on the critical path spent in the span itself, and in its whole subtree. */
  readonly criticalTimes: readonly Nanos[];
  readonly criticalSubtreeTimes: readonly Nanos[];
  readonly findings: readonly Finding[];
  readonly diagnosis: Diagnosis;
}

export type AnalysisOptions = TimeoutOptions;

/** Just the per-span verdicts: what commands over many traces need, without the rest's garbage. */
export function analyzeFailures(
  trace: Trace,
  options: AnalysisOptions,
): Pick<TraceAnalysis, 'tree' | 'facts'> {
  const tree = buildTree(trace);
  return { tree, facts: computeSpanFacts(tree, options) };
}

/** Everything `show` needs about one trace. Pure: the trace is not modified. */
export function analyzeTrace(trace: Trace, options: AnalysisOptions): TraceAnalysis {
  const tree = buildTree(trace);
  const facts = computeSpanFacts(tree, options);
  const criticalPath = findCriticalPath(tree);
  const input = { tree, facts };
  const { own, subtree } = sumCriticalTimes(tree, criticalPath);
  return {
    criticalTimes: own,
    criticalSubtreeTimes: subtree,
    tree,
    facts,
    selfTimes: computeSelfTimes(tree),
    criticalPath,
    onCriticalPath: criticalPathIndexes(criticalPath),
    findings: TRACE_CHECKS.flatMap((check) => check(input)),
    diagnosis: diagnose(tree, facts),
  };
}

function sumCriticalTimes(
  tree: TraceTree,
  sections: readonly CriticalSection[],
): { own: Nanos[]; subtree: Nanos[] } {
  const own = new Array<bigint>(tree.nodes.length).fill(0n);
  for (const section of sections) own[section.node.index]! += section.end - section.start;
  const subtree = [...own];
  // Reverse pre-order: every child is summed before its parent is passed on.
  for (let i = tree.nodes.length - 1; i >= 0; i--) {
    const parent = tree.nodes[i]!.parent;
    if (parent) subtree[parent.index]! += subtree[i]!;
  }
  return { own: own as Nanos[], subtree: subtree as Nanos[] };
}
