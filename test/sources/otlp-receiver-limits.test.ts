import { type ClientHttp2Session, type ClientHttp2Stream, connect as http2Connect } from 'node:http2';
import { connect as netConnect, type Socket } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ReceiverOptions,
  type RunningReceiver,
  startReceiver,
} from '../../src/sources/otlp-receiver.js';

/**
 * The receivers under clients that hold on: uploads at once past the budget of bytes in flight, a
 * slowloris, bodies that stall or trickle, an idle gRPC stream and channel. Small limits and short
 * timeouts, on 127.0.0.1; every socket and session a test opens is closed after it, pass or fail.
 */
const EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const KiB = 1024;

let receiver: RunningReceiver | undefined;
const sockets = new Set<Socket>();
const sessions = new Set<ClientHttp2Session>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  for (const session of sessions) session.destroy();
  sockets.clear();
  sessions.clear();
  await receiver?.close();
  receiver = undefined;
});

async function start(
  options: Partial<ReceiverOptions> = {},
): Promise<{ http: string; grpc: string; reported: string[]; accepted: number[] }> {
  const reported: string[] = [];
  const accepted: number[] = [];
  receiver = await startReceiver({
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: 0,
    maxBodyBytes: 256 * KiB,
    accept: (request) => accepted.push(request.json.length),
    report: (message) => reported.push(message.replace(/127\.0\.0\.1:\d+/, 'CLIENT')),
    ignored: () => {},
    ...options,
  });
  return { http: receiver.httpAddress!, grpc: receiver.grpcAddress!, reported, accepted };
}

/** Waits for `condition`, 5 s at most. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited >= 5000) throw new Error(`still not ${what} after 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface RawClient {
  readonly socket: Socket;
  /** What the receiver sent back so far. */
  readonly received: () => string;
  /** Resolves once the receiver has closed the connection. */
  readonly closed: Promise<void>;
}

/** A TCP connection that writes HTTP/1.1 by hand, as slowly or as partly as a test wants. */
function rawConnect(address: string): Promise<RawClient> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    let text = '';
    const socket = netConnect(Number(port), host!, () => resolve({ socket, received: () => text, closed }));
    sockets.add(socket);
    // The receiver may reset the connection it closes: that is the point.
    socket.on('error', () => {});
    socket.setEncoding('latin1').on('data', (data: string) => {
      text += data;
    });
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
  });
}

const head = (framing: string) =>
  `POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${framing}\r\n\r\n`;

interface GrpcCall {
  readonly stream: ClientHttp2Stream;
  readonly session: ClientHttp2Session;
  /** grpc-status and grpc-message, once the stream has closed. */
  readonly answer: Promise<{ status: string | undefined; message: string | undefined }>;
}

/** An Export call whose request is written by the test, and never ended. */
function grpcOpen(address: string): GrpcCall {
  const session = http2Connect(`http://${address}`);
  sessions.add(session);
  session.on('error', () => {});
  const stream = session.request({
    ':method': 'POST',
    ':path': EXPORT,
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  stream.on('error', () => {});
  const answer = new Promise<{ status: string | undefined; message: string | undefined }>((resolve) => {
    let status: string | undefined;
    let message: string | undefined;
    const read = (headers: Record<string, unknown>) => {
      if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
      if (headers['grpc-message'] !== undefined)
        message = decodeURIComponent(String(headers['grpc-message']));
    };
    stream.on('response', read);
    stream.on('trailers', read);
    stream.resume();
    stream.on('close', () => resolve({ status, message }));
  });
  return { stream, session, answer };
}

/** A gRPC frame header announcing a message of `length` bytes. */
const frameHeader = (length: number) => {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(length, 1);
  return header;
};

describe('the budget of bytes in flight', () => {
  it('past --max-inflight, uploads at once get 503 with Retry-After or UNAVAILABLE; every byte comes back when they end', async () => {
    const { http, grpc, reported, accepted } = await start({ maxInflightBytes: 1024 * KiB });
    const part = Buffer.alloc(150 * KiB, 0x20);
    // Six uploads that stop partway, each announcing 200 KiB: 900 KiB held, and none answered.
    const stalled: RawClient[] = [];
    for (let i = 1; i <= 6; i++) {
      const client = await rawConnect(http);
      client.socket.write(head(`content-length: ${200 * KiB}`));
      client.socket.write(part);
      await until(() => receiver!.inflightBytes === i * part.length, `${i} × 150 KiB in flight`);
      stalled.push(client);
    }
    // Its announced length is more than what is left: refused before a byte of it is read.
    const announced = await rawConnect(http);
    announced.socket.write(head(`content-length: ${200 * KiB}`));
    await announced.closed;
    expect(announced.received()).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(announced.received()).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(announced.received()).toContain('"code":14');
    // No length (chunked): refused once its bytes pass the budget; what it took is given back.
    const chunked = await rawConnect(http);
    chunked.socket.write(`${head('transfer-encoding: chunked')}${part.length.toString(16)}\r\n`);
    chunked.socket.write(part);
    await chunked.closed;
    expect(chunked.received()).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(receiver!.inflightBytes).toBe(6 * part.length);
    // gRPC: UNAVAILABLE, which exporters retry (RESOURCE_EXHAUSTED they retry only with RetryInfo).
    const call = grpcOpen(grpc);
    call.stream.write(frameHeader(200 * KiB));
    call.stream.write(part);
    expect(await call.answer).toEqual({
      status: '14',
      message: expect.stringMatching(
        /^requests in flight hold \d+ bytes, the limit is 1048576 \(--max-inflight\)/,
      ),
    });
    expect(receiver!.inflightBytes).toBe(6 * part.length);
    // The stalled uploads were never answered; their clients go away and every byte comes back.
    for (const client of stalled) expect(client.received()).toBe('');
    for (const client of stalled) client.socket.destroy();
    await until(() => receiver!.inflightBytes === 0, 'all given back');
    const after = await fetch(`http://${http}/v1/traces`, {
      method: 'POST',
      body: '{"resourceSpans":[]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(after.status).toBe(200);
    expect(accepted).toHaveLength(1);
    expect(reported).toHaveLength(3 + stalled.length);
    expect(reported.slice(0, 3)).toEqual([
      expect.stringMatching(
        /^OTLP\/HTTP CLIENT \/v1\/traces: 503 requests in flight hold 921600 bytes, the limit is 1048576 \(--max-inflight\): send it again later$/,
      ),
      expect.stringMatching(/^OTLP\/HTTP CLIENT \/v1\/traces: 503 requests in flight hold \d+ bytes/),
      expect.stringMatching(
        /^OTLP\/gRPC CLIENT \/opentelemetry.*\/Export: grpc-status 14 requests in flight/,
      ),
    ]);
    // The clients that went away, each a line as before.
    expect(reported.slice(3)).toEqual(stalled.map(() => 'OTLP/HTTP CLIENT /v1/traces: 400 client went away'));
  });
});

describe('timeouts', () => {
  it('closes a slowloris (headers a line at a time) and a connection that sends nothing, after headersMs', async () => {
    const { http } = await start({ timeouts: { headersMs: 300 } });
    const silent = await rawConnect(http);
    const slow = await rawConnect(http);
    slow.socket.write('POST /v1/traces HTTP/1.1\r\n');
    // A header line every 50 ms, 100 at most (5 s): each byte would restart an idle timer.
    let lines = 0;
    const drip = setInterval(() => {
      if (lines < 100 && !slow.socket.destroyed) slow.socket.write(`x-drip-${lines++}: 1\r\n`);
    }, 50);
    try {
      await Promise.all([slow.closed, silent.closed]);
    } finally {
      clearInterval(drip);
    }
    expect(lines).toBeLessThan(100);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(silent.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('answers 408 to a body that stalls past idleMs or trickles past bodyMs, and gives back what it held', async () => {
    const { http, reported } = await start({ timeouts: { idleMs: 1000, bodyMs: 1500 } });
    const stalled = await rawConnect(http);
    stalled.socket.write(`${head('content-length: 1000')}{"resourceSpans"`);
    await until(() => receiver!.inflightBytes === 16, 'the first bytes held');
    await stalled.closed;
    expect(stalled.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(stalled.received()).toContain('{"code":4,"message":"no byte of the body for 1 s"}');
    const trickled = await rawConnect(http);
    trickled.socket.write(head('content-length: 1000'));
    // A byte every 50 ms, 200 at most (10 s): never idle, never whole.
    let sent = 0;
    const drip = setInterval(() => {
      if (sent < 200 && !trickled.socket.destroyed) trickled.socket.write(' ', () => sent++);
    }, 50);
    try {
      await trickled.closed;
    } finally {
      clearInterval(drip);
    }
    expect(sent).toBeLessThan(200);
    expect(trickled.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(reported).toEqual([
      'OTLP/HTTP CLIENT /v1/traces: 408 no byte of the body for 1 s',
      'OTLP/HTTP CLIENT /v1/traces: 408 the body did not arrive whole within 1.5 s',
    ]);
    expect(receiver!.inflightBytes).toBe(0);
  });

  it('ends a gRPC stream that stalls with DEADLINE_EXCEEDED, then tells the idle channel to go away, as one that sends nothing', async () => {
    const { grpc, reported } = await start({ timeouts: { idleMs: 300, sessionIdleMs: 600 } });
    // A connection that never even sends the HTTP/2 preface is an idle channel too.
    const silent = await rawConnect(grpc);
    const call = grpcOpen(grpc);
    const goaway = new Promise<void>((resolve) => call.session.once('goaway', () => resolve()));
    const closed = new Promise<void>((resolve) => call.session.once('close', () => resolve()));
    // Part of a message, then nothing.
    call.stream.write(Buffer.concat([frameHeader(100), Buffer.from('partial')]));
    expect(await call.answer).toEqual({ status: '4', message: 'no byte of the body for 0.3 s' });
    expect(receiver!.inflightBytes).toBe(0);
    // Nothing more on the channel: GOAWAY, and it closes.
    await goaway;
    await closed;
    await silent.closed;
    expect(reported).toEqual([`OTLP/gRPC CLIENT ${EXPORT}: grpc-status 4 no byte of the body for 0.3 s`]);
  });

  it('an SDK exporter whose idle channel was told to go away exports again on a new one', async () => {
    const { grpc, accepted, reported } = await start({ timeouts: { sessionIdleMs: 300 } });
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(new GrpcExporter({ url: `http://${grpc}` }))],
    });
    try {
      const tracer = provider.getTracer('limits-test');
      tracer.startSpan('first', { kind: SpanKind.SERVER }).end();
      await provider.forceFlush();
      // Its channel idles past sessionIdleMs: GOAWAY, then the session is gone.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      tracer.startSpan('second', { kind: SpanKind.SERVER }).end();
      await provider.forceFlush();
      expect(accepted).toHaveLength(2);
      expect(reported).toEqual([]);
    } finally {
      await provider.shutdown().catch(() => {});
    }
  });
});
