import type { TraceTree } from '../../model/types.js';
import { ClientCallCheck, type Edge } from './client-calls.js';
import { ClockSkewCheck } from './clock-skew.js';
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

/**
 * Every propagation check over a set of traces; each looks across traces, not only within one.
 * Trees are added one at a time and need not be kept: what the checks look up later holds spans,
 * not trees, so a check over a big export can build each tree, add it and let it go.
 */
export class PropagationCheck {
  readonly #index = new TraceIndex();
  readonly #calls: ClientCallCheck;
  readonly #skew = new ClockSkewCheck();
  readonly #orphans: PropagationFinding[] = [];
  #traces = 0;
  #spans = 0;

  constructor(options: PropagationOptions) {
    this.#calls = new ClientCallCheck(options.external);
  }

  add(tree: TraceTree): void {
    this.#traces++;
    this.#spans += tree.nodes.length;
    this.#index.add(tree);
    this.#calls.add(tree);
    this.#skew.add(tree);
    for (const finding of findOrphans(tree)) this.#orphans.push(finding);
  }

  report(): PropagationReport {
    const index = this.#index.seal();
    const calls = this.#calls.finish(index);
    const findings = [
      ...calls.findings,
      ...findLostContexts(index),
      ...this.#orphans,
      ...this.#skew.findings(),
    ];
    const share = (e: Edge) => (e.continued + e.linked) / e.calls;
    const edges = [...calls.edges].sort(
      (a, b) =>
        share(a) - share(b) || b.calls - a.calls || (a.caller + a.callee < b.caller + b.callee ? -1 : 1),
    );
    return { traces: this.#traces, spans: this.#spans, findings, edges };
  }
}

/** Every propagation check over trees already built. */
export function checkPropagation(
  trees: readonly TraceTree[],
  options: PropagationOptions,
): PropagationReport {
  const check = new PropagationCheck(options);
  for (const tree of trees) check.add(tree);
  return check.report();
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
