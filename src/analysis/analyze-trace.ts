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
  readonly onCriticalPath: ReadonlySet<number>;
  readonly findings: readonly Finding[];
  readonly diagnosis: Diagnosis;
}

export type AnalysisOptions = TimeoutOptions;

/** Everything `show` needs about one trace. Pure: the trace is not modified. */
export function analyzeTrace(trace: Trace, options: AnalysisOptions): TraceAnalysis {
  const tree = buildTree(trace);
  const facts = computeSpanFacts(tree, options);
  const criticalPath = findCriticalPath(tree);
  const input = { tree, facts };
  return {
    tree,
    facts,
    selfTimes: computeSelfTimes(tree),
    criticalPath,
    onCriticalPath: criticalPathIndexes(criticalPath),
    findings: TRACE_CHECKS.flatMap((check) => check(input)),
    diagnosis: diagnose(tree, facts),
  };
}
