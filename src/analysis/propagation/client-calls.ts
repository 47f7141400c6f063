import type { SpanNode, TraceTree } from '../../model/types.js';
import type { PropagationFinding } from './findings.js';
import { type CalledPeer, calledPeer, isDatabaseCall, peerLabel, servedAt } from './peers.js';
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

/**
 * Every CLIENT and PRODUCER span that calls a service: continued (a SERVER/CONSUMER child),
 * linked (a root elsewhere links to it), split (a root of the callee started inside the call in
 * another trace) or unanswered. Database calls, and calls to hosts that are not services in the
 * data (or are declared external), are none of these and are left alone.
 */
export function checkClientCalls(
  trees: readonly TraceTree[],
  index: TraceIndex,
  external: ReadonlySet<string>,
): { findings: PropagationFinding[]; edges: Edge[] } {
  const findings: PropagationFinding[] = [];
  const edges = new Map<string, Edge>();
  const claimed = new Set<Located>();
  const count = (
    caller: string,
    callee: string,
    outcome: 'continued' | 'linked' | 'splitTrace' | 'unanswered',
  ) => {
    const key = `${caller}\u0000${callee}`;
    let edge = edges.get(key);
    if (!edge) {
      edge = { caller, callee, calls: 0, continued: 0, linked: 0, splitTrace: 0, unanswered: 0 };
      edges.set(key, edge);
    }
    edge.calls++;
    edge[outcome]++;
  };

  for (const tree of trees) {
    for (const node of tree.nodes) {
      const { span } = node;
      if ((span.kind !== 'client' && span.kind !== 'producer') || isDatabaseCall(span)) continue;
      const peer = calledPeer(span);
      if (isExternal(peer, external)) continue;
      const answer = node.children.find((c) => c.span.kind === 'server' || c.span.kind === 'consumer');
      if (answer) {
        count(span.service, answer.span.service, 'continued');
        const hop = hiddenHop(tree, node, answer, peer);
        if (hop) findings.push(hop);
        continue;
      }
      const linker = index.linkedFrom.get(`${tree.traceId}/${span.spanId}`);
      if (linker !== undefined) {
        count(span.service, linker, 'linked');
        continue;
      }
      const peerService = serviceOf(peer, index);
      const root = findCalleeRoot(tree, node, peer, peerService, index, claimed);
      if (root) {
        claimed.add(root.located);
        count(span.service, root.located.node.span.service, 'splitTrace');
        findings.push({
          kind: 'split-trace',
          traceId: tree.traceId,
          spanId: span.spanId,
          service: span.service,
          operation: span.name,
          peer: peerLabel(peer),
          peerService: root.located.node.span.service,
          relatedTraceId: root.located.tree.traceId,
          relatedSpanId: root.located.node.span.spanId,
          relatedOperation: root.located.node.span.name,
          cause: root.cause,
        });
      } else if (peerService !== undefined && span.kind === 'client') {
        count(span.service, peerService, 'unanswered');
        findings.push({
          kind: 'unanswered-client',
          traceId: tree.traceId,
          spanId: span.spanId,
          service: span.service,
          operation: span.name,
          peer: peerLabel(peer),
          peerService,
        });
      }
    }
  }
  return { findings, edges: [...edges.values()] };
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
  tree: TraceTree,
  node: SpanNode,
  peer: CalledPeer,
  peerService: string | undefined,
  index: TraceIndex,
  claimed: ReadonlySet<Located>,
): { located: Located; cause: 'callee-did-not-extract' | 'hop-dropped-context' } | undefined {
  const { span } = node;
  const candidates = index
    .calleeRootsStartingIn(span.start - SLACK, span.end + SLACK)
    .filter((c) => c.tree !== tree && !claimed.has(c));
  const named = candidates.find(
    (c) =>
      (peerService !== undefined && c.node.span.service === peerService) ||
      (peer.address !== undefined && sameAddress(servedAt(c.node.span), peer.address)),
  );
  if (named) return { located: named, cause: 'callee-did-not-extract' };
  if (peerService !== undefined || span.kind !== 'client') return undefined;
  const inside = candidates.filter(
    (c) => c.node.span.service !== span.service && c.node.span.end <= span.end + SLACK,
  );
  return inside.length === 1 ? { located: inside[0]!, cause: 'hop-dropped-context' } : undefined;
}

/**
 * A connected call where the client named one address and the server was reached at another: an
 * uninstrumented proxy in between that forwards the headers (worth knowing, not broken).
 */
function hiddenHop(
  tree: TraceTree,
  client: SpanNode,
  server: SpanNode,
  peer: CalledPeer,
): PropagationFinding | undefined {
  const at = servedAt(server.span);
  if (peer.address === undefined || at === undefined || sameAddress(at, peer.address)) return undefined;
  if (peer.service === server.span.service || peer.host === server.span.service) return undefined;
  return {
    kind: 'hidden-hop',
    traceId: tree.traceId,
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
