import type { TraceId, TraceTree } from '../../model/types.js';
import { CallTimings, type PairTimingData } from './call-timing.js';
import { type CallPart, ClientCallCheck, type Edge } from './client-calls.js';
import { ClockSkewCheck, type SkewPart } from './clock-skew.js';
import { findLostContexts } from './context-lost.js';
import type { PropagationFinding } from './findings.js';
import { findOrphans } from './orphans.js';
import { type IndexPart, noteServedAt, TraceIndex } from './trace-index.js';

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
 * What one trace brings to the checks across traces, worked out from its tree alone. Plain data,
 * so that a worker thread can work it out and send it over (see pipeline/parallel/). `listed`: the
 * services whose spans context-lost may look into; a worker knows them beforehand (the services
 * of every trace's possible other roots) and sends only those spans.
 */
export interface TracePart {
  readonly traceId: TraceId;
  readonly spans: number;
  readonly index: IndexPart;
  readonly calls: readonly CallPart[];
  readonly skew: readonly SkewPart[];
  readonly orphans: readonly PropagationFinding[];
}

export function tracePart(
  tree: TraceTree,
  options: PropagationOptions,
  listed: 'all' | ReadonlySet<string>,
): TracePart {
  return {
    traceId: tree.traceId,
    spans: tree.nodes.length,
    index: TraceIndex.partOf(tree, listed),
    calls: ClientCallCheck.partOf(tree, options.external),
    skew: ClockSkewCheck.partOf(tree),
    orphans: findOrphans(tree),
  };
}

/**
 * Every propagation check over a set of traces; each looks across traces, not only within one.
 * Trees are added one at a time and need not be kept: what the checks look up later holds spans,
 * not trees, so a check over a big export can build each tree, add it and let it go. Parts must
 * be added in the order of their traces (earliest start, then id) for the report to be the same.
 */
export class PropagationCheck {
  readonly #index = new TraceIndex();
  readonly #calls = new ClientCallCheck();
  readonly #skew = new ClockSkewCheck();
  readonly #orphans: PropagationFinding[] = [];
  #traces = 0;
  #spans = 0;

  constructor(private readonly options: PropagationOptions) {}

  add(tree: TraceTree): void {
    this.addPart(tracePart(tree, this.options, 'all'));
  }

  addPart(part: TracePart): void {
    this.#traces++;
    this.#spans += part.spans;
    this.#index.add(part.traceId, part.index);
    this.#calls.add(part.traceId, part.calls);
    this.#skew.add(part.traceId, part.skew);
    for (const finding of part.orphans) this.#orphans.push(finding);
  }

  /** What `OrderFreeTotals` added up of parts added without those pieces. */
  addTotals(totals: OrderFreeTotalsData): void {
    this.#index.addServices(totals.services, totals.servedAt);
    for (const [caller, callee, calls] of totals.continued) this.#calls.addContinued(caller, callee, calls);
    this.#calls.addTimings(totals.timings);
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

/** The pieces of many traces' parts whose order does not matter, added up: plain data. */
export interface OrderFreeTotalsData {
  readonly services: readonly string[];
  /** Address → its service, undefined where several services answered there. */
  readonly servedAt: readonly (readonly [string, string | undefined])[];
  /** `[caller, callee, calls]` answered in their own trace. */
  readonly continued: readonly (readonly [string, string, number])[];
  /** The timings of the answered calls, per pair of services (CallTimings). */
  readonly timings: readonly PairTimingData[];
}

/**
 * Takes out of each part what does not depend on the order of traces (its services, the addresses
 * its servers answered at, its continued calls and their timings) and adds it up: a worker thread then sends these
 * totals once and slimmer parts, and the report is the same.
 */
export class OrderFreeTotals {
  readonly #services = new Set<string>();
  readonly #servedAt = new Map<string, string | undefined>();
  readonly #continued = new Map<string, [string, string, number]>();
  readonly #timings = new CallTimings();

  take(part: TracePart): TracePart {
    for (const service of part.index.services) this.#services.add(service);
    for (const [at, service] of part.index.servers) noteServedAt(this.#servedAt, at, service);
    const calls: CallPart[] = [];
    for (const call of part.calls) {
      if (call.kind === 'continued') {
        const key = `${call.caller}\u0000${call.callee}`;
        const entry = this.#continued.get(key);
        if (entry) entry[2]++;
        else this.#continued.set(key, [call.caller, call.callee, 1]);
        if (call.timing) this.#timings.add(call.caller, call.callee, call.timing);
        // The hop is a finding in the calls' order: it stays, as a call already counted.
        if (call.hop) calls.push({ ...call, counted: true });
      } else calls.push(call);
    }
    return { ...part, index: { ...part.index, services: [], servers: [] }, calls };
  }

  data(): OrderFreeTotalsData {
    return {
      services: [...this.#services],
      servedAt: [...this.#servedAt],
      continued: [...this.#continued.values()],
      timings: this.#timings.data(),
    };
  }
}
