import type { Span, SpanNode, TraceId, TraceTree } from '../../model/types.js';
import {
  type CalledPeer,
  calledPeer,
  isDatabaseCall,
  peerLabel,
  sameAddress,
  servedAt,
  serviceNamedBy,
} from '../peers.js';
import { detectError } from '../span-errors.js';
import {
  type CallTiming,
  CallTimings,
  callTimingOf,
  type PairTimingData,
  type TimingLookup,
} from './call-timing.js';
import { matchCallees, type UnansweredCall } from './callee-match.js';
import type { PropagationFinding } from './findings.js';
import type { TraceLookup } from './trace-index.js';

/** Per caller → callee pair of services: how its calls went. */
export interface Edge {
  readonly caller: string;
  readonly callee: string;
  calls: number;
  /** The callee's span is in the caller's trace. */
  continued: number;
  /** The callee started its own trace with a link back (queues, Next.js): not broken. */
  linked: number;
  splitTrace: number;
  unanswered: number;
}

/** One call of a tree: answered in it, or waiting for the other traces. */
export type CallPart =
  | {
      readonly kind: 'continued';
      readonly caller: string;
      readonly callee: string;
      readonly hop: PropagationFinding | undefined;
      /** The clocks and the wire (callTimingOf), when a request got its answer. */
      readonly timing: CallTiming | undefined;
      /** Already counted in totals added separately (see OrderFreeTotals): only the hop is left. */
      readonly counted?: boolean;
    }
  | { readonly kind: 'pending'; readonly span: Span; readonly peer: CalledPeer };

/** A call in the order calls are noted: a finding already (a hidden hop), or one waiting for the other traces. */
export type NotedCall = PropagationFinding | WaitingCall;

/** A call with no answer in its own trace, and what it says it called (its peer's service is looked up later). */
export type WaitingCall = Omit<UnansweredCall, 'peerService'>;

type Outcome = 'continued' | 'linked' | 'splitTrace' | 'unanswered';

/**
 * Every CLIENT and PRODUCER span that calls a service: continued (a SERVER/CONSUMER child),
 * linked (a root elsewhere links to it), split (a root of the callee started inside the call in
 * another trace) or unanswered. Database calls, and calls to hosts that are not services in the
 * data (or are declared external), are none of these and are left alone.
 *
 * Trees are added one at a time, as parts: a continued call is judged at once, from its own
 * tree; the others wait for `finish`, when every trace is indexed. Findings keep the calls' order.
 */
export class ClientCallCheck {
  readonly #found: NotedCall[] = [];
  readonly #edges = new Map<string, Edge>();
  readonly #timings = new CallTimings();

  /** What a tree's calls bring, in tree order: plain data (see PropagationCheck). */
  static partOf(tree: TraceTree, external: ReadonlySet<string>): CallPart[] {
    const out: CallPart[] = [];
    for (const node of tree.nodes) {
      const { span } = node;
      if ((span.kind !== 'client' && span.kind !== 'producer') || isDatabaseCall(span)) continue;
      const peer = calledPeer(span);
      if (isExternal(peer, external)) continue;
      const answer = node.children.find((c) => c.span.kind === 'server' || c.span.kind === 'consumer');
      if (answer) {
        const hop = hiddenHop(tree.traceId, node, answer, peer);
        // A message may be consumed long after it was sent: only a request and its answer line the clocks up.
        const request = span.kind === 'client' && answer.span.kind === 'server' && !detectError(span);
        const timing = request ? callTimingOf(span, answer.span) : undefined;
        out.push({ kind: 'continued', caller: span.service, callee: answer.span.service, hop, timing });
      } else out.push({ kind: 'pending', span, peer });
    }
    return out;
  }

  /** A continued call is judged at once, from its own tree; the others wait for `finish`. */
  add(traceId: TraceId, parts: readonly CallPart[]): void {
    for (const part of parts) {
      if (part.kind === 'continued') {
        if (!part.counted) {
          this.#count(part.caller, part.callee, 'continued');
          if (part.timing) this.#timings.add(part.caller, part.callee, part.timing);
        }
        if (part.hop) this.#found.push(part.hop);
      } else this.#found.push({ call: { traceId, span: part.span }, peer: part.peer });
    }
  }

  /** Judges the calls left waiting against the complete (sealed) index, all at once (judgeCalls). */
  finish(index: TraceLookup): { findings: PropagationFinding[]; edges: Edge[] } {
    const findings = judgeCalls(this.#found, index, this.#timings, (caller, callee, outcome) =>
      this.#count(caller, callee, outcome),
    );
    return { findings, edges: [...this.#edges.values()] };
  }

  /**
   * Calls counted elsewhere (another thread's traces): continued calls are judged on their own,
   * and their timings line the clocks up for the calls that did not continue.
   */
  addContinued(caller: string, callee: string, calls: number): void {
    this.#count(caller, callee, 'continued', calls);
  }

  /** Timings of answered calls learnt elsewhere (another thread's traces). */
  addTimings(timings: readonly PairTimingData[]): void {
    for (const pair of timings) this.#timings.addData(pair);
  }

  #count(caller: string, callee: string, outcome: Outcome, calls = 1) {
    const key = `${caller}\u0000${callee}`;
    let edge = this.#edges.get(key);
    if (!edge) {
      edge = { caller, callee, calls: 0, continued: 0, linked: 0, splitTrace: 0, unanswered: 0 };
      this.#edges.set(key, edge);
    }
    edge.calls += calls;
    edge[outcome] += calls;
  }
}

/**
 * The findings of calls in the order they were noted: a hidden hop as it is; a waiting call
 * linked to (by a root elsewhere: not broken, no finding), split (paired with the root of another
 * trace that answered it: matchCallees, all calls at once) or unanswered. `count` hears what
 * became of each call judged, for the edge table.
 */
export function judgeCalls(
  noted: readonly NotedCall[],
  index: TraceLookup,
  timings: TimingLookup,
  count: (caller: string, callee: string, outcome: Outcome) => void = () => {},
): PropagationFinding[] {
  const waiting: UnansweredCall[] = [];
  for (const entry of noted) {
    if (!('call' in entry)) continue;
    const { call, peer } = entry;
    const linker = index.linkedFrom.get(`${call.traceId}/${call.span.spanId}`);
    if (linker !== undefined) count(call.span.service, linker, 'linked');
    else waiting.push({ ...entry, peerService: serviceOf(peer, index) });
  }
  const matches = matchCallees(waiting, index, timings);
  const findings: PropagationFinding[] = [];
  let next = 0;
  for (const entry of noted) {
    if (!('call' in entry)) {
      findings.push(entry);
      continue;
    }
    if (waiting[next]?.call !== entry.call) continue;
    const { call, peer, peerService } = waiting[next]!;
    const match = matches[next++];
    const { span, traceId } = call;
    if (match) {
      const { root, cause, alternatives } = match;
      count(span.service, root.span.service, 'splitTrace');
      findings.push({
        kind: 'split-trace',
        traceId,
        spanId: span.spanId,
        service: span.service,
        operation: span.name,
        peer: peerLabel(peer),
        peerService: root.span.service,
        relatedTraceId: root.traceId,
        relatedSpanId: root.span.spanId,
        relatedOperation: root.span.name,
        cause,
        ...(alternatives.length > 0 && {
          alternatives: alternatives.map((a) => ({ traceId: a.traceId, spanId: a.span.spanId })),
        }),
      });
    } else if (peerService !== undefined && peerService !== span.service && span.kind === 'client') {
      // A client span that names its own service is the stand-in of a remote that is not traced
      // (HotROD reports its simulated MySQL calls as service "mysql" calling "mysql"): nobody
      // else was to answer it.
      count(span.service, peerService, 'unanswered');
      findings.push({
        kind: 'unanswered-client',
        traceId,
        spanId: span.spanId,
        service: span.service,
        operation: span.name,
        peer: peerLabel(peer),
        peerService,
      });
    }
  }
  return findings;
}

function isExternal(peer: CalledPeer, external: ReadonlySet<string>): boolean {
  return [peer.service, peer.address, peer.host].some((p) => p !== undefined && external.has(p));
}

/**
 * The service the client named: stated (peer.service), a host named like a service (or whose
 * first label is one: `order-service.shop.svc.cluster.local`), or the
 * service whose SERVER spans were reached at that address. The host comes before the address: a
 * proxy that forwards Host makes the services behind it look reached at the proxy's address.
 */
function serviceOf(peer: CalledPeer, index: TraceLookup): string | undefined {
  if (peer.service !== undefined && index.services.has(peer.service)) return peer.service;
  const named = peer.host === undefined ? undefined : serviceNamedBy(peer.host, index.services);
  if (named !== undefined) return named;
  return peer.address === undefined ? undefined : index.serviceAt.get(peer.address);
}

/**
 * A connected call where the client named one address and the server was reached at another: an
 * uninstrumented proxy in between that forwards the headers (worth knowing, not broken).
 */
function hiddenHop(
  traceId: TraceId,
  client: SpanNode,
  server: SpanNode,
  peer: CalledPeer,
): PropagationFinding | undefined {
  const at = servedAt(server.span);
  if (peer.address === undefined || at === undefined || sameAddress(at, peer.address)) return undefined;
  if (peer.service === server.span.service) return undefined;
  if (peer.host !== undefined && serviceNamedBy(peer.host, new Set([server.span.service])) !== undefined)
    return undefined;
  return {
    kind: 'hidden-hop',
    traceId,
    spanId: client.span.spanId,
    service: client.span.service,
    operation: client.span.name,
    peer: peer.address,
    peerService: server.span.service,
    relatedSpanId: server.span.spanId,
    servedAt: at,
  };
}
