import { describe, expect, it } from 'vitest';
import { calledPeer, peerOf } from '../../src/analysis/peers.js';
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
  ])('%o → %s, shown as matched', (attributes, expected) => {
    const span = client(attributes);
    expect(peerOf(span)).toBe(expected);
    const peer = calledPeer(span);
    expect(peer.service ?? peer.address).toBe(expected);
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
