import { describe, expect, it } from 'vitest';
import {
  checkPropagation,
  focusReport,
  OrderFreeTotals,
  PropagationCheck,
  tracePart,
} from '../../../src/analysis/propagation/check-propagation.js';
import { buildTree } from '../../../src/model/build-tree.js';
import type { Trace } from '../../../src/model/types.js';
import { frozen, makeTrace, sid, tid } from '../../helpers/make-span.js';

const OPTIONS = { external: new Set<string>() };
const treeOf = (trace: Trace) => buildTree(frozen(trace));

/*
 *  trace 1  user-service GET /users/1 ── GET → order-service (continued, through a hidden hop)
 *                                     └─ GET → payment (peer.service; no answer anywhere: split below)
 *  trace 2  payment POST /charge (a SERVER root inside trace 1's call: split trace)
 *  trace 3  user-service audit (an INTERNAL root while trace 1 is served: context lost)
 *  trace 4  order-service GET /orders ── child of a missing span (orphan), and a callee starting 3 ms early
 */
const traces: Trace[] = [
  makeTrace([
    {
      id: 'a',
      trace: '1',
      name: 'GET /users/1',
      service: 'user-service',
      kind: 'server',
      startMs: 0,
      endMs: 300,
    },
    {
      id: 'b',
      trace: '1',
      parent: 'a',
      name: 'GET',
      service: 'user-service',
      kind: 'client',
      startMs: 10,
      endMs: 100,
      attributes: { 'server.address': 'proxy', 'server.port': 80 },
    },
    {
      id: 'c',
      trace: '1',
      parent: 'b',
      name: 'GET /orders',
      service: 'order-service',
      kind: 'server',
      startMs: 7,
      endMs: 90,
      attributes: { 'server.address': 'order-service', 'server.port': 8080 },
    },
    {
      id: 'd',
      trace: '1',
      parent: 'a',
      name: 'POST',
      service: 'user-service',
      kind: 'client',
      startMs: 110,
      endMs: 200,
      attributes: { 'peer.service': 'payment' },
    },
  ]),
  makeTrace([
    {
      id: 'e',
      trace: '2',
      name: 'POST /charge',
      service: 'payment',
      kind: 'server',
      startMs: 120,
      endMs: 190,
    },
  ]),
  makeTrace([
    {
      id: 'f',
      trace: '3',
      name: 'audit',
      service: 'user-service',
      kind: 'internal',
      startMs: 250,
      endMs: 260,
    },
  ]),
  makeTrace([
    {
      id: '10',
      trace: '4',
      name: 'GET /orders',
      service: 'order-service',
      kind: 'server',
      startMs: 400,
      endMs: 500,
    },
    {
      id: '11',
      trace: '4',
      parent: 'dead',
      name: 'lost',
      service: 'order-service',
      startMs: 410,
      endMs: 420,
    },
  ]),
];

describe('tracePart', () => {
  it('works out what one trace brings to the checks, from its tree alone', () => {
    const part = tracePart(treeOf(traces[0]!), OPTIONS, 'all');
    expect(part.traceId).toBe(tid('1'));
    expect(part.spans).toBe(4);
    expect(part.index.services).toEqual(['user-service', 'order-service']);
    expect(part.calls.map((c) => c.kind)).toEqual(['continued', 'pending']);
    expect(part.skew.map((s) => [s.child.name, s.offset])).toEqual([['GET /orders', -3]]);
    expect(part.orphans).toEqual([]);
    expect(tracePart(treeOf(traces[3]!), OPTIONS, 'all').orphans).toMatchObject([
      { kind: 'orphan-span', spanId: sid('11'), cause: 'parent-lost' },
    ]);
  });

  it('lists only the spans of the services asked for', () => {
    expect(
      tracePart(treeOf(traces[0]!), OPTIONS, new Set(['order-service'])).index.spans.map((s) => s.name),
    ).toEqual(['GET /orders']);
  });
});

describe('PropagationCheck', () => {
  it('reports calls, lost contexts, orphans and clock skew, in that order, with the counts', () => {
    const report = checkPropagation(traces.map(treeOf), OPTIONS);
    expect(report.traces).toBe(4);
    expect(report.spans).toBe(8);
    expect(report.findings.map((f) => `${f.kind} ${f.traceId} ${f.spanId}`)).toEqual([
      `hidden-hop ${tid('1')} ${sid('b')}`,
      `split-trace ${tid('1')} ${sid('d')}`,
      `context-lost ${tid('3')} ${sid('f')}`,
      `orphan-span ${tid('4')} ${sid('11')}`,
      `clock-skew ${tid('1')} ${sid('b')}`,
    ]);
    expect(report.findings[1]).toMatchObject({
      peerService: 'payment',
      relatedTraceId: tid('2'),
      cause: 'callee-did-not-extract',
    });
    expect(report.findings[2]).toMatchObject({ relatedTraceId: tid('1'), relatedSpanId: sid('a') });
  });

  it('lists edges worst first: the lowest share continued, then the most calls', () => {
    const report = checkPropagation(traces.map(treeOf), OPTIONS);
    expect(report.edges.map((e) => [e.caller, e.callee, e.calls, e.continued, e.splitTrace])).toEqual([
      ['user-service', 'payment', 1, 0, 1],
      ['user-service', 'order-service', 1, 1, 0],
    ]);
  });

  it('is the same added tree by tree as all at once', () => {
    const check = new PropagationCheck(OPTIONS);
    for (const trace of traces) check.add(treeOf(trace));
    expect(check.report()).toEqual(checkPropagation(traces.map(treeOf), OPTIONS));
  });

  it('leaves calls to external peers alone', () => {
    const report = checkPropagation(traces.map(treeOf), { external: new Set(['payment', 'proxy:80']) });
    expect(report.findings.map((f) => f.kind)).toEqual(['context-lost', 'orphan-span', 'clock-skew']);
    expect(report.edges).toEqual([]);
  });

  it('finds nothing in no traces', () => {
    expect(checkPropagation([], OPTIONS)).toEqual({ traces: 0, spans: 0, findings: [], edges: [] });
  });
});

describe('OrderFreeTotals', () => {
  it('takes out of each part what does not depend on trace order, and the report is the same', () => {
    const totals = new OrderFreeTotals();
    const slim = traces.map((trace) => totals.take(tracePart(treeOf(trace), OPTIONS, 'all')));
    const check = new PropagationCheck(OPTIONS);
    check.addTotals(totals.data());
    for (const part of slim) check.addPart(part);
    expect(check.report()).toEqual(checkPropagation(traces.map(treeOf), OPTIONS));
  });

  it('adds up services, addresses, continued calls and their timings, and keeps a continued call only for its hop', () => {
    const totals = new OrderFreeTotals();
    const slim = totals.take(tracePart(treeOf(traces[0]!), OPTIONS, 'all'));
    expect(slim.index.services).toEqual([]);
    expect(slim.index.servers).toEqual([]);
    expect(
      slim.calls.map((c) => (c.kind === 'continued' ? `continued counted=${c.counted}` : c.kind)),
    ).toEqual(['continued counted=true', 'pending']);
    totals.take(tracePart(treeOf(traces[0]!), OPTIONS, 'all'));
    expect(totals.data()).toEqual({
      services: ['user-service', 'order-service'],
      servedAt: [['order-service:8080', 'order-service']],
      continued: [['user-service', 'order-service', 2]],
      // The server ran 7–90 ms in the client's 10–100 ms: offset ((7 − 10) − (100 − 90)) / 2,
      // wire ((7 − 10) + (100 − 90)) / 2, each time.
      timings: [['user-service', 'order-service', [-6_500_000, -6_500_000], [3_500_000, 3_500_000]]],
    });
  });
});

describe('focusReport', () => {
  const report = checkPropagation(traces.map(treeOf), OPTIONS);

  it("keeps a service's own findings, those naming it as the peer, and its edges", () => {
    const payment = focusReport(report, 'payment');
    expect(payment.findings.map((f) => f.kind)).toEqual(['split-trace']);
    expect(payment.edges.map((e) => e.callee)).toEqual(['payment']);
    expect(payment.traces).toBe(4);
    const orders = focusReport(report, 'order-service');
    expect(orders.findings.map((f) => f.kind)).toEqual(['hidden-hop', 'orphan-span', 'clock-skew']);
  });

  it('is the whole report without a service, and empty for one not in it', () => {
    expect(focusReport(report, undefined)).toBe(report);
    expect(focusReport(report, 'nobody')).toMatchObject({ findings: [], edges: [] });
  });
});
