import { describe, expect, it } from 'vitest';
import { buildTree } from '../../src/model/build-tree.js';
import { decodeZipkinDocument, isZipkinDocument } from '../../src/schema/zipkin.js';
import { collecting, inputErrorOf } from '../helpers/collect.js';
import { frozen } from '../helpers/make-span.js';

const TRACE = '5982fe77008310cc80f1da5e10147517';
const at = (ms: number) => 1_700_000_000_000_000 + ms * 1000;

/** A Zipkin v2 span, µs times from `at(0)`. */
const span = (fields: Record<string, unknown>) => ({
  traceId: TRACE,
  name: 'get',
  timestamp: at(0),
  duration: 1000,
  localEndpoint: { serviceName: 'frontend', ipv4: '10.0.0.1' },
  ...fields,
});

function decode(doc: unknown, keepAttributes?: ReadonlySet<string>) {
  const collected = collecting('zipkin.json', 1);
  decodeZipkinDocument(doc, collected.ctx, { ...collected.sink, keepAttributes });
  return collected;
}

describe('decodeZipkinDocument', () => {
  it('reads ids, kind, µs times, the local service and tags', () => {
    const { spans } = decode([
      span({
        id: 'bd7a977555f6b982',
        kind: 'SERVER',
        name: 'get /api',
        duration: 2_500,
        tags: { 'http.path': '/api', 'http.status_code': '200' },
      }),
    ]);
    expect(spans).toMatchObject([
      {
        traceId: TRACE,
        spanId: 'bd7a977555f6b982',
        parentSpanId: undefined,
        name: 'get /api',
        kind: 'server',
        service: 'frontend',
        start: BigInt(at(0)) * 1000n,
        end: BigInt(at(2.5)) * 1000n,
        attributes: { 'http.path': '/api', 'http.status_code': '200' },
        resource: { 'service.name': 'frontend' },
        status: { code: 'unset' },
      },
    ]);
  });

  it('pads a 64-bit trace id, and reads a list of traces as /api/v2/traces answers', () => {
    const { spans } = decode([[span({ traceId: '80f1da5e10147517', id: 'a' })], [span({ id: 'b' })]]);
    expect(spans.map((s) => [s.traceId, s.spanId])).toEqual([
      ['000000000000000080f1da5e10147517', '000000000000000a'],
      [TRACE, '000000000000000b'],
    ]);
  });

  it('the error tag marks a failure, its value the message; OpenTelemetry writes otel.status_code', () => {
    const { spans } = decode([
      span({ id: '1', tags: { error: 'connect ECONNREFUSED 127.0.0.1:8081' } }),
      span({ id: '2', tags: { error: '' } }),
      span({ id: '3', tags: { 'otel.status_code': 'ERROR', error: 'timeout' } }),
      span({ id: '4', tags: { 'otel.status_code': 'OK' } }),
    ]);
    expect(spans.map((s) => s.status)).toEqual([
      { code: 'error', message: 'connect ECONNREFUSED 127.0.0.1:8081' },
      { code: 'error', message: '' },
      { code: 'error', message: 'timeout' },
      { code: 'ok', message: '' },
    ]);
  });

  it("a client's remote endpoint is who it called, unless its tags say", () => {
    const { spans } = decode([
      span({
        id: '1',
        kind: 'CLIENT',
        remoteEndpoint: { serviceName: 'order-service', ipv4: '10.0.0.2', port: 8081 },
      }),
      span({
        id: '2',
        kind: 'CLIENT',
        remoteEndpoint: { ipv4: '10.0.0.2' },
        tags: { 'server.address': 'orders' },
      }),
      span({ id: '3', kind: 'SERVER', remoteEndpoint: { serviceName: 'user-service', ipv4: '10.0.0.3' } }),
    ]);
    expect(spans.map((s) => s.attributes)).toEqual([
      { 'peer.service': 'order-service', 'server.address': '10.0.0.2', 'server.port': 8081 },
      { 'server.address': 'orders' },
      {},
    ]);
  });

  it("annotations are events; OpenTelemetry's {name: {attributes}} form keeps its attributes", () => {
    const { spans } = decode([
      span({
        id: '1',
        annotations: [
          { timestamp: at(0.5), value: 'wr' },
          {
            timestamp: at(0.7),
            value:
              '{"exception":{"exception.type":"Error","exception.message":"boom","exception.stacktrace":"Error: boom\\n    at f"}}',
          },
        ],
      }),
    ]);
    expect(spans[0]!.events).toEqual([
      { name: 'wr', time: BigInt(at(0.5)) * 1000n, attributes: {} },
      {
        name: 'exception',
        time: BigInt(at(0.7)) * 1000n,
        attributes: {
          'exception.type': 'Error',
          'exception.message': 'boom',
          'exception.stacktrace': 'Error: boom\n    at f',
        },
      },
    ]);
  });

  it('gives a shared server span an id of its own under the client, with its own children under it', () => {
    //   CLIENT a (frontend) ── SERVER a, shared (backend) ── query (backend, parent a)
    //                       └─ log  (frontend, parent a)
    const { spans } = decode([
      span({ id: 'a', kind: 'CLIENT' }),
      span({ id: 'a', kind: 'SERVER', shared: true, localEndpoint: { serviceName: 'backend' } }),
      span({ id: 'c', parentId: 'a', name: 'query', localEndpoint: { serviceName: 'backend' } }),
      span({ id: 'd', parentId: 'a', name: 'log' }),
    ]);
    const server = spans.find((s) => s.kind === 'server')!;
    expect(server.spanId).not.toBe('000000000000000a');
    expect(server.parentSpanId).toBe('000000000000000a');
    const tree = buildTree(frozen({ traceId: spans[0]!.traceId, spans, warnings: [] }));
    expect(
      tree.nodes.map((n) => `${'  '.repeat(n.depth)}${n.span.name === 'get' ? n.span.kind : n.span.name}`),
    ).toEqual(['client', '  server', '    query', '  log']);
  });

  it('a SERVER beside a CLIENT of the same id is shared even without the flag (older data)', () => {
    const { spans } = decode([span({ id: 'a', kind: 'CLIENT' }), span({ id: 'a', kind: 'SERVER' })]);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(2);
  });

  it('keeps only the attributes the sink keeps', () => {
    const { spans } = decode([span({ id: '1', tags: { error: 'x', 'user.id': '7' } })], new Set(['error']));
    expect(spans[0]!.attributes).toEqual({ error: 'x' });
  });

  it('warns once about spans without times, and refuses a bad id with its JSON path', () => {
    const { warnings, spans } = decode([
      span({ id: '1', timestamp: undefined }),
      span({ id: '2', duration: undefined }),
    ]);
    expect(spans).toHaveLength(2);
    expect(warnings).toEqual(['zipkin.json:1: 2 span(s) have no timestamp or duration; shown as 0 ms']);
    const { ctx, sink } = collecting('zipkin.json', 3);
    expect(inputErrorOf(() => decodeZipkinDocument([span({ id: 'xyz' })], ctx, sink)).message).toMatch(
      /^zipkin\.json:3: \[0\]\.id: /,
    );
    expect(
      inputErrorOf(() => decodeZipkinDocument([span({ id: '1', timestamp: 'soon' })], ctx, sink)).message,
    ).toBe('zipkin.json:3: [0].timestamp: expected microseconds as a number, got the string "soon"');
  });

  it('knows a Zipkin document by its spans, not by any array', () => {
    expect(isZipkinDocument([span({ id: '1' })])).toBe(true);
    expect(isZipkinDocument([[span({ id: '1' })]])).toBe(true);
    expect(isZipkinDocument([])).toBe(false);
    expect(isZipkinDocument([{ traceID: 'a', spans: [] }])).toBe(false);
    expect(isZipkinDocument([{ traceId: 'a', id: 'b', binaryAnnotations: [] }])).toBe(false);
  });
});
