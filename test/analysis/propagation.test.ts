import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeExport } from '../../bench/make-export.mjs';
import { checkPropagation } from '../../src/analysis/propagation/check-propagation.js';
import { buildTree } from '../../src/model/build-tree.js';
import type { Trace } from '../../src/model/types.js';
import { loadFile } from '../helpers/load-file.js';
import { frozen, makeSpan, makeTrace } from '../helpers/make-span.js';

const check = (traces: readonly Trace[], external: string[] = []) =>
  checkPropagation(
    traces.map((t) => buildTree(frozen(t))),
    { external: new Set(external) },
  );
const kinds = (traces: readonly Trace[]) => check(traces).findings.map((f) => f.kind);

describe('orphans, told apart by cause', () => {
  it('a trace that is all orphans of one missing span: its root has not arrived', () => {
    const { findings } = check([
      makeTrace([
        makeSpan({ id: 'a', parent: 'f00d', kind: 'server', service: 'order-service', flags: 0x301 }),
      ]),
    ]);
    // A SERVER span flagged remote, but nothing else is there: the likelier story is a late root.
    expect(findings).toMatchObject([{ kind: 'orphan-span', cause: 'root-not-arrived', siblings: 1 }]);
  });

  it('remote parent and lost local parent beside a real root', () => {
    const { findings } = check([
      makeTrace([
        makeSpan({ id: 'a', name: 'root', kind: 'server', endMs: 100 }),
        makeSpan({
          id: 'b',
          parent: 'dead',
          kind: 'server',
          service: 'order-service',
          startMs: 10,
          endMs: 20,
        }),
        makeSpan({ id: 'c', parent: 'beef', kind: 'internal', startMs: 30, endMs: 40 }),
        makeSpan({ id: 'd', parent: 'beef', kind: 'internal', startMs: 41, endMs: 45 }),
      ]),
    ]);
    expect(findings.map((f) => ('cause' in f ? `${f.kind} ${f.cause}` : f.kind))).toEqual([
      'orphan-span remote-parent-not-collected',
      'orphan-span parent-lost',
    ]);
    expect(findings[1]).toMatchObject({ siblings: 2 });
  });
});

describe('what is not a break', () => {
  it('a load generator whose every request is a CLIENT root: no lost context between them', () => {
    const request = (trace: string, startMs: number) =>
      makeTrace([
        makeSpan({
          id: 'a',
          trace,
          kind: 'client',
          service: 'loadgen',
          startMs,
          endMs: startMs + 50,
          attributes: { 'url.full': 'https://shop.example/cart' },
        }),
      ]);
    expect(kinds([request('a1', 0), request('a2', 10), request('a3', 20)])).toEqual([]);
  });

  it('a database call and an external API call are left alone', () => {
    const trace = makeTrace([
      makeSpan({ id: 'a', kind: 'server', service: 'shop', endMs: 100 }),
      makeSpan({
        id: 'b',
        parent: 'a',
        kind: 'client',
        service: 'shop',
        startMs: 5,
        endMs: 10,
        attributes: { 'db.system.name': 'postgresql', 'server.address': 'pg' },
      }),
      makeSpan({
        id: 'c',
        parent: 'a',
        kind: 'client',
        service: 'shop',
        startMs: 20,
        endMs: 60,
        attributes: { 'server.address': 'api.stripe.com', 'server.port': 443 },
      }),
    ]);
    expect(check([trace])).toMatchObject({ findings: [], edges: [] });
  });

  // HotROD (Jaeger's demo, OTel Go SDK): its simulated MySQL reports the call as service "mysql"
  // with peer.service "mysql", and Go's otelgrpc records a gRPC server's *client* address and
  // ephemeral port as its server.address/server.port.
  it("a client span naming its own service, and a gRPC server's address, are no break and no hop", () => {
    const trace = makeTrace([
      makeSpan({ id: 'a', kind: 'server', service: 'frontend', endMs: 100 }),
      makeSpan({ id: 'b', parent: 'a', kind: 'server', service: 'customer', startMs: 1, endMs: 40 }),
      makeSpan({
        id: 'c',
        parent: 'b',
        kind: 'client',
        service: 'mysql',
        startMs: 2,
        endMs: 39,
        attributes: { 'peer.service': 'mysql', 'sql.query': 'SELECT * FROM customer' },
      }),
      makeSpan({
        id: 'd',
        parent: 'a',
        kind: 'client',
        service: 'frontend',
        startMs: 41,
        endMs: 60,
        attributes: { 'rpc.system': 'grpc', 'server.address': '127.0.0.1', 'server.port': 8082 },
      }),
      makeSpan({
        id: 'e',
        parent: 'd',
        kind: 'server',
        service: 'driver',
        startMs: 42,
        endMs: 59,
        attributes: { 'rpc.system': 'grpc', 'server.address': '127.0.0.1', 'server.port': 51234 },
      }),
    ]);
    expect(check([trace])).toMatchObject({
      findings: [],
      edges: [{ caller: 'frontend', callee: 'driver', calls: 1, continued: 1 }],
    });
  });

  it('an HTTP server reached at another address than the client named is still a hidden hop', () => {
    const trace = makeTrace([
      makeSpan({
        id: 'a',
        kind: 'client',
        service: 'frontend',
        endMs: 20,
        attributes: { 'server.address': '127.0.0.1', 'server.port': 9000 },
      }),
      makeSpan({
        id: 'b',
        parent: 'a',
        kind: 'server',
        service: 'route',
        startMs: 1,
        endMs: 19,
        attributes: { 'server.address': '127.0.0.1', 'server.port': 8083 },
      }),
    ]);
    expect(kinds([trace])).toEqual(['hidden-hop']);
  });
});

describe('clock skew', () => {
  it('aggregates children that start before their caller, per pair of services', () => {
    const trace = (t: string) =>
      makeTrace([
        makeSpan({
          id: 'a',
          trace: t,
          kind: 'client',
          service: 'web',
          startMs: 10,
          endMs: 50,
          attributes: { 'server.address': 'api' },
        }),
        makeSpan({ id: 'b', trace: t, parent: 'a', kind: 'server', service: 'api', startMs: 6, endMs: 30 }),
      ]);
    const { findings } = check([trace('b1'), trace('b2')]);
    expect(findings).toMatchObject([
      { kind: 'clock-skew', service: 'web', peerService: 'api', spans: 2, offsetMs: -4 },
    ]);
  });
});

describe('clock skew at the end of a call', () => {
  const call = (t: string, serverEndMs: number) =>
    makeTrace([
      makeSpan({
        id: 'a',
        trace: t,
        kind: 'client',
        service: 'web',
        startMs: 0,
        endMs: 50,
        attributes: { 'server.address': 'api' },
      }),
      makeSpan({
        id: 'b',
        trace: t,
        parent: 'a',
        kind: 'server',
        service: 'api',
        startMs: 5,
        endMs: serverEndMs,
      }),
    ]);

  it('a server that flushes its answer a little late is not skew; one that ends long after is', () => {
    expect(kinds([call('c1', 60)])).toEqual([]);
    expect(check([call('c2', 90)]).findings).toMatchObject([{ kind: 'clock-skew', offsetMs: 40 }]);
  });
});

describe('the synthetic benchmark export', () => {
  it('finds the split requests it holds, and nothing else (no alarms on database or external calls)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'otrace-export-')), 'export.jsonl');
    const { splits } = await makeExport(path, 40_000, 7);
    expect(splits.length).toBeGreaterThan(20);
    const { traces } = await loadFile(new URL(`file://${path}`));
    const { findings, edges } = check(traces);
    const found = new Set(findings.filter((f) => f.kind === 'split-trace').map((f) => f.traceId));
    const recall = splits.filter((id) => found.has(id as never)).length / splits.length;
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(findings.every((f) => f.kind === 'split-trace' && splits.includes(f.traceId))).toBe(true);
    expect(edges.find((e) => e.caller === 'user-service')).toMatchObject({ splitTrace: splits.length });
  });
});
