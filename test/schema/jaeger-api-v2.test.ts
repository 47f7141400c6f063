import { describe, expect, it } from 'vitest';
import { decodeDocument } from '../../src/schema/decode.js';
import { isJaegerApiV2Document } from '../../src/schema/jaeger-api-v2.js';
import { collecting, inputErrorOf } from '../helpers/collect.js';

/**
 * Jaeger's api_v2 model in protobuf JSON, as its gRPC query service streams it: base64 ids,
 * RFC 3339 start times, "…s" durations, vType left out for strings (the enum's default).
 *   frontend  HTTP GET /dispatch (server) ── driver::findNearest (client, failed)
 */
const TRACE_B64 = Buffer.from('0000000000000000a3ce929d0e0e4736', 'hex').toString('base64');
const ROOT_B64 = Buffer.from('00f067aa0ba902b7', 'hex').toString('base64');
const CHILD_B64 = Buffer.from('00f067aa0ba902b8', 'hex').toString('base64');
const API_V2 = {
  result: {
    spans: [
      {
        traceId: TRACE_B64,
        spanId: ROOT_B64,
        operationName: 'HTTP GET /dispatch',
        startTime: '2026-12-01T10:00:00.123456Z',
        duration: '0.0025s',
        tags: [
          { key: 'span.kind', vStr: 'server' },
          { key: 'http.status_code', vType: 'INT64', vInt64: '500' },
        ],
        process: { serviceName: 'frontend', tags: [{ key: 'hostname', vStr: 'web-1' }] },
      },
      {
        traceId: TRACE_B64,
        spanId: CHILD_B64,
        operationName: 'driver::findNearest',
        references: [{ traceId: TRACE_B64, spanId: ROOT_B64 }],
        startTime: '2026-12-01T10:00:00.1235Z',
        duration: '0.002s',
        tags: [
          { key: 'span.kind', vStr: 'client' },
          { key: 'error', vType: 'BOOL', vBool: true },
          { key: 'otel.status_description', vStr: 'deadline exceeded' },
        ],
        logs: [
          {
            timestamp: '2026-12-01T10:00:00.125Z',
            fields: [
              { key: 'event', vStr: 'exception' },
              { key: 'exception.message', vStr: 'deadline exceeded' },
            ],
          },
        ],
        processId: 'p1',
      },
    ],
    processMap: [{ processId: 'p1', process: { serviceName: 'frontend' } }],
  },
};

describe('Jaeger api_v2 JSON', () => {
  it('decodes base64 ids, RFC 3339 times, protobuf durations and default-less tags', () => {
    const { spans, sink, ctx } = collecting();
    expect(isJaegerApiV2Document(API_V2)).toBe(true);
    expect(decodeDocument(API_V2, ctx, sink, 'auto')).toBe('decoded');
    const start = 1_796_119_200_123_456_000n;
    expect(spans).toMatchObject([
      {
        traceId: '0000000000000000a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        parentSpanId: undefined,
        kind: 'server',
        service: 'frontend',
        start,
        end: start + 2_500_000n,
        attributes: { 'span.kind': 'server', 'http.status_code': 500 },
        resource: { hostname: 'web-1', 'service.name': 'frontend' },
      },
      {
        spanId: '00f067aa0ba902b8',
        parentSpanId: '00f067aa0ba902b7',
        kind: 'client',
        start: start + 44_000n,
        end: start + 2_044_000n,
        status: { code: 'error', message: 'deadline exceeded' },
        events: [{ name: 'exception', time: 1_796_119_200_125_000_000n }],
      },
    ]);
  });

  it('is read by --input-format jaeger too, and refuses a bad time with its path', () => {
    const { spans, sink, ctx } = collecting('v2.json', 4);
    decodeDocument(API_V2.result, ctx, sink, 'jaeger');
    expect(spans).toHaveLength(2);
    const bad = { spans: [{ ...API_V2.result.spans[0], startTime: '2026-12-01 10:00' }] };
    expect(isJaegerApiV2Document(bad)).toBe(true);
    expect(inputErrorOf(() => decodeDocument(bad, ctx, sink, 'auto')).message).toBe(
      'v2.json:4: spans[0].startTime: expected an RFC 3339 time such as "2026-12-01T10:00:00.123456Z", got the string "2026-12-01 10:00"',
    );
  });
});
