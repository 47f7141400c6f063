import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { OtraceError, SourceError } from '../errors.js';
import { decodeTraceRequest, encodeTraceResponse } from '../schema/otlp-protobuf.js';
import { WriteFailed } from './trace-file-writer.js';

/**
 * OTLP receivers, answering as a Collector does so that exporters behave normally:
 * - OTLP/HTTP: `POST /v1/traces` with a JSON or protobuf body, gzip or not; 200 on success, 400 on
 *   a body that is not an export request, 413 past the size limit, 415 on another content type.
 *   `/v1/metrics` and `/v1/logs` are accepted and not kept.
 * - OTLP/gRPC: `opentelemetry.proto.collector.trace.v1.TraceService/Export` over HTTP/2 (h2c),
 *   length-prefixed messages, gzip; the metrics and logs services are accepted and not kept.
 * Each trace request is handed to `accept` as OTLP/JSON, both the text (to write) and the parsed
 * document (to decode: protobuf is decoded straight into it, JSON parsed once); the answer waits
 * for it, so a request is acknowledged only once it is accepted (written).
 */
export interface ReceiverOptions {
  readonly host: string;
  /** undefined: that protocol is off. 0: any free port. */
  readonly httpPort: number | undefined;
  readonly grpcPort: number | undefined;
  /** Largest request body, after decompression. */
  readonly maxBodyBytes: number;
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
  close(): Promise<void>;
}

const TRACE_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const OTHER_METHODS: Record<string, string> = {
  '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export': 'metrics',
  '/opentelemetry.proto.collector.logs.v1.LogsService/Export': 'logs',
};

/** How long a request still in flight at shutdown may take before its gRPC session is cut. */
const SESSION_GRACE_MS = 500;

class BodyTooLarge extends Error {}
class BadRequest extends Error {}

export async function startReceiver(options: ReceiverOptions): Promise<RunningReceiver> {
  const http =
    options.httpPort === undefined ? undefined : createHttpServer((req, res) => serveHttp(req, res, options));
  const grpc = options.grpcPort === undefined ? undefined : createHttp2Server();
  grpc?.on('stream', (stream, headers) => serveGrpc(stream, headers, options));
  // An exporter keeps its channel open between exports: closing waits for no session.
  const sessions = new Set<ServerHttp2Session>();
  grpc?.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
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
            // GOAWAY: no new streams; a stream still being answered gets a moment, then the
            // session goes, so that an exporter's open channel never holds the exit.
            for (const session of sessions) {
              session.close();
              setTimeout(() => session.destroy(), SESSION_GRACE_MS).unref();
            }
          }),
      ]);
    },
  };
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

/** The body, refused past `limit` bytes; the error names `named` (the limit the user set). */
function readBody(source: NodeJS.ReadableStream, limit: number, named = limit): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(`body over ${named} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    source.on('end', () => resolve(Buffer.concat(chunks)));
    source.on('error', reject);
    source.on('aborted', () => reject(new BadRequest('client went away')));
  });
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

/** Protobuf or JSON body → OTLP/JSON text of a trace export request. */
/** A trace export request as OTLP/JSON: its text and the document it parses to. */
export interface ExportRequest {
  readonly json: string;
  readonly doc: object;
}

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

async function serveHttp(req: IncomingMessage, res: ServerResponse, options: ReceiverOptions): Promise<void> {
  const from = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  const path = (req.url ?? '').split('?')[0];
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const protobuf = type === 'application/x-protobuf';
  const answer = (status: number, message?: string) => {
    if (res.headersSent) return;
    if (message !== undefined) options.report(`OTLP/HTTP ${from} ${path}: ${status} ${message}`);
    const json = !protobuf;
    const body =
      message === undefined ? (json ? '{}' : '') : json ? JSON.stringify({ code: 3, message }) : '';
    res.writeHead(status, {
      'content-type': json ? 'application/json' : 'application/x-protobuf',
      connection: message ? 'close' : 'keep-alive',
    });
    res.end(body);
  };
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
  try {
    let body = await readBody(req, options.maxBodyBytes);
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
    } else if (error instanceof BadRequest || error instanceof OtraceError) answer(400, error.message);
    else if (error instanceof WriteFailed)
      answer(503, `${error.message}: nothing of it was kept; send it again later`);
    else answer(500, (error as Error).message);
  }
}

async function serveGrpc(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  options: ReceiverOptions,
): Promise<void> {
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
  if (!signal) return fail(12, 'unknown method (OTLP/gRPC takes the trace, metrics and logs Export methods)');
  if (!String(headers['content-type'] ?? '').startsWith('application/grpc'))
    return fail(3, 'content type is not application/grpc');
  try {
    // The gRPC frame's 5-byte header is not the message's.
    const body = await readBody(stream, options.maxBodyBytes + 5, options.maxBodyBytes);
    const message = unframe(body, String(headers['grpc-encoding'] ?? 'identity'), options.maxBodyBytes);
    if (signal === 'traces') options.accept(toExportRequest(message, true, `OTLP/gRPC ${from}`), from);
    else options.ignored(signal);
    if (stream.destroyed) return;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(frame(signal === 'traces' ? encodeTraceResponse(0, '') : new Uint8Array(0)));
  } catch (error) {
    if (error instanceof BodyTooLarge) fail(8, error.message);
    else if (error instanceof BadRequest || error instanceof OtraceError) fail(3, error.message);
    else if (error instanceof WriteFailed)
      fail(14, `${error.message}: nothing of it was kept; send it again later`);
    else fail(13, (error as Error).message);
  }
}

/** One gRPC message: 1 byte compressed flag, 4 bytes big-endian length, the message. */
function unframe(body: Buffer, encoding: string, limit: number): Buffer {
  if (body.length < 5) throw new BadRequest('no gRPC message in the request');
  const compressed = body[0] === 1;
  const length = body.readUInt32BE(1);
  if (body.length < 5 + length) throw new BadRequest('gRPC message cut short');
  const message = body.subarray(5, 5 + length);
  if (!compressed) return message;
  if (encoding !== 'gzip') throw new BadRequest(`grpc-encoding ${encoding} is not supported (gzip is)`);
  return gunzip(message, limit);
}

function frame(message: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}
