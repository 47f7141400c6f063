import { describe, expect, it } from 'vitest';
import { decodeOtlpDocument, isOtlpOtherSignal, isOtlpTraceDocument } from '../../src/schema/otlp.js';
import { collecting, inputErrorOf } from '../helpers/collect.js';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const PARENT = 'eee19b7ec3c1b173';

function doc(
  span: Record<string, unknown>,
  envelope: (rs: unknown[]) => unknown = (rs) => ({ resourceSpans: rs }),
) {
  return envelope([
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'user-service' } }] },
      scopeSpans: [{ scope: { name: 'manual', version: '1.0' }, spans: [span] }],
    },
  ]);
}

const base = {
  traceId: TRACE,
  spanId: SPAN,
  parentSpanId: PARENT,
  name: 'get_user_orders',
  kind: 3,
  startTimeUnixNano: '1700000000000000001',
  endTimeUnixNano: '1700000005000000001',
};

describe('decodeOtlpDocument', () => {
  it('decodes the spec shape exactly, nanoseconds included', () => {
    const { spans, sink, ctx } = collecting();
    decodeOtlpDocument(doc({ ...base, status: { code: 2, message: 'boom' } }), ctx, sink);
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span).toMatchObject({
      traceId: TRACE,
      spanId: SPAN,
      parentSpanId: PARENT,
      name: 'get_user_orders',
      kind: 'client',
      service: 'user-service',
      status: { code: 'error', message: 'boom' },
      scope: { name: 'manual', version: '1.0' },
    });
    expect(span.start).toBe(1700000000000000001n);
    expect(span.end - span.start).toBe(5000000000n);
  });

  it.each([
    ['batches (Tempo)', (rs: unknown[]) => ({ batches: rs })],
    ['result (Jaeger v3)', (rs: unknown[]) => ({ result: { resourceSpans: rs } })],
    ['trace (Tempo v2)', (rs: unknown[]) => ({ trace: { batches: rs } })],
    ['resource_spans', (rs: unknown[]) => ({ resource_spans: rs })],
  ])('accepts the %s envelope', (_name, envelope) => {
    const { spans, sink, ctx } = collecting();
    const d = doc(base, envelope);
    expect(isOtlpTraceDocument(d)).toBe(true);
    decodeOtlpDocument(d, ctx, sink);
    expect(spans.map((s) => s.spanId)).toEqual([SPAN]);
  });

  it('reads snake_case keys and deprecated instrumentationLibrarySpans', () => {
    const { spans, sink, ctx } = collecting();
    decodeOtlpDocument(
      {
        resource_spans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] },
            instrumentation_library_spans: [
              {
                instrumentation_library: { name: 'lib' },
                spans: [
                  {
                    trace_id: TRACE,
                    span_id: SPAN,
                    name: 'x',
                    start_time_unix_nano: 5,
                    end_time_unix_nano: 9,
                    attributes: [{ key: 'n', value: { int_value: 3 } }],
                  },
                ],
              },
            ],
          },
        ],
      },
      ctx,
      sink,
    );
    expect(spans[0]).toMatchObject({
      service: 'svc',
      scope: { name: 'lib', version: '' },
      attributes: { n: 3 },
    });
    expect(spans[0]!.end - spans[0]!.start).toBe(4n);
  });

  it('normalises uppercase hex, base64 ids and all-zero parents', () => {
    const { spans, sink, ctx } = collecting();
    decodeOtlpDocument(
      doc({
        ...base,
        traceId: Buffer.from(TRACE, 'hex').toString('base64'),
        spanId: SPAN.toUpperCase(),
        parentSpanId: 'AAAAAAAAAAA=',
      }),
      ctx,
      sink,
    );
    expect(spans[0]).toMatchObject({ traceId: TRACE, spanId: SPAN, parentSpanId: undefined });
  });

  it('reads enum names, legacy status codes and {low, high} times', () => {
    const { spans, sink, ctx } = collecting();
    decodeOtlpDocument(
      doc({
        ...base,
        kind: 'SPAN_KIND_SERVER',
        status: { code: 'STATUS_CODE_ERROR' },
        startTimeUnixNano: { low: 1, high: 1 },
        endTimeUnixNano: { low: 11, high: 1 },
      }),
      ctx,
      sink,
    );
    expect(spans[0]).toMatchObject({ kind: 'server', status: { code: 'error' } });
    expect(spans[0]!.start).toBe((1n << 32n) + 1n);
    const legacy = collecting();
    decodeOtlpDocument(doc({ ...base, status: { code: 13 } }), legacy.ctx, legacy.sink);
    expect(legacy.spans[0]!.status.code).toBe('error');
  });

  it('decodes AnyValue of every kind', () => {
    const { spans, sink, ctx } = collecting();
    decodeOtlpDocument(
      doc({
        ...base,
        attributes: [
          { key: 's', value: { stringValue: 'a' } },
          { key: 'b', value: { boolValue: true } },
          { key: 'i', value: { intValue: '42' } },
          { key: 'big', value: { intValue: '9007199254740993' } },
          { key: 'd', value: { doubleValue: 1.5 } },
          { key: 'nan', value: { doubleValue: 'NaN' } },
          { key: 'bytes', value: { bytesValue: 'AQI=' } },
          { key: 'arr', value: { arrayValue: { values: [{ intValue: 1 }, { stringValue: 'x' }] } } },
          { key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } } },
          { key: 'empty', value: {} },
        ],
      }),
      ctx,
      sink,
    );
    expect(spans[0]!.attributes).toEqual({
      s: 'a',
      b: true,
      i: 42,
      big: '9007199254740993',
      d: 1.5,
      nan: 'NaN',
      bytes: 'AQI=',
      arr: [1, 'x'],
      kv: { k: false },
      empty: null,
    });
  });

  it('keeps exception events and drops links whose ids are placeholders, with a warning', () => {
    const { spans, warnings, sink, ctx } = collecting();
    decodeOtlpDocument(
      doc({
        ...base,
        events: [
          {
            name: 'exception',
            timeUnixNano: '1700000004000000000',
            attributes: [{ key: 'exception.type', value: { stringValue: 'ECONNREFUSED' } }],
          },
        ],
        links: [
          { traceId: 'traceId', spanId: 'spanId' },
          { traceId: TRACE, spanId: PARENT },
        ],
      }),
      ctx,
      sink,
    );
    expect(spans[0]!.events).toEqual([
      { name: 'exception', time: 1700000004000000000n, attributes: { 'exception.type': 'ECONNREFUSED' } },
    ]);
    expect(spans[0]!.links).toEqual([{ traceId: TRACE, spanId: PARENT, attributes: {} }]);
    expect(warnings).toEqual([
      'test.json:1: resourceSpans[0].scopeSpans[0].spans[0].links[0]: link ids are not usable ids; link ignored',
    ]);
  });

  it('refuses bad ids with file:line, the JSON path and what was expected', () => {
    const { sink, ctx } = collecting('traces.jsonl', 14);
    const error = inputErrorOf(() => decodeOtlpDocument(doc({ ...base, spanId: 'xyz' }), ctx, sink));
    expect(error.message).toBe(
      'traces.jsonl:14: resourceSpans[0].scopeSpans[0].spans[0].spanId: expected 16 hex chars, got "xyz"',
    );
    expect(error.exitCode).toBe(2);
  });

  it('refuses a missing span id and a non-numeric time', () => {
    const { sink, ctx } = collecting();
    expect(
      inputErrorOf(() => decodeOtlpDocument(doc({ ...base, spanId: undefined }), ctx, sink)).message,
    ).toBe('test.json:1: resourceSpans[0].scopeSpans[0].spans[0].spanId: missing, empty or all-zero id');
    expect(
      inputErrorOf(() => decodeOtlpDocument(doc({ ...base, startTimeUnixNano: 'soon' }), ctx, sink)).message,
    ).toBe(
      'test.json:1: resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: expected nanoseconds since the epoch as a decimal string, got the string "soon"',
    );
  });

  it('tells trace documents from other signals', () => {
    expect(isOtlpOtherSignal({ resourceMetrics: [] })).toBe(true);
    expect(isOtlpOtherSignal({ resourceLogs: [] })).toBe(true);
    expect(isOtlpTraceDocument({ resourceLogs: [] })).toBe(false);
  });

  it('does not modify the document it reads', () => {
    const { sink, ctx } = collecting();
    const input = doc({ ...base, attributes: [{ key: 'a', value: { stringValue: 'b' } }] });
    const before = JSON.stringify(input);
    decodeOtlpDocument(input, ctx, sink);
    expect(JSON.stringify(input)).toBe(before);
  });
});
