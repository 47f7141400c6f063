import { describe, expect, it } from 'vitest';
import { noteServedAt, TraceIndex } from '../../../src/analysis/propagation/trace-index.js';
import { buildTree } from '../../../src/model/build-tree.js';
import type { Trace } from '../../../src/model/types.js';
import { frozen, makeTrace, ms, type SpanSpec, sid, tid } from '../../helpers/make-span.js';

const treeOf = (specs: SpanSpec[]) => buildTree(frozen(makeTrace(specs)));
const indexOf = (traces: Trace[]) => {
  const index = new TraceIndex();
  for (const trace of traces) index.add(trace.traceId, TraceIndex.partOf(buildTree(frozen(trace)), 'all'));
  return index.seal();
};
const link = (trace: string, span: string) => ({ traceId: tid(trace), spanId: sid(span), attributes: {} });

describe('TraceIndex.partOf', () => {
  /*
   *  frontend GET /  (server, root)
   *  ├─ frontend GET  (client)
   *  │  └─ orders GET /orders  (server, reached at orders:8080)
   *  └─ orders grpc Get  (server, rpc: its server.address is the client's)
   */
  const tree = treeOf([
    {
      id: 'a',
      trace: '1',
      name: 'GET /',
      service: 'frontend',
      kind: 'server',
      endMs: 100,
      attributes: { 'server.address': 'shop.example', 'server.port': 443 },
    },
    {
      id: 'b',
      trace: '1',
      parent: 'a',
      name: 'GET',
      service: 'frontend',
      kind: 'client',
      startMs: 1,
      endMs: 50,
    },
    {
      id: 'c',
      trace: '1',
      parent: 'b',
      name: 'GET /orders',
      service: 'orders',
      kind: 'server',
      startMs: 2,
      endMs: 40,
      attributes: { 'server.address': 'Orders', 'server.port': '8080' },
    },
    {
      id: 'd',
      trace: '1',
      parent: 'a',
      name: 'Get',
      service: 'orders',
      kind: 'server',
      startMs: 60,
      endMs: 70,
      attributes: { 'rpc.system': 'grpc', 'server.address': '10.0.0.3', 'server.port': 51234 },
    },
  ]);

  it('lists the services, and where each HTTP server says it was reached', () => {
    const part = TraceIndex.partOf(tree, 'all');
    expect(part.services).toEqual(['frontend', 'orders']);
    expect(part.servers).toEqual([
      ['shop.example:443', 'frontend'],
      ['orders:8080', 'orders'],
    ]);
    expect(part.links).toEqual([]);
  });

  it('a SERVER root without links may be the far side of a broken call', () => {
    const part = TraceIndex.partOf(tree, 'all');
    expect(part.calleeRoots.map((s) => s.spanId)).toEqual([sid('a')]);
    expect(part.otherRoots).toEqual([]);
  });

  it('lists every span, or only those of the services asked for, in tree order', () => {
    expect(TraceIndex.partOf(tree, 'all').spans.map((s) => s.spanId)).toEqual([
      sid('a'),
      sid('b'),
      sid('c'),
      sid('d'),
    ]);
    expect(TraceIndex.partOf(tree, new Set(['orders'])).spans.map((s) => s.spanId)).toEqual([
      sid('c'),
      sid('d'),
    ]);
    expect(TraceIndex.partOf(tree, new Set()).spans).toEqual([]);
  });

  it('a root of another kind, alone in its trace, may have lost its context; one with a link did not', () => {
    const internal = TraceIndex.partOf(treeOf([{ id: 'a', name: 'job', kind: 'internal' }]), 'all');
    expect(internal.otherRoots.map((s) => s.name)).toEqual(['job']);
    expect(internal.calleeRoots).toEqual([]);
    const linked = TraceIndex.partOf(
      treeOf([{ id: 'a', name: 'consume', kind: 'consumer', service: 'worker', links: [link('9', 'f')] }]),
      'all',
    );
    expect(linked.calleeRoots).toEqual([]);
    expect(linked.otherRoots).toEqual([]);
    expect(linked.links).toEqual([[`${tid('9')}/${sid('f')}`, 'worker']]);
  });

  it('neither an orphan nor a second root in one trace counts as another root', () => {
    const part = TraceIndex.partOf(
      treeOf([
        { id: 'a', name: 'first', kind: 'internal' },
        { id: 'b', name: 'second', kind: 'internal', startMs: 5 },
        { id: 'c', name: 'orphan', kind: 'server', parent: 'dead', startMs: 6 },
      ]),
      'all',
    );
    expect(part.otherRoots).toEqual([]);
    expect(part.calleeRoots).toEqual([]);
  });
});

describe('TraceIndex', () => {
  it('gathers services, addresses and links across traces', () => {
    const index = indexOf([
      makeTrace([
        {
          id: 'a',
          trace: '1',
          service: 'orders',
          kind: 'server',
          attributes: { 'server.address': 'lb', 'server.port': 80 },
        },
      ]),
      makeTrace([
        {
          id: 'a',
          trace: '2',
          service: 'users',
          kind: 'server',
          attributes: { 'server.address': 'lb', 'server.port': 80 },
        },
        { id: 'b', trace: '2', parent: 'a', service: 'users', kind: 'producer', links: [link('1', 'a')] },
      ]),
      makeTrace([
        {
          id: 'a',
          trace: '3',
          service: 'orders',
          kind: 'server',
          attributes: { 'server.address': 'orders', 'server.port': 80 },
        },
      ]),
    ]);
    expect([...index.services]).toEqual(['orders', 'users']);
    expect(index.serviceAt).toEqual(
      new Map([
        ['lb:80', undefined],
        ['orders:80', 'orders'],
      ]),
    );
    expect(index.linkedFrom).toEqual(new Map([[`${tid('1')}/${sid('a')}`, 'users']]));
  });

  it('finds the callee roots that started in a window, bounds included', () => {
    const root = (trace: string, startMs: number) =>
      makeTrace([{ id: 'a', trace, name: `at ${startMs}`, kind: 'server', startMs, endMs: startMs + 1 }]);
    // Added out of order: sealing sorts them.
    const index = indexOf([root('1', 30), root('2', 10), root('3', 20), root('4', 40)]);
    expect(index.calleeRootsStartingIn(ms(10), ms(30)).map((l) => l.span.name)).toEqual([
      'at 10',
      'at 20',
      'at 30',
    ]);
    expect(index.calleeRootsStartingIn(ms(11), ms(29)).map((l) => [l.traceId, l.span.name])).toEqual([
      [tid('3'), 'at 20'],
    ]);
    expect(index.calleeRootsStartingIn(ms(41), ms(50))).toEqual([]);
  });

  it("finds the spans of another root's service running at an instant, bounds included", () => {
    /*
     *  trace 1 (audit)  |--serve 0-100---------------------|
     *                        |--load 20-50--|
     *  trace 2 (audit)                         |--job 60-70--|   an other root: audit is listed
     *  trace 3 (web)    |--web 0-100-----------------------|     not listed: no other root of web
     */
    const index = indexOf([
      makeTrace([
        { id: 'a', trace: '1', name: 'serve', service: 'audit', kind: 'server', startMs: 0, endMs: 100 },
        { id: 'b', trace: '1', parent: 'a', name: 'load', service: 'audit', startMs: 20, endMs: 50 },
      ]),
      makeTrace([
        { id: 'a', trace: '2', name: 'job', service: 'audit', kind: 'internal', startMs: 60, endMs: 70 },
      ]),
      makeTrace([
        { id: 'a', trace: '3', name: 'web', service: 'web', kind: 'server', startMs: 0, endMs: 100 },
      ]),
    ]);
    const around = (at: number) => index.spansOfServiceAround('audit', ms(at)).map((l) => l.span.name);
    expect(around(30)).toEqual(['serve', 'load']);
    expect(around(50)).toEqual(['serve', 'load']);
    expect(around(65)).toEqual(['serve', 'job']);
    expect(around(100)).toEqual(['serve']);
    expect(around(101)).toEqual([]);
    expect(index.spansOfServiceAround('web', ms(50))).toEqual([]);
    expect(index.otherRoots.map((l) => [l.traceId, l.span.name])).toEqual([[tid('2'), 'job']]);
  });

  it('refuses a trace added after sealing, and seals once', () => {
    const index = new TraceIndex();
    expect(index.seal()).toBe(index);
    expect(index.seal()).toBe(index);
    expect(() => index.add(tid('1'), TraceIndex.partOf(treeOf([{ id: 'a' }]), 'all'))).toThrow(
      'TraceIndex: add after seal',
    );
  });

  it('adds services and addresses from totals as from parts', () => {
    const index = new TraceIndex();
    index.addServices(
      ['a', 'b'],
      [
        ['x:1', 'a'],
        ['y:2', undefined],
      ],
    );
    index.addServices(['b'], [['x:1', 'a']]);
    expect([...index.services]).toEqual(['a', 'b']);
    expect(index.serviceAt).toEqual(
      new Map([
        ['x:1', 'a'],
        ['y:2', undefined],
      ]),
    );
  });
});

describe('noteServedAt', () => {
  it('keeps one service per address, and undefined once two services differ, for good', () => {
    const at = new Map<string, string | undefined>();
    noteServedAt(at, 'lb:80', 'orders');
    noteServedAt(at, 'lb:80', 'orders');
    expect(at.get('lb:80')).toBe('orders');
    noteServedAt(at, 'lb:80', 'users');
    expect(at.has('lb:80')).toBe(true);
    expect(at.get('lb:80')).toBeUndefined();
    noteServedAt(at, 'lb:80', 'orders');
    expect(at.get('lb:80')).toBeUndefined();
  });
});
