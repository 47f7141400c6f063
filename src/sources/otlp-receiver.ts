import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2Server,
  constants as http2Constants,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { OtraceError, SourceError } from '../errors.js';
import { decodeTraceRequest, encodeTraceResponse } from '../schema/otlp-protobuf.js';
import {
  BodyBudget,
  BodyTooLarge,
  ClientGone,
  DEFAULT_TIMEOUTS,
  MAX_INFLIGHT_BYTES,
  Overloaded,
  type ReceiverTimeouts,
  RequestTimeout,
  readBody,
} from './receiver-limits.js';
import { WriteFailed } from './trace-file-writer.js';

/**
 * OTLP receivers, answering as a Collector does so that exporters behave normally:
 * - OTLP/HTTP: `POST /v1/traces` with a JSON or protobuf body, gzip or not; 200 on success, 400 on
 *   a body that is not an export request, 413 past the size limit, 415 on another content type,
 *   503 past the budget of bytes in flight, 408 to a client too slow. `/v1/metrics` and `/v1/logs`
 *   are accepted and not kept.
 * - OTLP/gRPC: `opentelemetry.proto.collector.trace.v1.TraceService/Export` over HTTP/2 (h2c),
 *   length-prefixed messages, gzip; the metrics and logs services are accepted and not kept.
 * Each trace request is handed to `accept` as OTLP/JSON, both the text (to write) and the parsed
 * document (to decode: protobuf is decoded straight into it, JSON parsed once); the answer waits
 * for it, so a request is acknowledged only once it is accepted (written).
 *
 * Hostile or broken clients are bounded: the bodies held across all requests in flight share one
 * budget (past it: 503 with Retry-After, gRPC UNAVAILABLE, which exporters retry, as the
 * Collector answers when its memory limiter refuses), and a client that stalls or trickles is cut
 * off (`ReceiverTimeouts`); receiver-limits.ts holds both. Decoding takes one request at a time (it
 * is synchronous), so memory stays under the budget plus one request's decoding.
 */
export interface ReceiverOptions {
  readonly host: string;
  /** undefined: that protocol is off. 0: any free port. */
  readonly httpPort: number | undefined;
  readonly grpcPort: number | undefined;
  /** Largest request body, after decompression. */
  readonly maxBodyBytes: number;
  /** Bytes of request bodies held at once across every request in flight (MAX_INFLIGHT_BYTES). */
  readonly maxInflightBytes?: number;
  /** How long a client may take (DEFAULT_TIMEOUTS, unless a test makes them shorter). */
  readonly timeouts?: Partial<ReceiverTimeouts>;
  /** Takes one export request as OTLP/JSON; throws an OtraceError when it is not acceptable. */
  readonly accept: (request: ExportRequest, from: string) => void;
  /** A request the receiver refused or dropped, for the log. */
  readonly report: (message: string) => void;
  /** Requests for signals that are not kept (metrics, logs). */
  readonly ignored: (signal: string) => void;
}

export interface RunningReceiver {
  readonly httpAddress: string | undefined;
  readonly grpcAddress: string | undefined;
  /** Bytes of request bodies held right now, across every request in flight. */
  readonly inflightBytes: number;
  close(): Promise<void>;
}

const TRACE_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const OTHER_METHODS: Record<string, string> = {
  '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export': 'metrics',
  '/opentelemetry.proto.collector.logs.v1.LogsService/Export': 'logs',
};

/** How long a request still in flight at shutdown may take before its gRPC session is cut. */
const SESSION_GRACE_MS = 500;

/** The gRPC status codes the receivers answer with. */
const GRPC = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** A gRPC message's frame header: 1 byte compressed flag, 4 bytes big-endian length. */
const FRAME_HEADER_BYTES = 5;

class BadRequest extends Error {
  constructor(
    message: string,
    readonly grpcStatus: number = GRPC.INVALID_ARGUMENT,
  ) {
    super(message);
  }
}

/** What serving a request needs besides the options. */
interface Serving {
  readonly options: ReceiverOptions;
  readonly budget: BodyBudget;
  readonly timeouts: ReceiverTimeouts;
}

export async function startReceiver(options: ReceiverOptions): Promise<RunningReceiver> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  // One request of --max-body always fits alone, its gRPC frame header included.
  const budget = new BodyBudget(
    Math.max(options.maxInflightBytes ?? MAX_INFLIGHT_BYTES, options.maxBodyBytes + FRAME_HEADER_BYTES),
  );
  const serving: Serving = { options, budget, timeouts };
  const http =
    options.httpPort === undefined
      ? undefined
      : createHttpServer(
          {
            headersTimeout: timeouts.headersMs,
            // Node checks headersTimeout this often (every 30 s by default: a slowloris lasted 90 s).
            connectionsCheckingInterval: Math.min(1000, Math.ceil(timeouts.headersMs / 4)),
          },
          (req, res) => serveHttp(req, res, serving),
        );
  const grpc = options.grpcPort === undefined ? undefined : createHttp2Server();
  grpc?.on('stream', (stream, headers) => serveGrpc(stream, headers, serving));
  // An exporter keeps its channel open between exports: closing waits for no session.
  const sessions = new Set<ServerHttp2Session>();
  grpc?.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    // An idle channel is told to go away as at shutdown; the exporter reconnects for its next
    // export. A stream still open has its own timers, shorter.
    session.setTimeout(timeouts.sessionIdleMs, () => goAway(session));
  });
  // A client that vanishes mid-request must not take the receiver down.
  grpc?.on('sessionError', () => {});
  const httpAddress = http ? await listen(http, options.host, options.httpPort!, '--http') : undefined;
  let grpcAddress: string | undefined;
  try {
    grpcAddress = grpc ? await listen(grpc, options.host, options.grpcPort!, '--grpc') : undefined;
  } catch (error) {
    // The HTTP server is already listening: closed, so that the process can exit.
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    throw error;
  }
  return {
    httpAddress,
    grpcAddress,
    get inflightBytes() {
      return budget.used;
    },
    close: async () => {
      await Promise.all([
        http &&
          new Promise<void>((resolve) => {
            http.close(() => resolve());
            http.closeAllConnections();
          }),
        grpc &&
          new Promise<void>((resolve) => {
            grpc.close(() => resolve());
            // An exporter's open channel must never hold the exit.
            for (const session of sessions) goAway(session);
          }),
      ]);
    },
  };
}

/** GOAWAY: no new streams; a stream still being answered gets a moment, then the session goes. */
function goAway(session: ServerHttp2Session): void {
  session.close();
  setTimeout(() => session.destroy(), SESSION_GRACE_MS).unref();
}

/** Listens on host:port; a port in use or a host that is not this machine's is one line, exit 3. */
function listen(server: Server | Http2Server, host: string, port: number, flag: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port, flag)));
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      const address = server.address() as AddressInfo;
      resolve(`${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`);
    });
  });
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number, flag: string): Error {
  if (error.code === 'EADDRINUSE')
    return new SourceError(
      `${host}:${port} is already in use`,
      `pick another port with ${flag} (0 takes a free one), or stop what listens there`,
    );
  if (error.code === 'EACCES')
    return new SourceError(
      `${host}:${port}: permission denied`,
      `ports below 1024 need privileges: pick another with ${flag}`,
    );
  if (['ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'EINVAL'].includes(error.code ?? ''))
    return new SourceError(
      `--host ${JSON.stringify(host)}: cannot listen there (${error.code})`,
      'give an address of this machine: 127.0.0.1 (the default), or 0.0.0.0 for every interface',
    );
  return error;
}

function gunzip(body: Buffer, limit: number): Buffer {
  try {
    return gunzipSync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new BodyTooLarge(`body over ${limit} bytes once unzipped`);
    throw new BadRequest('gzip body does not unzip');
  }
}

/** A trace export request as OTLP/JSON: its text and the document it parses to. */
export interface ExportRequest {
  readonly json: string;
  readonly doc: object;
}

/**
 * Protobuf or JSON body → a trace export request as OTLP/JSON. A 0-byte protobuf body is a valid
 * ExportTraceServiceRequest (every protobuf field is optional): it is accepted as no spans, as the
 * Collector does (its trace receiver answers success to a request of 0 spans and passes it on to
 * nothing; `receive` writes no line for one either).
 */
function toExportRequest(body: Buffer, protobuf: boolean, where: string): ExportRequest {
  if (protobuf) {
    const doc = decodeTraceRequest(body, where);
    return { json: JSON.stringify(doc), doc };
  }
  const text = body.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new BadRequest('body is not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new BadRequest('body is not an export request');
  return { json: text, doc };
}

/** The status of an OTLP/HTTP error body (a google.rpc.Status), by HTTP status. */
function rpcStatus(httpStatus: number): number {
  if (httpStatus === 503) return GRPC.UNAVAILABLE;
  if (httpStatus === 408) return GRPC.DEADLINE_EXCEEDED;
  return GRPC.INVALID_ARGUMENT;
}

async function serveHttp(req: IncomingMessage, res: ServerResponse, serving: Serving): Promise<void> {
  const { options, budget, timeouts } = serving;
  const from = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  const path = (req.url ?? '').split('?')[0];
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const protobuf = type === 'application/x-protobuf';
  const answer = (status: number, message?: string, headers: Record<string, string> = {}) => {
    if (res.headersSent) return;
    if (message !== undefined) options.report(`OTLP/HTTP ${from} ${path}: ${status} ${message}`);
    const json = !protobuf;
    const body = !json
      ? ''
      : message === undefined
        ? '{}'
        : JSON.stringify({ code: rpcStatus(status), message });
    // `connection: close` on a refusal: Node reads and drops what is left of the body, then closes.
    res.writeHead(status, {
      'content-type': json ? 'application/json' : 'application/x-protobuf',
      connection: message ? 'close' : 'keep-alive',
      ...headers,
    });
    res.end(body);
  };
  // Exporters retry a 503 after Retry-After: by then requests in flight have most likely ended.
  const overloaded = (error: Overloaded) => answer(503, error.message, { 'retry-after': '1' });
  if (req.method !== 'POST') return answer(405, 'only POST');
  const signal =
    path === '/v1/traces'
      ? 'traces'
      : path === '/v1/metrics'
        ? 'metrics'
        : path === '/v1/logs'
          ? 'logs'
          : undefined;
  if (!signal) return answer(404, 'unknown path (OTLP/HTTP takes /v1/traces)');
  if (!protobuf && type !== 'application/json') return answer(415, `content type ${JSON.stringify(type)}`);
  // A declared length is refused before its bytes are read (the budget is checked again as they come).
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > options.maxBodyBytes) return answer(413, `body over ${options.maxBodyBytes} bytes`);
  if (declared > budget.free) return overloaded(budget.refusal());
  const claim = budget.claim();
  try {
    let body = await readBody(req, claim, timeouts, options.maxBodyBytes);
    if ((req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip')
      body = gunzip(body, options.maxBodyBytes);
    if (signal !== 'traces') {
      options.ignored(signal);
      return answer(200);
    }
    options.accept(toExportRequest(body, protobuf, `OTLP/HTTP ${from}`), from);
    answer(200);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      answer(413, error.message);
      req.destroy();
    } else if (error instanceof Overloaded) overloaded(error);
    else if (error instanceof RequestTimeout) answer(408, error.message);
    else if (error instanceof BadRequest || error instanceof ClientGone || error instanceof OtraceError)
      answer(400, error.message);
    else if (error instanceof WriteFailed)
      answer(503, `${error.message}: nothing of it was kept; send it again later`);
    else answer(500, (error as Error).message);
  } finally {
    // Decoding and accepting are synchronous: the body is let go by now.
    claim.release();
  }
}

async function serveGrpc(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  serving: Serving,
): Promise<void> {
  const { options, budget, timeouts } = serving;
  const path = String(headers[':path'] ?? '');
  const from = `${stream.session?.socket?.remoteAddress}:${stream.session?.socket?.remotePort}`;
  stream.on('error', () => {});
  const fail = (code: number, message: string) => {
    options.report(`OTLP/gRPC ${from} ${path}: grpc-status ${code} ${message}`);
    if (stream.headersSent || stream.destroyed) return;
    stream.respond(
      {
        ':status': 200,
        'content-type': 'application/grpc',
        'grpc-status': String(code),
        'grpc-message': encodeURIComponent(message),
      },
      { endStream: true },
    );
  };
  const signal = path === TRACE_METHOD ? 'traces' : OTHER_METHODS[path];
  if (!signal)
    return fail(
      GRPC.UNIMPLEMENTED,
      'unknown method (OTLP/gRPC takes the trace, metrics and logs Export methods)',
    );
  if (!String(headers['content-type'] ?? '').startsWith('application/grpc'))
    return fail(GRPC.INVALID_ARGUMENT, 'content type is not application/grpc');
  const claim = budget.claim();
  try {
    // The gRPC frame's 5-byte header is not the message's.
    const body = await readBody(
      stream,
      claim,
      timeouts,
      options.maxBodyBytes + FRAME_HEADER_BYTES,
      options.maxBodyBytes,
    );
    const message = unframe(body, String(headers['grpc-encoding'] ?? 'identity'), options.maxBodyBytes);
    if (signal === 'traces') options.accept(toExportRequest(message, true, `OTLP/gRPC ${from}`), from);
    else options.ignored(signal);
    if (stream.destroyed) return;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(frame(signal === 'traces' ? encodeTraceResponse(0, '') : new Uint8Array(0)));
  } catch (error) {
    if (error instanceof BodyTooLarge) fail(GRPC.RESOURCE_EXHAUSTED, error.message);
    else if (error instanceof Overloaded) fail(GRPC.UNAVAILABLE, error.message);
    else if (error instanceof RequestTimeout) fail(GRPC.DEADLINE_EXCEEDED, error.message);
    else if (error instanceof BadRequest) fail(error.grpcStatus, error.message);
    else if (error instanceof ClientGone || error instanceof OtraceError)
      fail(GRPC.INVALID_ARGUMENT, error.message);
    else if (error instanceof WriteFailed)
      fail(GRPC.UNAVAILABLE, `${error.message}: nothing of it was kept; send it again later`);
    else fail(GRPC.INTERNAL, (error as Error).message);
    // Refused while still sending (too much, too slowly): RST_STREAM(NO_ERROR) after the answer
    // tells the client to stop.
    if (!stream.destroyed && !stream.readableEnded) stream.close(http2Constants.NGHTTP2_NO_ERROR);
  } finally {
    claim.release();
  }
}

/** The one gRPC message of a unary call. */
function unframe(body: Buffer, encoding: string, limit: number): Buffer {
  if (body.length < FRAME_HEADER_BYTES) throw new BadRequest('no gRPC message in the request');
  const compressed = body[0] === 1;
  const length = body.readUInt32BE(1);
  const end = FRAME_HEADER_BYTES + length;
  if (body.length < end) throw new BadRequest('gRPC message cut short');
  // Export is unary: anything after the message would be dropped while the call succeeds. grpc-java
  // closes such a call with INTERNAL "Too many requests"; so does this.
  if (body.length > end)
    throw new BadRequest(
      `more than one gRPC message in the request (${body.length - end} bytes after the first): Export takes one`,
      GRPC.INTERNAL,
    );
  const message = body.subarray(FRAME_HEADER_BYTES, end);
  if (!compressed) return message;
  if (encoding !== 'gzip') throw new BadRequest(`grpc-encoding ${encoding} is not supported (gzip is)`);
  return gunzip(message, limit);
}

function frame(message: Uint8Array): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}
