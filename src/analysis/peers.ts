import type { Span } from '../model/types.js';
import { attributeString } from './attributes.js';

/**
 * Who a CLIENT or PRODUCER span called, and where a SERVER span was reached, from the semantic
 * conventions (new and old names). Addresses are `host:port` in lower case.
 */

export interface CalledPeer {
  /** peer.service / service.peer.name: the callee's service name, when the caller states it. */
  readonly service: string | undefined;
  /** server.address:server.port (net.peer.name/port, or the URL's host). */
  readonly address: string | undefined;
  /** The host alone: matched against service names (`http://order-service:8080`). */
  readonly host: string | undefined;
}

export function calledPeer(span: Span): CalledPeer {
  const service = attributeString(span.attributes, 'peer.service', 'service.peer.name');
  let host = attributeString(span.attributes, 'server.address', 'net.peer.name');
  let port = attributeString(span.attributes, 'server.port', 'net.peer.port');
  if (host === undefined) {
    const url = parseUrl(attributeString(span.attributes, 'url.full', 'http.url'));
    if (url) {
      host = url.hostname;
      port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : undefined);
    }
  }
  if (host === undefined) [host, port] = meshPeer(span);
  return { service, address: addressOf(host, port), host: host?.toLowerCase() };
}

/**
 * Where a service mesh's proxy (Envoy, Istio) says it sent the request, when nothing above did:
 * `upstream_cluster` (Istio writes `outbound|8080||order-service.shop.svc.cluster.local`), then
 * the socket peer (`peer.address` "10.0.0.7:8080", or `net.peer.ip` / `net.sock.peer.addr` with
 * their port).
 */
function meshPeer(span: Span): [host: string | undefined, port: string | undefined] {
  const cluster = attributeString(span.attributes, 'upstream_cluster', 'upstream_cluster.name');
  if (cluster !== undefined && cluster !== '') {
    const parts = cluster.split('|');
    if (parts.length === 4 && parts[3] !== '') return [parts[3], parts[1] || undefined];
    if (parts.length === 1) return [cluster, undefined];
  }
  const peer = attributeString(span.attributes, 'peer.address');
  if (peer !== undefined && peer !== '') return splitAddress(peer);
  const ip = attributeString(span.attributes, 'net.peer.ip', 'net.sock.peer.addr');
  return [
    ip,
    ip === undefined ? undefined : attributeString(span.attributes, 'net.peer.port', 'net.sock.peer.port'),
  ];
}

/**
 * The service a host names: the host itself, or its first label where it is a cluster-internal
 * name (`order-service.shop.svc.cluster.local`, `order-service.shop`).
 */
export function serviceNamedBy(host: string, services: ReadonlySet<string>): string | undefined {
  if (services.has(host)) return host;
  const label = host.slice(0, host.indexOf('.'));
  return label !== '' && !/^\d+$/.test(label) && services.has(label) ? label : undefined;
}

/**
 * Where a SERVER span says it was reached: server.address:server.port (old: net.host.name/port).
 * HTTP servers take it from the Host header, which a proxy rewrites: that is what reveals a hop.
 * RPC servers are left out: Go's otelgrpc stats handler (HotROD's driver, built on it) records the
 * client's address and ephemeral port as server.address/server.port, which would make every gRPC
 * call look relayed and name the client's port as where the service answers.
 */
export function servedAt(span: Span): string | undefined {
  if (attributeString(span.attributes, 'rpc.system', 'rpc.system.name') !== undefined) return undefined;
  return addressOf(
    attributeString(span.attributes, 'server.address', 'net.host.name'),
    attributeString(span.attributes, 'server.port', 'net.host.port'),
  );
}

/** The text to show for a peer: its service if stated, else its address or host. */
export function peerLabel(peer: CalledPeer): string | undefined {
  return peer.service ?? peer.address ?? peer.host;
}

/**
 * Who a CLIENT/PRODUCER span called, to show and to group by: the peer `calledPeer` finds (the
 * one check-propagation matches), else what the span talks to without an address: the RPC
 * service, the messaging destination, the database system.
 */
export function peerOf(span: Span): string | undefined {
  return (
    peerLabel(calledPeer(span)) ??
    attributeString(
      span.attributes,
      'rpc.service',
      'messaging.destination.name',
      'db.system.name',
      'db.system',
    )
  );
}

/** Database and cache calls end outside the traced world: never a broken propagation. */
export function isDatabaseCall(span: Span): boolean {
  return (
    attributeString(span.attributes, 'db.system.name', 'db.system') !== undefined ||
    span.name.startsWith('redis-') ||
    span.name.startsWith('pg.')
  );
}

function addressOf(host: string | undefined, port: string | undefined): string | undefined {
  if (host === undefined || host === '') return undefined;
  // Remembered: a service calls the same few addresses for every span, and each is read per call.
  let byPort = ADDRESSES.get(host);
  if (byPort === undefined) {
    if (ADDRESSES.size >= ADDRESSES_REMEMBERED) ADDRESSES.clear();
    byPort = new Map();
    ADDRESSES.set(host, byPort);
  }
  let address = byPort.get(port ?? '');
  if (address === undefined) {
    const h = host.toLowerCase().replace(/^\[|\]$/g, '');
    address = port ? `${h}:${port}` : h;
    if (byPort.size >= ADDRESSES_REMEMBERED) byPort.clear();
    byPort.set(port ?? '', address);
  }
  return address;
}

const ADDRESSES = new Map<string, Map<string, string>>();
const ADDRESSES_REMEMBERED = 10_000;

function parseUrl(text: string | undefined): URL | undefined {
  if (text === undefined) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** `host:port` against `host:port`; where either has no port, the hosts alone. */
export function sameAddress(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const [hostA, portA] = splitAddress(a);
  const [hostB, portB] = splitAddress(b);
  return hostA === hostB && (portA === undefined || portB === undefined || portA === portB);
}

/** `host:port` → host and port; an address without a numeric port → the address alone. */
export function splitAddress(address: string): [string, string | undefined] {
  const colon = address.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(address.slice(colon + 1))
    ? [address.slice(0, colon), address.slice(colon + 1)]
    : [address, undefined];
}
