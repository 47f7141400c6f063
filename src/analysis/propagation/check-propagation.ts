import type { TraceTree } from '../../model/types.js';
import { checkClientCalls, type Edge } from './client-calls.js';
import { findClockSkew } from './clock-skew.js';
import { findLostContexts } from './context-lost.js';
import type { PropagationFinding } from './findings.js';
import { findOrphans } from './orphans.js';
import { TraceIndex } from './trace-index.js';

export interface PropagationReport {
  readonly traces: number;
  readonly spans: number;
  readonly findings: readonly PropagationFinding[];
  /** Worst first: the lowest share of calls that continued (or linked), then the most calls. */
  readonly edges: readonly Edge[];
}

export interface PropagationOptions {
  /** Peers (service names, hosts, host:port) known to be outside: calls to them are never flagged. */
  readonly external: ReadonlySet<string>;
}

/** Every propagation check over a set of traces: each looks across traces, not only within one. */
export function checkPropagation(
  trees: readonly TraceTree[],
  options: PropagationOptions,
): PropagationReport {
  const index = new TraceIndex(trees);
  const calls = checkClientCalls(trees, index, options.external);
  const findings = [
    ...calls.findings,
    ...findLostContexts(index),
    ...trees.flatMap(findOrphans),
    ...findClockSkew(trees),
  ];
  const share = (e: Edge) => (e.continued + e.linked) / e.calls;
  const edges = [...calls.edges].sort(
    (a, b) =>
      share(a) - share(b) || b.calls - a.calls || (a.caller + a.callee < b.caller + b.callee ? -1 : 1),
  );
  return {
    traces: trees.length,
    spans: trees.reduce((n, t) => n + t.nodes.length, 0),
    findings,
    edges,
  };
}

/** The part of a report about one service: its own spans' findings, those naming it as the peer, its edges. */
export function focusReport(report: PropagationReport, service: string | undefined): PropagationReport {
  if (service === undefined) return report;
  return {
    ...report,
    findings: report.findings.filter(
      (f) => f.service === service || ('peerService' in f && f.peerService === service),
    ),
    edges: report.edges.filter((e) => e.caller === service || e.callee === service),
  };
}
