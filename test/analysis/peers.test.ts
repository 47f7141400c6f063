import { describe, expect, it } from 'vitest';
import { calledPeer, peerOf, serviceNamedBy } from '../../src/analysis/peers.js';
import { makeSpan } from '../helpers/make-span.js';

const client = (attributes: Record<string, string | number>) => makeSpan({ kind: 'client', attributes });

describe('one peer for what is shown and what is matched', () => {
  it.each([
    [{ 'peer.service': 'order-service', 'server.address': '10.0.0.7' }, 'order-service'],
    [{ 'server.address': 'Order-Service', 'server.port': 8080 }, 'order-service:8080'],
    [{ 'net.peer.name': 'billing', 'net.peer.port': '9000' }, 'billing:9000'],
    // The URL's default port is the port that was called: what a server span says it served at.
    [{ 'url.full': 'HTTP://Order-Service/orders' }, 'order-service:80'],
    [{ 'http.url': 'https://api.example.com/v1' }, 'api.example.com:443'],
    // Service-mesh proxies (Envoy, Istio) where nothing else says it.
    [
      { upstream_cluster: 'outbound|9080||reviews.default.svc.cluster.local' },
      'reviews.default.svc.cluster.local:9080',
    ],
    [{ upstream_cluster: 'ratings' }, 'ratings'],
    [{ 'peer.address': '10.0.0.7:8080' }, '10.0.0.7:8080'],
    [{ 'net.peer.ip': '10.0.0.8', 'net.peer.port': 9000 }, '10.0.0.8:9000'],
    [{ 'net.sock.peer.addr': '10.0.0.9' }, '10.0.0.9'],
  ])('%o → %s, shown as matched', (attributes, expected) => {
    const span = client(attributes);
    expect(peerOf(span)).toBe(expected);
    const peer = calledPeer(span);
    expect(peer.service ?? peer.address).toBe(expected);
  });

  it('a cluster-internal host names the service of its first label, when that is a service in the data', () => {
    const services = new Set(['reviews', 'ratings']);
    expect(serviceNamedBy('reviews.default.svc.cluster.local', services)).toBe('reviews');
    expect(serviceNamedBy('ratings', services)).toBe('ratings');
    expect(serviceNamedBy('details.default', services)).toBeUndefined();
    expect(serviceNamedBy('10.0.0.7', new Set(['10']))).toBeUndefined();
  });

  it('a call with no address is shown by what it talks to, and matches nothing', () => {
    for (const [attributes, shown] of [
      [{ 'rpc.service': 'driver.DriverService' }, 'driver.DriverService'],
      [{ 'messaging.destination.name': 'orders' }, 'orders'],
      [{ 'db.system.name': 'postgresql' }, 'postgresql'],
    ] as const) {
      const span = client(attributes);
      expect(peerOf(span)).toBe(shown);
      expect(calledPeer(span)).toEqual({ service: undefined, address: undefined, host: undefined });
    }
  });
});
