import { connect, type IncomingHttpHeaders } from 'node:http2';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, SourceError } from '../../src/errors.js';
import { type ExportRequest, type RunningReceiver, startReceiver } from '../../src/sources/otlp-receiver.js';

/**
 * The receivers in process, on 127.0.0.1 ports of their own, spoken to as exporters speak:
 * OTLP/HTTP with fetch, OTLP/gRPC over node:http2. Closed after each test.
 */
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const JSON_REQUEST = JSON.stringify({
  resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: SPAN_ID, name: 'GET /' }] }] }],
});
const EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

// A hand-written ExportTraceServiceRequest (opentelemetry-proto field numbers) of one span.
const field = (num: number, wireType: number, payload: Buffer): Buffer =>
  wireType === 2
    ? Buffer.concat([Buffer.from([(num << 3) | 2, payload.length]), payload])
    : Buffer.concat([Buffer.from([(num << 3) | wireType]), payload]);
const fixed64 = (value: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return b;
};
const PROTO_SPAN = Buffer.concat([
  field(1, 2, Buffer.from(TRACE_ID, 'hex')),
  field(2, 2, Buffer.from(SPAN_ID, 'hex')),
  field(5, 2, Buffer.from('charge')),
  field(6, 0, Buffer.from([3])),
  field(7, 1, fixed64(1_700_000_000_000_000_000n)),
  field(8, 1, fixed64(1_700_000_000_250_000_000n)),
]);
const PROTO_REQUEST = field(1, 2, field(2, 2, field(2, 2, PROTO_SPAN)));
const DECODED = {
  resourceSpans: [
    {
      scopeSpans: [
        {
          spans: [
            {
              traceId: TRACE_ID,
              spanId: SPAN_ID,
              name: 'charge',
              kind: 3,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000250000000',
            },
          ],
        },
      ],
    },
  ],
};

interface Log {
  accepted: { request: ExportRequest; from: string }[];
  reported: string[];
  ignored: string[];
}

let receiver: RunningReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function start(
  accept: (request: ExportRequest) => void = () => {},
  maxBodyBytes = 1 << 20,
): Promise<{ http: string; grpc: string; log: Log }> {
  const log: Log = { accepted: [], reported: [], ignored: [] };
  receiver = await startReceiver({
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: 0,
    maxBodyBytes,
    accept: (request, from) => {
      accept(request);
      log.accepted.push({ request, from });
    },
    report: (message) => log.reported.push(message),
    ignored: (signal) => log.ignored.push(signal),
  });
  return { http: receiver.httpAddress!, grpc: receiver.grpcAddress!, log };
}

function post(address: string, path: string, body: string | Buffer, headers: Record<string, string>) {
  return fetch(`http://${address}${path}`, { method: 'POST', body, headers });
}

describe('startReceiver', () => {
  it('a port in use or a host that is not this machine is a SourceError, with what to do', async () => {
    const { http } = await start();
    const port = Number(http.split(':')[1]);
    const options = { maxBodyBytes: 1024, accept: () => {}, report: () => {}, ignored: () => {} };
    // HTTP listens on a free port first, then gRPC meets the port in use: the first is closed again.
    const inUse = await startReceiver({ ...options, host: '127.0.0.1', httpPort: 0, grpcPort: port }).catch(
      (e: unknown) => e,
    );
    expect(inUse).toBeInstanceOf(SourceError);
    expect((inUse as SourceError).message).toBe(`127.0.0.1:${port} is already in use`);
    expect((inUse as SourceError).hint).toContain('--grpc');
    const badHost = await startReceiver({
      ...options,
      host: 'not..a..host',
      httpPort: 0,
      grpcPort: undefined,
    }).catch((e: unknown) => e);
    expect(badHost).toBeInstanceOf(SourceError);
    expect((badHost as SourceError).message).toMatch(
      /^--host "not\.\.a\.\.host": cannot listen there \(E[A-Z_]+\)$/,
    );
  });

  it('listens on free loopback ports, and only for the protocols given a port', async () => {
    const { http, grpc } = await start();
    expect(http).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(grpc).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(http).not.toBe(grpc);
    await receiver!.close();
    receiver = await startReceiver({
      host: '127.0.0.1',
      httpPort: 0,
      grpcPort: undefined,
      maxBodyBytes: 1000,
      accept: () => {},
      report: () => {},
      ignored: () => {},
    });
    expect(receiver.httpAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(receiver.grpcAddress).toBeUndefined();
  });
});

describe('OTLP/HTTP', () => {
  it('hands a JSON request over as its text and parsed document, then answers 200 {}', async () => {
    const { http, log } = await start();
    const response = await post(http, '/v1/traces', JSON_REQUEST, { 'content-type': 'application/json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{}');
    expect(log.accepted).toHaveLength(1);
    expect(log.accepted[0]!.request).toEqual({ json: JSON_REQUEST, doc: JSON.parse(JSON_REQUEST) });
    expect(log.accepted[0]!.from).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(log.reported).toEqual([]);
  });

  it('reads a protobuf request into OTLP/JSON, and answers with an empty protobuf body', async () => {
    const { http, log } = await start();
    const response = await post(http, '/v1/traces', PROTO_REQUEST, {
      'content-type': 'application/x-protobuf',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect(log.accepted[0]!.request.doc).toEqual(DECODED);
    expect(JSON.parse(log.accepted[0]!.request.json)).toEqual(DECODED);
  });

  it('unzips a gzip body', async () => {
    const { http, log } = await start();
    const response = await post(http, '/v1/traces', gzipSync(JSON_REQUEST), {
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(200);
    expect(log.accepted[0]!.request.json).toBe(JSON_REQUEST);
  });

  it('accepts metrics and logs without keeping them', async () => {
    const { http, log } = await start();
    for (const path of ['/v1/metrics', '/v1/logs']) {
      const response = await post(http, path, '{"resourceMetrics":[]}', {
        'content-type': 'application/json',
      });
      expect(response.status).toBe(200);
    }
    expect(log.ignored).toEqual(['metrics', 'logs']);
    expect(log.accepted).toEqual([]);
  });

  it('refuses with the Collector statuses, a JSON {code, message} body, and a line in the log', async () => {
    const { http, log } = await start();
    const cases: [Promise<Response>, number, string][] = [
      [fetch(`http://${http}/v1/traces`), 405, 'only POST'],
      [
        post(http, '/v2/traces', JSON_REQUEST, { 'content-type': 'application/json' }),
        404,
        'unknown path (OTLP/HTTP takes /v1/traces)',
      ],
      [
        post(http, '/v1/traces', JSON_REQUEST, { 'content-type': 'text/plain' }),
        415,
        'content type "text/plain"',
      ],
      [
        post(http, '/v1/traces', '{"resourceSpans": [', { 'content-type': 'application/json' }),
        400,
        'body is not valid JSON',
      ],
      [
        post(http, '/v1/traces', '[]', { 'content-type': 'application/json' }),
        400,
        'body is not an export request',
      ],
      [
        post(http, '/v1/traces', Buffer.from('not gzip'), {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        }),
        400,
        'gzip body does not unzip',
      ],
    ];
    for (const [pending, status, message] of cases) {
      const response = await pending;
      expect(response.status, message).toBe(status);
      expect(await response.json()).toEqual({ code: 3, message });
    }
    expect(log.reported.map((line) => line.replace(/127\.0\.0\.1:\d+/, 'CLIENT'))).toEqual([
      'OTLP/HTTP CLIENT /v1/traces: 405 only POST',
      'OTLP/HTTP CLIENT /v2/traces: 404 unknown path (OTLP/HTTP takes /v1/traces)',
      'OTLP/HTTP CLIENT /v1/traces: 415 content type "text/plain"',
      'OTLP/HTTP CLIENT /v1/traces: 400 body is not valid JSON',
      'OTLP/HTTP CLIENT /v1/traces: 400 body is not an export request',
      'OTLP/HTTP CLIENT /v1/traces: 400 gzip body does not unzip',
    ]);
    expect(log.accepted).toEqual([]);
  });

  it('refuses malformed protobuf with 400 and an empty protobuf body', async () => {
    const { http, log } = await start();
    const response = await post(http, '/v1/traces', Buffer.from([0x0a, 0x7f, 0x01]), {
      'content-type': 'application/x-protobuf',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect(log.reported).toHaveLength(1);
    expect(log.reported[0]).toMatch(
      /: 400 OTLP\/HTTP 127\.0\.0\.1:\d+: not an OTLP ExportTraceServiceRequest \(/,
    );
  });

  it("answers 400 with the message of the decoder's refusal, and 500 for anything else it throws", async () => {
    let fail: Error = new InputError(
      'test:1: resourceSpans[0].scopeSpans[0].spans[0].spanId: expected 16 hex chars',
    );
    const { http } = await start(() => {
      throw fail;
    });
    const refused = await post(http, '/v1/traces', JSON_REQUEST, { 'content-type': 'application/json' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ code: 3, message: fail.message });
    fail = new Error('disk full');
    const broken = await post(http, '/v1/traces', JSON_REQUEST, { 'content-type': 'application/json' });
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ code: 3, message: 'disk full' });
  });

  it('refuses a body past the size limit with 413: announced, or once unzipped', async () => {
    const { http, log } = await start(undefined, 1000);
    // Its content-length says it is too large: refused before it is read.
    const announced = await post(http, '/v1/traces', ' '.repeat(5000), {
      'content-type': 'application/json',
    });
    expect(announced.status).toBe(413);
    const response = await post(http, '/v1/traces', gzipSync(' '.repeat(5000)), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(413);
    expect(log.reported.map((line) => line.replace(/127\.0\.0\.1:\d+/, 'CLIENT'))).toEqual([
      'OTLP/HTTP CLIENT /v1/traces: 413 body over 1000 bytes',
      'OTLP/HTTP CLIENT /v1/traces: 413 body over 1000 bytes once unzipped',
    ]);
    expect(log.accepted).toEqual([]);
  });

  it('accepts a 0-byte protobuf body as a request of no spans, as the Collector does', async () => {
    // Every protobuf field is optional: 0 bytes are an ExportTraceServiceRequest with nothing in it.
    const { http, log } = await start();
    const response = await post(http, '/v1/traces', Buffer.alloc(0), {
      'content-type': 'application/x-protobuf',
    });
    expect(response.status).toBe(200);
    expect(log.accepted.map((a) => a.request)).toEqual([
      { json: '{"resourceSpans":[]}', doc: { resourceSpans: [] } },
    ]);
    expect(log.reported).toEqual([]);
  });
});

interface GrpcAnswer {
  readonly status: string | undefined;
  readonly message: string | undefined;
  readonly data: Buffer;
}

/** One unary gRPC call; grpc-status comes in the trailers, or in the headers of a trailers-only answer. */
function grpcCall(
  address: string,
  path: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<GrpcAnswer> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://${address}`);
    session.on('error', reject);
    const request = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    let meta: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    request.on('response', (h) => {
      meta = { ...meta, ...h };
    });
    request.on('trailers', (t) => {
      meta = { ...meta, ...t };
    });
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', reject);
    request.on('end', () => {
      session.close();
      const message = meta['grpc-message'];
      resolve({
        status: meta['grpc-status'] as string | undefined,
        message: typeof message === 'string' ? decodeURIComponent(message) : undefined,
        data: Buffer.concat(chunks),
      });
    });
    request.end(body);
  });
}

const frame = (message: Buffer, compressed = false) => {
  const header = Buffer.alloc(5);
  header[0] = compressed ? 1 : 0;
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
};

describe('OTLP/gRPC', () => {
  it('takes an Export call, hands the request over as OTLP/JSON and answers OK with an empty response', async () => {
    const { grpc, log } = await start();
    const answer = await grpcCall(grpc, EXPORT, frame(PROTO_REQUEST));
    expect(answer.status).toBe('0');
    // One uncompressed gRPC message holding an empty ExportTraceServiceResponse.
    expect([...answer.data]).toEqual([0, 0, 0, 0, 0]);
    expect(log.accepted.map((a) => a.request.doc)).toEqual([DECODED]);
  });

  it('unzips a gzip-compressed message', async () => {
    const { grpc, log } = await start();
    const answer = await grpcCall(grpc, EXPORT, frame(gzipSync(PROTO_REQUEST), true), {
      'grpc-encoding': 'gzip',
    });
    expect(answer.status).toBe('0');
    expect(log.accepted.map((a) => a.request.doc)).toEqual([DECODED]);
  });

  it('accepts the metrics and logs services without keeping what they send', async () => {
    const { grpc, log } = await start();
    for (const path of [
      '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
      '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
    ]) {
      expect((await grpcCall(grpc, path, frame(Buffer.alloc(0)))).status).toBe('0');
    }
    expect(log.ignored).toEqual(['metrics', 'logs']);
    expect(log.accepted).toEqual([]);
  });

  it('refuses with gRPC statuses: unknown method, wrong content type, bad framing, unknown compression', async () => {
    const { grpc, log } = await start();
    const cases: [Promise<GrpcAnswer>, string, string][] = [
      [
        grpcCall(grpc, '/opentelemetry.proto.collector.trace.v1.TraceService/Nope', frame(PROTO_REQUEST)),
        '12',
        'unknown method (OTLP/gRPC takes the trace, metrics and logs Export methods)',
      ],
      [
        grpcCall(grpc, EXPORT, frame(PROTO_REQUEST), { 'content-type': 'application/json' }),
        '3',
        'content type is not application/grpc',
      ],
      [grpcCall(grpc, EXPORT, Buffer.from([0, 0])), '3', 'no gRPC message in the request'],
      [grpcCall(grpc, EXPORT, frame(PROTO_REQUEST).subarray(0, 20)), '3', 'gRPC message cut short'],
      [
        grpcCall(grpc, EXPORT, frame(PROTO_REQUEST, true), { 'grpc-encoding': 'deflate' }),
        '3',
        'grpc-encoding deflate is not supported (gzip is)',
      ],
    ];
    for (const [pending, status, message] of cases) {
      expect(await pending).toMatchObject({ status, message });
    }
    expect(log.reported).toHaveLength(5);
    expect(log.reported[0]).toMatch(
      /^OTLP\/gRPC 127\.0\.0\.1:\d+ \/opentelemetry.*\/Nope: grpc-status 12 unknown method/,
    );
    expect(log.accepted).toEqual([]);
  });

  it('refuses a second message in the unary Export call with INTERNAL, as grpc-java does, and keeps neither', async () => {
    const { grpc, log } = await start();
    const answer = await grpcCall(grpc, EXPORT, Buffer.concat([frame(PROTO_REQUEST), frame(PROTO_REQUEST)]));
    expect(answer).toMatchObject({
      status: '13',
      message: `more than one gRPC message in the request (${PROTO_REQUEST.length + 5} bytes after the first): Export takes one`,
    });
    // Bytes after the message that are not a whole one are refused the same way.
    const stray = await grpcCall(grpc, EXPORT, Buffer.concat([frame(PROTO_REQUEST), Buffer.from([0, 0])]));
    expect(stray).toMatchObject({
      status: '13',
      message: expect.stringMatching(/^more than one gRPC message/),
    });
    expect(log.accepted).toEqual([]);
    expect(log.reported).toHaveLength(2);
  });

  it('accepts an empty message as a request of no spans, as the Collector does', async () => {
    const { grpc, log } = await start();
    expect((await grpcCall(grpc, EXPORT, frame(Buffer.alloc(0)))).status).toBe('0');
    expect(log.accepted.map((a) => a.request.doc)).toEqual([{ resourceSpans: [] }]);
  });

  it('answers RESOURCE_EXHAUSTED past the size limit, and INVALID_ARGUMENT when the request is refused', async () => {
    const first = await start(undefined, 10);
    const tooLarge = await grpcCall(first.grpc, EXPORT, frame(PROTO_REQUEST));
    expect(tooLarge.status).toBe('8');
    // The check allows the 5-byte gRPC frame header on top of --max-body; the message names --max-body.
    expect(tooLarge.message).toBe('body over 10 bytes');
    expect(first.log.accepted).toEqual([]);
    await receiver!.close();
    const second = await start(() => {
      throw new InputError('bad span');
    });
    expect(await grpcCall(second.grpc, EXPORT, frame(PROTO_REQUEST))).toMatchObject({
      status: '3',
      message: 'bad span',
    });
  });
});
