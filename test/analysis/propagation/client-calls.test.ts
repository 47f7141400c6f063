import { describe, expect, it } from 'vitest';
import { ClientCallCheck } from '../../../src/analysis/propagation/client-calls.js';
import { TraceIndex } from '../../../src/analysis/propagation/trace-index.js';
import { buildTree } from '../../../src/model/build-tree.js';
import type { Trace } from '../../../src/model/types.js';
import { frozen, makeTrace, type SpanSpec, sid, TEST_TRACE_ID, tid } from '../../helpers/make-span.js';
import { edge } from '../../helpers/propagation-report.js';

const partOf = (specs: SpanSpec[], external: string[] = []) =>
  ClientCallCheck.partOf(buildTree(frozen(makeTrace(specs))), new Set(external));

/** Every trace indexed and its calls added, in the order given; then the calls judged. */
function judge(traces: Trace[], external: string[] = []) {
  const index = new TraceIndex();
  const calls = new ClientCallCheck();
  for (const trace of traces) {
    const tree = buildTree(frozen(trace));
    index.add(trace.traceId, TraceIndex.partOf(tree, 'all'));
    calls.add(trace.traceId, ClientCallCheck.partOf(tree, new Set(external)));
  }
  return calls.finish(index.seal());
}

/** user-service's CLIENT call at 100-200 ms, in its own trace, saying what it called. */
const caller = (trace: string, attributes: SpanSpec['attributes'], more: Partial<SpanSpec> = {}) =>
  makeTrace([
    {
      id: 'a',
      trace,
      name: 'GET /users/1',
      service: 'user-service',
      kind: 'server',
      startMs: 90,
      endMs: 210,
    },
    {
      id: 'b',
      trace,
      parent: 'a',
      name: 'GET',
      service: 'user-service',
      kind: 'client',
      startMs: 100,
      endMs: 200,
      attributes,
      ...more,
    },
  ]);
/** user-service's CLIENT call GET at 0-10 ms, answered in its trace by order-service's SERVER at 1-9 ms. */
const answeredCall = (
  client: SpanSpec['attributes'] = {},
  server: SpanSpec['attributes'] = {},
  trace?: string,
): SpanSpec[] => [
  { id: 'a', trace, name: 'GET', service: 'user-service', kind: 'client', endMs: 10, attributes: client },
  {
    id: 'b',
    trace,
    parent: 'a',
    service: 'order-service',
    kind: 'server',
    startMs: 1,
    endMs: 9,
    attributes: server,
  },
];
/** A SERVER root of `service` in a trace of its own. */
const calleeRoot = (
  trace: string,
  service: string,
  startMs: number,
  endMs: number,
  attributes: SpanSpec['attributes'] = {},
) =>
  makeTrace([{ id: 'c', trace, name: 'GET /orders', service, kind: 'server', startMs, endMs, attributes }]);

/** What `caller('1', NAMED_ORDERS)` says of its call to order-service. */
const NAMED_ORDERS = { 'peer.service': 'order-service', 'server.address': 'orders', 'server.port': 8080 };
/** The fields of a finding on that call. */
const ORDERS_CALL = {
  traceId: tid('1'),
  spanId: sid('b'),
  service: 'user-service',
  operation: 'GET',
  peer: 'order-service',
  peerService: 'order-service',
};

describe('ClientCallCheck.partOf', () => {
  it('a call answered by a SERVER (or CONSUMER) child continued, from the caller to that service', () => {
    expect(
      partOf([
        ...answeredCall(),
        { id: 'c', name: 'publish', service: 'user-service', kind: 'producer', startMs: 20, endMs: 21 },
        { id: 'd', parent: 'c', service: 'mailer', kind: 'consumer', startMs: 22, endMs: 30 },
      ]),
    ).toEqual([
      // The server sits in the middle of the call, 1 ms each way: the clocks agree. A message has no timing.
      {
        kind: 'continued',
        caller: 'user-service',
        callee: 'order-service',
        hop: undefined,
        timing: { offset: 0, wire: 1_000_000 },
      },
      { kind: 'continued', caller: 'user-service', callee: 'mailer', hop: undefined, timing: undefined },
    ]);
  });

  it('a call without an answer in its trace waits, with the peer it named', () => {
    const parts = partOf([
      {
        id: 'a',
        name: 'GET',
        kind: 'client',
        attributes: { 'peer.service': 'order-service', 'url.full': 'http://orders:8080/orders' },
      },
    ]);
    expect(parts).toMatchObject([
      {
        kind: 'pending',
        span: { spanId: sid('a') },
        peer: { service: 'order-service', address: 'orders:8080', host: 'orders' },
      },
    ]);
  });

  it('leaves out spans that call nothing, database calls and external peers', () => {
    expect(
      partOf(
        [
          { id: 'a', kind: 'internal' },
          { id: 'b', kind: 'server' },
          { id: 'c', kind: 'consumer' },
          { id: 'd', kind: 'client', attributes: { 'db.system': 'postgresql', 'server.address': 'db' } },
          { id: 'e', kind: 'client', name: 'redis-GET' },
          { id: 'f', kind: 'client', name: 'pg.query:SELECT' },
          { id: '10', kind: 'client', attributes: { 'peer.service': 'stripe' } },
          { id: '11', kind: 'client', attributes: { 'url.full': 'https://api.github.com/repos' } },
          { id: '12', kind: 'client', attributes: { 'server.address': 'maps', 'server.port': 443 } },
        ],
        ['stripe', 'api.github.com', 'maps:443'],
      ),
    ).toEqual([]);
  });

  it('a call that reached its server at another address than it named went through a hidden hop', () => {
    const [part] = partOf(
      answeredCall(
        { 'server.address': 'edge-proxy', 'server.port': 8080 },
        { 'server.address': 'order-service', 'server.port': 80 },
      ),
    );
    expect(part).toEqual({
      kind: 'continued',
      caller: 'user-service',
      callee: 'order-service',
      hop: {
        kind: 'hidden-hop',
        traceId: TEST_TRACE_ID,
        spanId: sid('a'),
        service: 'user-service',
        operation: 'GET',
        peer: 'edge-proxy:8080',
        peerService: 'order-service',
        relatedSpanId: sid('b'),
        servedAt: 'order-service:80',
      },
      timing: { offset: 0, wire: 1_000_000 },
    });
  });

  it('no hop where the addresses agree (a missing port agrees with any), the client named the service, or the server is RPC', () => {
    const hopOf = (client: SpanSpec['attributes'], server: SpanSpec['attributes']) => {
      const [part] = partOf(answeredCall(client, server));
      return part?.kind === 'continued' ? part.hop : 'not continued';
    };
    const noHop: [client: SpanSpec['attributes'], server: SpanSpec['attributes']][] = [
      [
        { 'server.address': 'orders', 'server.port': 80 },
        { 'server.address': 'ORDERS', 'server.port': 80 },
      ],
      [{ 'server.address': 'orders' }, { 'server.address': 'orders', 'server.port': 80 }],
      [
        { 'server.address': 'proxy', 'peer.service': 'order-service' },
        { 'server.address': 'orders', 'server.port': 80 },
      ],
      [
        { 'server.address': 'order-service', 'server.port': 9 },
        { 'server.address': 'x', 'server.port': 80 },
      ],
      [
        { 'server.address': 'proxy' },
        { 'rpc.system': 'grpc', 'server.address': '10.0.0.9', 'server.port': 51000 },
      ],
    ];
    for (const [client, server] of noHop) {
      expect(hopOf(client, server), JSON.stringify([client, server])).toBeUndefined();
    }
    expect(
      hopOf(
        { 'server.address': 'proxy', 'server.port': 80 },
        { 'server.address': 'orders', 'server.port': 80 },
      ),
    ).toMatchObject({
      kind: 'hidden-hop',
      peer: 'proxy:80',
      servedAt: 'orders:80',
    });
  });
});

describe('ClientCallCheck.finish', () => {
  it("a mesh proxy's call names its callee by the cluster's first label (Envoy, Istio)", () => {
    const istio = { upstream_cluster: 'outbound|8080||order-service.shop.svc.cluster.local' };
    // Continued through the mesh: no hidden hop, although the server was reached by its short name.
    const continued = makeTrace(
      answeredCall(istio, { 'server.address': 'order-service', 'server.port': 8080 }, '7'),
    );
    const { findings, edges } = judge([
      continued,
      caller('1', istio),
      calleeRoot('2', 'order-service', 110, 190),
    ]);
    expect(findings).toMatchObject([
      {
        kind: 'split-trace',
        traceId: tid('1'),
        peerService: 'order-service',
        cause: 'callee-did-not-extract',
      },
    ]);
    expect(edges).toMatchObject([
      { caller: 'user-service', callee: 'order-service', continued: 1, splitTrace: 1 },
    ]);
  });

  it('counts continued calls on their edge', () => {
    expect(judge([makeTrace(answeredCall())])).toEqual({
      findings: [],
      edges: [edge({ calls: 1, continued: 1 })],
    });
  });

  it('a call a root elsewhere links to is linked, never flagged', () => {
    const producer = makeTrace([
      {
        id: 'a',
        trace: '1',
        name: 'publish',
        service: 'shop',
        kind: 'producer',
        startMs: 0,
        endMs: 1,
        attributes: { 'peer.service': 'mailer' },
      },
    ]);
    const consumer = makeTrace([
      {
        id: 'b',
        trace: '2',
        name: 'process',
        service: 'mailer',
        kind: 'consumer',
        startMs: 5,
        endMs: 9,
        links: [{ traceId: tid('1'), spanId: sid('a'), attributes: {} }],
      },
    ]);
    expect(judge([producer, consumer])).toEqual({
      findings: [],
      edges: [edge({ caller: 'shop', callee: 'mailer', calls: 1, linked: 1 })],
    });
  });

  it('a root of the named service starting during the call in another trace: the callee did not extract', () => {
    const { findings, edges } = judge([
      caller('1', NAMED_ORDERS),
      calleeRoot('2', 'order-service', 110, 190),
    ]);
    expect(findings).toEqual([
      {
        kind: 'split-trace',
        ...ORDERS_CALL,
        relatedTraceId: tid('2'),
        relatedSpanId: sid('c'),
        relatedOperation: 'GET /orders',
        cause: 'callee-did-not-extract',
      },
    ]);
    expect(edges).toEqual([edge({ calls: 1, splitTrace: 1 })]);
  });

  it('names the callee by the address its server was reached at, or by a host named like a service', () => {
    const byAddress = judge([
      caller('1', { 'server.address': 'orders.internal', 'server.port': 8080 }),
      calleeRoot('2', 'order-service', 110, 190, {
        'server.address': 'orders.internal',
        'server.port': 8080,
      }),
    ]);
    expect(byAddress.findings).toMatchObject([
      {
        kind: 'split-trace',
        peer: 'orders.internal:8080',
        peerService: 'order-service',
        cause: 'callee-did-not-extract',
      },
    ]);
    const byHost = judge([
      caller('1', { 'url.full': 'http://order-service:8080/orders' }),
      calleeRoot('2', 'order-service', 110, 190),
    ]);
    expect(byHost.findings).toMatchObject([
      { kind: 'split-trace', peerService: 'order-service', cause: 'callee-did-not-extract' },
    ]);
  });

  it('a call to an unknown address with one root of another service inside it: a hop dropped the headers', () => {
    const { findings, edges } = judge([
      caller('1', { 'server.address': 'edge-proxy', 'server.port': 8080 }),
      calleeRoot('2', 'order-service', 110, 190),
    ]);
    expect(findings).toMatchObject([
      {
        kind: 'split-trace',
        peer: 'edge-proxy:8080',
        peerService: 'order-service',
        relatedTraceId: tid('2'),
        cause: 'hop-dropped-context',
      },
    ]);
    expect(edges).toMatchObject([{ caller: 'user-service', callee: 'order-service', splitTrace: 1 }]);
  });

  it('claims nothing for an unknown address when several roots, or none wholly inside, could be the far side', () => {
    const proxy = { 'server.address': 'edge-proxy', 'server.port': 8080 };
    expect(
      judge([
        caller('1', proxy),
        calleeRoot('2', 'order-service', 110, 150),
        calleeRoot('3', 'cart', 120, 160),
      ]),
    ).toEqual({
      findings: [],
      edges: [],
    });
    expect(judge([caller('1', proxy), calleeRoot('2', 'order-service', 110, 226.001)])).toEqual({
      findings: [],
      edges: [],
    });
    // A root of the caller's own service is not the far side.
    expect(judge([caller('1', proxy), calleeRoot('2', 'user-service', 110, 150)]).findings).toEqual([]);
  });

  it('with no offset learnt, a root fits within 1 ms of the call, and may end 25 ms more after an answer', () => {
    const named = { 'peer.service': 'order-service' };
    const judged = (start: number, end: number, more: Partial<SpanSpec> = {}) =>
      judge([caller('1', named, more), calleeRoot('2', 'order-service', start, end)]).findings.map(
        (f) => f.kind,
      );
    expect(judged(99, 150)).toEqual(['split-trace']);
    expect(judged(98.999, 150)).toEqual(['unanswered-client']);
    expect(judged(150, 226)).toEqual(['split-trace']);
    expect(judged(150, 226.001)).toEqual(['unanswered-client']);
    expect(judged(201, 202)).toEqual(['split-trace']);
    expect(judged(201.001, 202)).toEqual(['unanswered-client']);
    // A call that failed (timed out) may have given up before its callee ended.
    expect(judged(150, 900, { status: { code: 'error', message: 'timeout' } })).toEqual(['split-trace']);
  });

  it('a call to a service seen in the data that nothing answered is unanswered', () => {
    const { findings, edges } = judge([
      caller('1', NAMED_ORDERS),
      calleeRoot('2', 'order-service', 500, 600),
    ]);
    expect(findings).toEqual([{ kind: 'unanswered-client', ...ORDERS_CALL }]);
    expect(edges).toEqual([edge({ calls: 1, unanswered: 1 })]);
  });

  it('says nothing of a call to a service not in the data, to its own service, or from a producer', () => {
    expect(judge([caller('1', { 'peer.service': 'billing' })])).toEqual({ findings: [], edges: [] });
    expect(judge([caller('1', { 'peer.service': 'user-service' })])).toEqual({ findings: [], edges: [] });
    expect(
      judge([
        caller('1', { 'peer.service': 'order-service' }, { kind: 'producer' }),
        calleeRoot('2', 'order-service', 500, 600),
      ]),
    ).toEqual({ findings: [], edges: [] });
  });

  it('a root answers one call only: the first call claims it, the next is unanswered', () => {
    const named = { 'peer.service': 'order-service' };
    const { findings, edges } = judge([
      caller('1', named),
      caller('3', named),
      calleeRoot('2', 'order-service', 110, 150),
    ]);
    expect(findings.map((f) => `${f.kind} ${f.traceId}`)).toEqual([
      `split-trace ${tid('1')}`,
      `unanswered-client ${tid('3')}`,
    ]);
    expect(edges).toMatchObject([{ calls: 2, splitTrace: 1, unanswered: 1 }]);
  });

  it('keeps the calls’ order: a hidden hop found at once sits among the calls judged at the end', () => {
    const hop = makeTrace(
      answeredCall(
        { 'server.address': 'proxy', 'server.port': 1 },
        { 'server.address': 'orders', 'server.port': 80 },
        '5',
      ),
    );
    const named = { 'peer.service': 'order-service' };
    const { findings } = judge([caller('1', named), hop, caller('3', named)]);
    expect(findings.map((f) => `${f.kind} ${f.traceId}`)).toEqual([
      `unanswered-client ${tid('1')}`,
      `hidden-hop ${tid('5')}`,
      `unanswered-client ${tid('3')}`,
    ]);
  });

  it('adds continued calls counted elsewhere to the edge', () => {
    const calls = new ClientCallCheck();
    calls.addContinued('user-service', 'order-service', 7);
    calls.add(tid('1'), [
      {
        kind: 'continued',
        caller: 'user-service',
        callee: 'order-service',
        hop: undefined,
        timing: undefined,
      },
    ]);
    // Counted already: only its hop, if any, is left.
    calls.add(tid('2'), [
      {
        kind: 'continued',
        caller: 'user-service',
        callee: 'order-service',
        hop: undefined,
        timing: undefined,
        counted: true,
      },
    ]);
    expect(calls.finish(new TraceIndex().seal()).edges).toEqual([edge({ calls: 8, continued: 8 })]);
  });
});
