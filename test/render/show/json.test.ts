import { describe, expect, it } from 'vitest';
import { ShowDocumentSchema } from '../../../src/render/contracts/show.js';
import { buildShowDocument } from '../../../src/render/show/json.js';
import { analyzeSpans } from '../../helpers/analyze-doc.js';
import { DOC_TRACE_ID, type DocSpan, spanHex } from '../../helpers/otlp-doc.js';
import { analyse, MASKED_TIMEOUT, RECOVERED } from '../../helpers/show-scenarios.js';

const SERVER = 2;
const CLIENT = 3;
const ERROR = { code: 2 };

/** Decoded from OTLP/JSON as a file would be; times from 2023-11-14T22:13:20.000Z. */
const documentOf = (spans: readonly DocSpan[]) => buildShowDocument(analyzeSpans(spans).analysis);
const T0 = '2023-11-14T22:13:20';

/*
 *   get_user_profile ✗ 0-20 ─┬─ get_user_data 0-5
 *                            └─ get_user_orders ✗ 6-20 ── GET ✗ 7-13.5 ECONNREFUSED (the origin)
 */
const REFUSED: DocSpan[] = [
  {
    id: 1,
    name: 'get_user_profile',
    service: 'user-service',
    kind: SERVER,
    startMs: 0,
    endMs: 20,
    status: ERROR,
  },
  { id: 2, parent: 1, name: 'get_user_data', service: 'user-service', startMs: 0, endMs: 5 },
  {
    id: 3,
    parent: 1,
    name: 'get_user_orders',
    service: 'user-service',
    startMs: 6,
    endMs: 20,
    status: { code: 2, message: 'orders failed' },
  },
  {
    id: 4,
    parent: 3,
    name: 'GET',
    service: 'user-service',
    kind: CLIENT,
    startMs: 7,
    endMs: 13.5,
    status: { code: 2, message: 'connect ECONNREFUSED 127.0.0.1:4001' },
    attributes: { 'server.address': '127.0.0.1', 'server.port': 4001 },
    exception: { type: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:4001', stacktrace: 'at x' },
  },
];

describe('buildShowDocument', () => {
  it('satisfies the show contract, also after a round trip through JSON', () => {
    const doc = documentOf(REFUSED);
    expect(ShowDocumentSchema.safeParse(doc).error).toBeUndefined();
    expect(ShowDocumentSchema.parse(JSON.parse(JSON.stringify(doc)))).toEqual(
      JSON.parse(JSON.stringify(doc)),
    );
  });

  it('the trace: id, start, duration, counts, services and roots', () => {
    const doc = documentOf(REFUSED);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      traceId: DOC_TRACE_ID,
      startTime: `${T0}.000Z`,
      durationMs: 20,
      spanCount: 4,
      errorCount: 3,
      services: ['user-service'],
      rootSpanIds: [spanHex(1)],
    });
  });

  it('the diagnosis as data, with its text', () => {
    const { diagnosis } = documentOf(REFUSED);
    expect(diagnosis).toMatchObject({
      kind: 'failed',
      from: 'user-service',
      to: '127.0.0.1:4001',
      origin: { spanId: spanHex(4), name: 'GET', service: 'user-service', durationMs: 6.5 },
      originCaller: { spanId: spanHex(3), name: 'get_user_orders' },
      text: 'user-service → 127.0.0.1:4001 failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4001 in get_user_orders › GET after 6.5ms.',
    });
  });

  it('the findings as the analysis gave them', () => {
    const { findings } = documentOf(REFUSED);
    expect(findings).toEqual([
      {
        kind: 'error-origin',
        traceId: DOC_TRACE_ID,
        spanId: spanHex(4),
        service: 'user-service',
        name: 'GET',
        reason: { source: 'status', message: 'connect ECONNREFUSED 127.0.0.1:4001' },
        timeout: undefined,
        exception: {
          type: 'ECONNREFUSED',
          message: 'connect ECONNREFUSED 127.0.0.1:4001',
          stacktrace: 'at x',
        },
      },
    ]);
  });

  it('the critical path in time order, as offsets from the trace start', () => {
    // walking back from the end: get_user_orders waits on GET, and before it started, the root on get_user_data
    expect(documentOf(REFUSED).criticalPath).toEqual([
      { spanId: spanHex(2), startOffsetMs: 0, endOffsetMs: 5 },
      { spanId: spanHex(1), startOffsetMs: 5, endOffsetMs: 6 },
      { spanId: spanHex(3), startOffsetMs: 6, endOffsetMs: 7 },
      { spanId: spanHex(4), startOffsetMs: 7, endOffsetMs: 13.5 },
      { spanId: spanHex(3), startOffsetMs: 13.5, endOffsetMs: 20 },
    ]);
  });

  it('every span in tree order, with its times, status, exceptions and markers', () => {
    const { spans } = documentOf(REFUSED);
    expect(spans).toEqual([
      {
        spanId: spanHex(1),
        parentSpanId: null,
        depth: 0,
        service: 'user-service',
        name: 'get_user_profile',
        kind: 'server',
        startTime: `${T0}.000Z`,
        startOffsetMs: 0,
        durationMs: 20,
        selfMs: 1,
        criticalPathMs: 1,
        status: { code: 'error', message: '' },
        exceptions: [],
        markers: ['error', 'propagated', 'critical-path'],
      },
      {
        spanId: spanHex(2),
        parentSpanId: spanHex(1),
        depth: 1,
        service: 'user-service',
        name: 'get_user_data',
        kind: 'internal',
        startTime: `${T0}.000Z`,
        startOffsetMs: 0,
        durationMs: 5,
        selfMs: 5,
        criticalPathMs: 5,
        status: { code: 'unset', message: '' },
        exceptions: [],
        markers: ['critical-path'],
      },
      {
        spanId: spanHex(3),
        parentSpanId: spanHex(1),
        depth: 1,
        service: 'user-service',
        name: 'get_user_orders',
        kind: 'internal',
        startTime: `${T0}.006Z`,
        startOffsetMs: 6,
        durationMs: 14,
        selfMs: 7.5,
        criticalPathMs: 7.5,
        status: { code: 'error', message: 'orders failed' },
        exceptions: [],
        markers: ['error', 'propagated', 'critical-path'],
      },
      {
        spanId: spanHex(4),
        parentSpanId: spanHex(3),
        depth: 2,
        service: 'user-service',
        name: 'GET',
        kind: 'client',
        startTime: `${T0}.007Z`,
        startOffsetMs: 7,
        durationMs: 6.5,
        selfMs: 6.5,
        criticalPathMs: 6.5,
        status: { code: 'error', message: 'connect ECONNREFUSED 127.0.0.1:4001' },
        exceptions: [
          { type: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:4001', stacktrace: 'at x' },
        ],
        markers: ['error', 'error-origin', 'critical-path'],
      },
    ]);
  });

  it('markers: timeout and the slow span behind it', () => {
    const { spans } = buildShowDocument(analyse(MASKED_TIMEOUT));
    expect(spans.map((s) => s.markers)).toEqual([
      ['error', 'timeout', 'error-origin', 'critical-path'],
      ['slow-behind-timeout', 'critical-path'],
    ]);
  });

  it('markers: a recovered failure is not an error origin', () => {
    const { spans, errorCount, diagnosis } = buildShowDocument(analyse(RECOVERED));
    expect(spans.map((s) => s.markers)).toEqual([['critical-path'], ['error', 'recovered', 'critical-path']]);
    expect(errorCount).toBe(1);
    expect(diagnosis).toEqual({
      kind: 'ok',
      recoveredErrors: 1,
      text: 'No unrecovered errors: 1 failed span(s) were retried or handled by their callers.',
    });
  });

  it('markers: orphan, duplicate id and cut cycle; an orphan keeps the id of its missing parent', () => {
    const doc = buildShowDocument(
      analyse([
        { id: '1', name: 'root', startMs: 0, endMs: 10 },
        { id: '2', parent: '1', name: 'x', startMs: 1, endMs: 2 },
        { id: '2', parent: '1', name: 'again', startMs: 3, endMs: 4 },
        { id: '3', parent: 'ff', name: 'stray', startMs: 20, endMs: 21 },
        { id: 'a', parent: 'b', name: 'A', startMs: 30, endMs: 32 },
        { id: 'b', parent: 'a', name: 'B', startMs: 31, endMs: 32 },
      ]),
    );
    expect(
      doc.spans.map((s) => [s.name, s.parentSpanId, s.depth, s.markers.filter((m) => m !== 'critical-path')]),
    ).toEqual([
      ['root', null, 0, []],
      ['x', '0000000000000001', 1, []],
      ['again', '0000000000000001', 1, ['duplicate-id']],
      ['stray', '00000000000000ff', 0, ['orphan']],
      ['A', '000000000000000b', 0, ['cycle-cut']],
      ['B', '000000000000000a', 1, []],
    ]);
    expect(doc.rootSpanIds).toEqual(['0000000000000001', '0000000000000003', '000000000000000a']);
    expect(doc.findings.map((f) => f.kind)).toEqual(['orphan-span', 'parent-cycle', 'duplicate-span-id']);
    expect(ShowDocumentSchema.safeParse(doc).error).toBeUndefined();
  });

  it('rounds times to the microsecond', () => {
    const { durationMs, spans } = documentOf([{ id: 1, name: 'quick', startMs: 0, endMs: 0.0123456 }]);
    expect(durationMs).toBe(0.012);
    expect(spans[0]!.selfMs).toBe(0.012);
  });

  it('keeps span data raw: JSON escaping makes it safe, consumers sanitise', () => {
    const { spans, services } = documentOf([
      { id: 1, name: 'a\u001bb', service: 'x\u202ey', startMs: 0, endMs: 1 },
    ]);
    expect(spans[0]!.name).toBe('a\u001bb');
    expect(services).toEqual(['x\u202ey']);
  });

  it('lists each service once, in tree order', () => {
    const { services } = documentOf([
      { id: 1, name: 'a', service: 'web', startMs: 0, endMs: 10 },
      { id: 2, parent: 1, name: 'b', service: 'db', startMs: 1, endMs: 2 },
      { id: 3, parent: 1, name: 'c', service: 'web', startMs: 3, endMs: 4 },
      { id: 4, parent: 1, name: 'd', service: 'db', startMs: 5, endMs: 6 },
    ]);
    expect(services).toEqual(['web', 'db']);
  });
});
