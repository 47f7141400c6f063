import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { decodeJaegerDocument, isJaegerDocument } from '../../src/schema/jaeger.js';
import { collecting, inputErrorOf } from '../helpers/collect.js';

const span = (over: Record<string, unknown> = {}) => ({
  traceID: '2db17286b3e6b148',
  spanID: 'ec2b4e0bcea566d',
  operationName: 'GetOperations',
  references: [{ refType: 'CHILD_OF', traceID: '2db17286b3e6b148', spanID: '2db17286b3e6b148' }],
  startTime: 1571326774777000,
  duration: 3906,
  tags: [
    { key: 'span.kind', type: 'string', value: 'client' },
    { key: 'big', type: 'int64', value: '9223372036854775807' },
    { key: 'small', type: 'int64', value: 42 },
    { key: 'ratio', type: 'float64', value: 0.5 },
    { key: 'flag', type: 'bool', value: 'true' },
  ],
  logs: [
    {
      timestamp: 1571326774778000,
      fields: [
        { key: 'event', type: 'string', value: 'exception' },
        { key: 'exception.type', type: 'string', value: 'ECONNREFUSED' },
      ],
    },
  ],
  processID: 'p1',
  warnings: null,
  ...over,
});

const envelope = (spans: unknown[], extra: Record<string, unknown> = {}) => ({
  data: [
    {
      traceID: '2db17286b3e6b148',
      spans,
      processes: {
        p1: { serviceName: 'jaeger-query', tags: [{ key: 'ip', type: 'string', value: '10.0.0.1' }] },
      },
      warnings: null,
    },
  ],
  total: 0,
  limit: 0,
  offset: 0,
  errors: null,
  ...extra,
});

describe('decodeJaegerDocument', () => {
  it('normalises ids, µs times, tags, kind, logs and the process', () => {
    const { spans, sink, ctx } = collecting();
    decodeJaegerDocument(envelope([span()]), ctx, sink);
    expect(spans).toHaveLength(1);
    const s = spans[0]!;
    expect(s).toMatchObject({
      traceId: '00000000000000002db17286b3e6b148',
      spanId: '0ec2b4e0bcea566d',
      parentSpanId: '2db17286b3e6b148',
      name: 'GetOperations',
      kind: 'client',
      service: 'jaeger-query',
      resource: { ip: '10.0.0.1', 'service.name': 'jaeger-query' },
      status: { code: 'unset', message: '' },
    });
    expect(s.attributes).toMatchObject({ big: '9223372036854775807', small: 42, ratio: 0.5, flag: true });
    expect(s.start).toBe(1571326774777000000n);
    expect(s.end - s.start).toBe(3906000n);
    expect(s.events).toEqual([
      {
        name: 'exception',
        time: 1571326774778000000n,
        attributes: { event: 'exception', 'exception.type': 'ECONNREFUSED' },
      },
    ]);
  });

  it('shares one resource object between the spans of a process', () => {
    const { spans, sink, ctx } = collecting();
    decodeJaegerDocument(envelope([span(), span({ spanID: '1' })]), ctx, sink);
    expect(spans[0]!.resource).toBe(spans[1]!.resource);
  });

  it('maps otel.status_code and the error tag to a status', () => {
    const { spans, sink, ctx } = collecting();
    decodeJaegerDocument(
      envelope([
        span({
          spanID: 'a',
          tags: [
            { key: 'otel.status_code', type: 'string', value: 'ERROR' },
            { key: 'otel.status_description', type: 'string', value: 'boom' },
          ],
        }),
        span({ spanID: 'b', tags: [{ key: 'error', type: 'string', value: 'true' }] }),
        span({ spanID: 'c', tags: [{ key: 'otel.status_code', type: 'string', value: 'OK' }] }),
      ]),
      ctx,
      sink,
    );
    expect(spans.map((x) => x.status)).toEqual([
      { code: 'error', message: 'boom' },
      { code: 'error', message: '' },
      { code: 'ok', message: '' },
    ]);
  });

  it('takes the parent from CHILD_OF, else FOLLOWS_FROM, and keeps other references as links', () => {
    const { spans, sink, ctx } = collecting();
    decodeJaegerDocument(
      envelope([
        span({
          references: [
            { refType: 'CHILD_OF', traceID: 'ff', spanID: '5' },
            { refType: 'FOLLOWS_FROM', traceID: '2db17286b3e6b148', spanID: '3' },
          ],
        }),
      ]),
      ctx,
      sink,
    );
    expect(spans[0]!.parentSpanId).toBe('0000000000000003');
    expect(spans[0]!.links).toEqual([
      {
        traceId: '000000000000000000000000000000ff',
        spanId: '0000000000000005',
        attributes: { 'opentracing.ref_type': 'child_of' },
      },
    ]);
  });

  it('accepts a bare trace and an array of traces', () => {
    const bare = envelope([span()]).data[0];
    for (const doc of [bare, [bare]]) {
      const { spans, sink, ctx } = collecting();
      expect(isJaegerDocument(doc)).toBe(true);
      decodeJaegerDocument(doc, ctx, sink);
      expect(spans).toHaveLength(1);
    }
  });

  it('passes trace warnings on and keeps span warnings', () => {
    const { spans, traceWarnings, sink, ctx } = collecting();
    const doc = envelope([span({ warnings: ['clock skew adjustment disabled'] })]);
    (doc.data[0] as Record<string, unknown>).warnings = ['trace has more than 10 spans, showing first 10'];
    decodeJaegerDocument(doc, ctx, sink);
    expect(spans[0]!.warnings).toEqual(['clock skew adjustment disabled']);
    expect(traceWarnings.map((w) => w.message)).toEqual(['trace has more than 10 spans, showing first 10']);
  });

  it('refuses an error response with what Jaeger said', () => {
    const { sink, ctx } = collecting('trace.json');
    const error = inputErrorOf(() =>
      decodeJaegerDocument(
        { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found' }] },
        ctx,
        sink,
      ),
    );
    expect(error.message).toBe('trace.json:1: errors[0]: Jaeger answered 404 "trace not found"');
  });

  it.each([
    [{ spanID: 'not-hex' }, 'test.json:1: data[0].spans[0].spanID: expected 16 hex chars, got "not-hex"'],
    [
      { startTime: 'later' },
      'test.json:1: data[0].spans[0].startTime: expected microseconds as a number, got the string "later"',
    ],
    [{ traceID: 42 }, 'test.json:1: data[0].spans[0].traceID: expected a hex trace id, got number 42'],
  ])('refuses %j with one line', (over, message) => {
    const { sink, ctx } = collecting();
    expect(inputErrorOf(() => decodeJaegerDocument(envelope([span(over)]), ctx, sink)).message).toBe(message);
  });
});

const DIR = new URL('../../../shared/fixtures-real/jaeger/', import.meta.url);
const present = existsSync(DIR);

describe.skipIf(!present)('real Jaeger fixtures (skipped: ../shared/fixtures-real absent)', () => {
  const files = present ? readdirSync(DIR).filter((f) => f.endsWith('.json')) : [];
  const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, DIR), 'utf8'));
  const decode = (name: string) => {
    const c = collecting(name);
    decodeJaegerDocument(read(name), c.ctx, c.sink);
    return c;
  };

  it.each(files)('%s decodes, is refused with one line, or is not Jaeger v1', (name) => {
    const doc = read(name);
    if (!isJaegerDocument(doc)) {
      expect(name).toMatch(/apiv3|otlp2jaeger-in|otel_traces/);
      return;
    }
    try {
      const { spans } = decode(name);
      expect(spans.length).toBeGreaterThan(0);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('ui_01: 5 spans, two sharing id 0000000000000002, a reference into another trace kept as a link', () => {
    const { spans } = decode(
      'jaegertracing__jaeger__internal__uimodel__converter__v1__json__fixtures__ui_01.json',
    );
    expect(spans).toHaveLength(5);
    expect(spans.filter((s) => s.spanId === '0000000000000002')).toHaveLength(2);
    expect(spans.some((s) => s.links.some((l) => l.traceId === '000000000000000000000000000000ff'))).toBe(
      true,
    );
  });

  it('analytics-java: the 15-char span id is left-padded', () => {
    const { spans } = decode(
      'jaegertracing__jaeger-analytics-java__tracedsl__src__test__resources__ui-trace.json',
    );
    expect(spans.map((s) => s.spanId)).toContain('0ec2b4e0bcea566d');
  });

  it('kobs: the Go service exception log and the error status', () => {
    const { spans } = decode(
      'kobsio__kobs__app__packages__jaeger__src__components____fixtures____trace.json',
    );
    const failed = spans.find((s) => s.name === 'ssh.auth.password')!;
    expect(failed.status.code).toBe('error');
    expect(failed.events.map((e) => e.name)).toContain('exception');
    expect(failed.scope?.name).toBeTruthy();
  });

  it('TraceGraph testTrace: non-hex ids are refused with the path', () => {
    const c = collecting('t.json');
    const error = inputErrorOf(() =>
      decodeJaegerDocument(
        read(
          'jaegertracing__jaeger-ui__packages__jaeger-ui__src__components__TracePage__TraceGraph__testTrace.json',
        ),
        c.ctx,
        c.sink,
      ),
    );
    expect(error.message).toBe('t.json:1: spans[0].traceID: expected 32 hex chars, got "trace-123"');
  });

  it('genai trace: 57 spans across 10 services', () => {
    const { spans } = decode(
      'jaegertracing__jaeger-ui__packages__jaeger-ui__src__components__TracePage__TraceTimelineViewer__genaiTestTrace.json',
    );
    expect(spans).toHaveLength(57);
    expect(new Set(spans.map((s) => s.service)).size).toBe(10);
  });
});
