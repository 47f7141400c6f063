import { describe, expect, it } from 'vitest';
import { findLostContexts } from '../../../src/analysis/propagation/context-lost.js';
import { TraceIndex } from '../../../src/analysis/propagation/trace-index.js';
import { buildTree } from '../../../src/model/build-tree.js';
import type { Trace } from '../../../src/model/types.js';
import { frozen, makeTrace, type SpanSpec, sid, tid } from '../../helpers/make-span.js';

const lostIn = (traces: Trace[]) => {
  const index = new TraceIndex();
  for (const trace of traces) index.add(trace.traceId, TraceIndex.partOf(buildTree(frozen(trace)), 'all'));
  return findLostContexts(index.seal());
};

/*
 *  trace 1  |--get_user_profile (user-service, SERVER) 0-100---|
 *                |--load_profile 10-50--|
 *  trace 2            |--write_audit_log (user-service) 20-60--|    a root of its own
 */
const request = (more: SpanSpec[] = []) =>
  makeTrace([
    {
      id: 'a',
      trace: '1',
      name: 'get_user_profile',
      service: 'user-service',
      kind: 'server',
      startMs: 0,
      endMs: 100,
    },
    ...more,
  ]);
const job = (spec: Partial<SpanSpec> = {}) =>
  makeTrace([
    {
      id: 'b',
      trace: '2',
      name: 'write_audit_log',
      service: 'user-service',
      kind: 'internal',
      startMs: 20,
      endMs: 60,
      ...spec,
    },
  ]);

describe('findLostContexts', () => {
  it('a root starting while its service serves one request lost that request’s context', () => {
    expect(lostIn([request(), job()])).toEqual([
      {
        kind: 'context-lost',
        traceId: tid('2'),
        spanId: sid('b'),
        service: 'user-service',
        operation: 'write_audit_log',
        relatedTraceId: tid('1'),
        relatedSpanId: sid('a'),
        relatedOperation: 'get_user_profile',
      },
    ]);
  });

  it('names the innermost span of that request that was running', () => {
    const found = lostIn([
      request([
        {
          id: 'c',
          trace: '1',
          parent: 'a',
          name: 'load_profile',
          service: 'user-service',
          startMs: 10,
          endMs: 50,
        },
        {
          id: 'd',
          trace: '1',
          parent: 'a',
          name: 'already done',
          service: 'user-service',
          startMs: 12,
          endMs: 15,
        },
        { id: 'e', trace: '1', parent: 'a', name: 'other service', service: 'db', startMs: 19, endMs: 50 },
      ]),
      job(),
    ]);
    expect(found).toMatchObject([{ relatedSpanId: sid('c'), relatedOperation: 'load_profile' }]);
  });

  it('CLIENT and PRODUCER roots count too; SERVER and CONSUMER roots are entry points', () => {
    expect(lostIn([request(), job({ kind: 'client' })])).toHaveLength(1);
    expect(lostIn([request(), job({ kind: 'producer' })])).toHaveLength(1);
    expect(lostIn([request(), job({ kind: 'server' })])).toEqual([]);
    expect(lostIn([request(), job({ kind: 'consumer' })])).toEqual([]);
  });

  it('claims nothing while the service serves several requests: a background job overlaps them all', () => {
    const second = makeTrace([
      {
        id: 'a',
        trace: '3',
        name: 'get_user_profile',
        service: 'user-service',
        kind: 'server',
        startMs: 5,
        endMs: 80,
      },
    ]);
    expect(lostIn([request(), second, job()])).toEqual([]);
  });

  it('claims nothing when no request was being served: only other roots were running', () => {
    const loadgen = makeTrace([
      { id: 'a', trace: '1', name: 'tick', service: 'user-service', kind: 'client', startMs: 0, endMs: 100 },
    ]);
    expect(lostIn([loadgen, job()])).toEqual([]);
  });

  it('looks only at its own service, and only at spans running at its start', () => {
    const elsewhere = makeTrace([
      {
        id: 'a',
        trace: '1',
        name: 'serve',
        service: 'order-service',
        kind: 'server',
        startMs: 0,
        endMs: 100,
      },
    ]);
    expect(lostIn([elsewhere, job()])).toEqual([]);
    expect(lostIn([request(), job({ startMs: 101, endMs: 120 })])).toEqual([]);
    // The request's last instant still counts.
    expect(lostIn([request(), job({ startMs: 100, endMs: 120 })])).toHaveLength(1);
  });

  it('a root with a link was started on purpose, and a second root in one trace is not alone', () => {
    expect(
      lostIn([request(), job({ links: [{ traceId: tid('1'), spanId: sid('a'), attributes: {} }] })]),
    ).toEqual([]);
    const twoRoots = makeTrace([
      { id: 'b', trace: '2', name: 'write_audit_log', service: 'user-service', startMs: 20, endMs: 60 },
      { id: 'c', trace: '2', name: 'another', service: 'user-service', startMs: 21, endMs: 22 },
    ]);
    expect(lostIn([request(), twoRoots])).toEqual([]);
  });
});
