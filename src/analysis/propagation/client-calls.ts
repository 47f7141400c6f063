import type { Span, SpanNode, TraceId, TraceTree } from '../../model/types.js';
import { type CalledPeer, calledPeer, isDatabaseCall, peerLabel, servedAt } from '../peers.js';
import type { PropagationFinding } from './findings.js';
import type { Located, TraceIndex } from './trace-index.js';

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

/** A callee root may start this long before the client span (clocks, rounding). */
const SLACK = 5_000_000n;

/** One call of a tree: answered in it, or waiting for the other traces. */
export type CallPart =
  | {
      readonly kind: 'continued';
      readonly caller: string;
      readonly callee: string;
      readonly hop: PropagationFinding | undefined;
      /** Already counted in totals added separately (see OrderFreeTotals): only the hop is left. */
      readonly counted?: boolean;
    }
  | { readonly kind: 'pending'; readonly span: Span; readonly peer: CalledPeer };

/** A call with no answer in its own trace: judged once every trace is indexed. */
interface PendingCall {
  readonly pending: Located;
  readonly peer: CalledPeer;
}

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
  readonly #found: (PropagationFinding | PendingCall)[] = [];
  readonly #edges = new Map<string, Edge>();

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
        out.push({ kind: 'continued', caller: span.service, callee: answer.span.service, hop });
      } else out.push({ kind: 'pending', span, peer });
    }
    return out;
  }

  /** A continued call is judged at once, from its own tree; the others wait for `finish`. */
  add(traceId: TraceId, parts: readonly CallPart[]): void {
    for (const part of parts) {
      if (part.kind === 'continued') {
        if (!part.counted) this.#count(part.caller, part.callee, 'continued');
        if (part.hop) this.#found.push(part.hop);
      } else this.#found.push({ pending: { traceId, span: part.span }, peer: part.peer });
    }
  }

  /** Judges the calls left waiting against the complete (sealed) index. */
  finish(index: TraceIndex): { findings: PropagationFinding[]; edges: Edge[] } {
    const claimed = new Set<Located>();
    const findings: PropagationFinding[] = [];
    for (const entry of this.#found) {
      if (!('pending' in entry)) {
        findings.push(entry);
        continue;
      }
      const { pending, peer } = entry;
      const { span, traceId } = pending;
      const linker = index.linkedFrom.get(`${traceId}/${span.spanId}`);
      if (linker !== undefined) {
        this.#count(span.service, linker, 'linked');
        continue;
      }
      const peerService = serviceOf(peer, index);
      const root = findCalleeRoot(pending, peer, peerService, index, claimed);
      if (root) {
        claimed.add(root.located);
        this.#count(span.service, root.located.span.service, 'splitTrace');
        findings.push({
          kind: 'split-trace',
          traceId,
          spanId: span.spanId,
          service: span.service,
          operation: span.name,
          peer: peerLabel(peer),
          peerService: root.located.span.service,
          relatedTraceId: root.located.traceId,
          relatedSpanId: root.located.span.spanId,
          relatedOperation: root.located.span.name,
          cause: root.cause,
        });
      } else if (peerService !== undefined && peerService !== span.service && span.kind === 'client') {
        // A client span that names its own service is the stand-in of a remote that is not traced
        // (HotROD reports its simulated MySQL calls as service "mysql" calling "mysql"): nobody
        // else was to answer it.
        this.#count(span.service, peerService, 'unanswered');
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
    return { findings, edges: [...this.#edges.values()] };
  }

  /** Calls counted elsewhere (another thread's traces): continued calls are judged on their own. */
  addContinued(caller: string, callee: string, calls: number): void {
    this.#count(caller, callee, 'continued', calls);
  }

  #count(
    caller: string,
    callee: string,
    outcome: 'continued' | 'linked' | 'splitTrace' | 'unanswered',
    calls = 1,
  ) {
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

function isExternal(peer: CalledPeer, external: ReadonlySet<string>): boolean {
  return [peer.service, peer.address, peer.host].some((p) => p !== undefined && external.has(p));
}

/**
 * The service the client named: stated (peer.service), a host named like a service, or the
 * service whose SERVER spans were reached at that address. The host comes before the address: a
 * proxy that forwards Host makes the services behind it look reached at the proxy's address.
 */
function serviceOf(peer: CalledPeer, index: TraceIndex): string | undefined {
  if (peer.service !== undefined && index.services.has(peer.service)) return peer.service;
  if (peer.host !== undefined && index.services.has(peer.host)) return peer.host;
  return peer.address === undefined ? undefined : index.serviceAt.get(peer.address);
}

/**
 * The far side of a broken call: a root SERVER/CONSUMER span in another trace that started while
 * the client waited.
 *
 *   trace A  |--CLIENT GET → order-service----------|      no SERVER child
 *   trace B       |--SERVER GET (order-service)--|         a root: it did not continue A
 *
 * The callee the client named wins: the callee did not extract the context. Failing that, for a
 * CLIENT span whose peer is no service in the data (a proxy's address), the one root of another
 * service that ran entirely inside the call: a hop between them dropped the headers. Several such
 * roots say nothing certain, and nothing is claimed.
 */
function findCalleeRoot(
  call: Located,
  peer: CalledPeer,
  peerService: string | undefined,
  index: TraceIndex,
  claimed: ReadonlySet<Located>,
): { located: Located; cause: 'callee-did-not-extract' | 'hop-dropped-context' } | undefined {
  const { span } = call;
  const candidates = index
    .calleeRootsStartingIn(span.start - SLACK, span.end + SLACK)
    .filter((c) => c.traceId !== call.traceId && !claimed.has(c));
  const named = candidates.find(
    (c) =>
      (peerService !== undefined && c.span.service === peerService) ||
      (peer.address !== undefined && sameAddress(servedAt(c.span), peer.address)),
  );
  if (named) return { located: named, cause: 'callee-did-not-extract' };
  if (peerService !== undefined || span.kind !== 'client') return undefined;
  const inside = candidates.filter((c) => c.span.service !== span.service && c.span.end <= span.end + SLACK);
  return inside.length === 1 ? { located: inside[0]!, cause: 'hop-dropped-context' } : undefined;
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
  if (peer.service === server.span.service || peer.host === server.span.service) return undefined;
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

/** `host:port` against `host:port`; where either has no port, the hosts alone. */
function sameAddress(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const [hostA, portA] = splitAddress(a);
  const [hostB, portB] = splitAddress(b);
  return hostA === hostB && (portA === undefined || portB === undefined || portA === portB);
}

function splitAddress(address: string): [string, string | undefined] {
  const colon = address.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(address.slice(colon + 1))
    ? [address.slice(0, colon), address.slice(colon + 1)]
    : [address, undefined];
}
