import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, SourceError } from '../../src/errors.js';
import type { TraceId } from '../../src/model/types.js';
import { traceReader } from '../../src/pipeline/decode-answer.js';
import { decodeTraces } from '../../src/pipeline/decode-traces.js';
import { HttpClient, type HttpOptions } from '../../src/sources/http-client.js';
import { JaegerBackend } from '../../src/sources/jaeger-backend.js';
import { useFakeBackend } from '../helpers/fake-backend.js';
import { recorded } from '../helpers/recorded-jaeger.js';

/**
 * HttpClient.stream against servers on 127.0.0.1: a 200's body handed over as it arrives, under
 * the same cap, decompression, deadline, retries and messages as a body read whole.
 */
const serve = useFakeBackend();
const OPTIONS: HttpOptions = { headers: {}, token: undefined, timeoutMs: 5000, retries: 0 };

let clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
});

function client(url: string, options: Partial<HttpOptions> = {}): HttpClient {
  const made = new HttpClient(url, { ...OPTIONS, ...options }, 'hint');
  clients.push(made);
  return made;
}

/** Writes `body` a few bytes at a time, each after the last has left, then ends. */
function trickle(res: ServerResponse, body: Buffer, size: number): void {
  res.socket?.setNoDelay(true);
  let at = 0;
  const next = () => {
    if (res.destroyed) return;
    if (at >= body.length) {
      res.end();
      return;
    }
    const piece = body.subarray(at, at + size);
    at += size;
    res.write(piece, () => setImmediate(next));
  };
  next();
}

const joined = async (text: AsyncIterable<string>) => {
  const pieces: string[] = [];
  for await (const piece of text) pieces.push(piece);
  return pieces;
};

describe('HttpClient.stream', () => {
  it("hands a 200's body over as it arrives, characters whole however the bytes are cut", async () => {
    // Multi-byte characters (2, 3 and 4 bytes) cut across writes of 1, 2 and 3 bytes.
    const body = Buffer.from(JSON.stringify({ data: ['é', '€ – ✓', '😀 🚀', 'plain'] }));
    for (const size of [1, 2, 3]) {
      const server = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        trickle(res, body, size);
      });
      const response = await client(server.url).stream('api/traces', {}, (text) => joined(text));
      expect(response.streamed).toBe(true);
      if (!response.streamed) return;
      expect(response.value.join('')).toBe(body.toString('utf8'));
      expect(response.value.length).toBeGreaterThan(1);
      expect({ status: response.status, attempts: response.attempts }).toEqual({ status: 200, attempts: 1 });
      await server.close();
    }
  });

  it('reads any other answer whole, credentials blanked, as get does', async () => {
    const server = await serve((req, res) =>
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`bad: ${req.headers.authorization}`),
    );
    let called = false;
    const response = await client(server.url, { token: 's3cr3t-t0ken' }).stream(
      'api/traces',
      {},
      async () => {
        called = true;
      },
    );
    expect(called).toBe(false);
    expect(response).toMatchObject({ streamed: false, status: 400, body: 'bad: Bearer [redacted]' });
  });

  it('gives the reader all the time it needs, but not the backend: the deadline counts waiting only', async () => {
    const body = Buffer.from(JSON.stringify({ data: Array.from({ length: 40 }, (_, i) => i) }));
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      trickle(res, body, 16);
    });
    const started = Date.now();
    // 300 ms: the timeout. The reader works 400 ms on the first piece alone, then reads the rest.
    const response = await client(server.url, { timeoutMs: 300 }).stream('api/traces', {}, async (text) => {
      const pieces: string[] = [];
      for await (const piece of text) {
        if (pieces.length === 0) await new Promise((resolve) => setTimeout(resolve, 400));
        pieces.push(piece);
      }
      return pieces.join('');
    });
    expect(response.streamed && response.value).toBe(body.toString());
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);

    // A body dripped a byte every 100 ms is still given up on after the timeout in all.
    const drip = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent++ >= 100) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(' ');
      }, 100);
      res.on('close', () => clearInterval(timer));
    });
    const failure = await client(drip.url, { timeoutMs: 500 })
      .stream('api/traces', {}, (text) => joined(text))
      .catch((error: unknown) => error);
    expect((failure as SourceError).message).toBe(
      `${drip.url}/api/traces: no complete answer within 500 ms (--request-timeout)`,
    );
  });

  it('refuses an answer past the cap, and decompresses as it reads, with the same lines as get', async () => {
    const big = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.alloc(3 << 20, 0x20));
    });
    const tooBig = await client(big.url, { maxResponseBytes: 1 << 20 })
      .stream('api/traces', {}, (text) => joined(text))
      .catch((error: unknown) => error);
    expect((tooBig as SourceError).message).toBe(`${big.url}/api/traces: the answer is larger than 1 MiB`);
    await big.close();

    const body = JSON.stringify({ data: ['x'.repeat(100_000), 'y'] });
    const packed = gzipSync(body);
    const gzip = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      if (req.url?.includes('cut')) res.end(packed.subarray(0, packed.length >> 1));
      else trickle(res, packed, 97);
    });
    const read = await client(gzip.url).stream('api/traces', {}, (text) => joined(text));
    expect(read.streamed && read.value.join('')).toBe(body);
    const cut = await client(gzip.url)
      .stream('api/traces/cut', {}, (text) => joined(text))
      .catch((error: unknown) => error);
    expect(cut).toBeInstanceOf(SourceError);
    expect((cut as SourceError).message).toBe(
      `${gzip.url}/api/traces/cut: the gzip answer does not decompress (unexpected end of file)`,
    );
  });

  it("passes on the reader's own error as it is: not retried, not reworded", async () => {
    const server = await serve((_req, res) => res.writeHead(200).end('{"data":[]}'));
    const refused = new InputError('data[0]: expected a Jaeger trace object', 'fix it');
    const failure = await client(server.url, { retries: 2, sleep: async () => {} })
      .stream('api/traces', {}, async (text) => {
        await joined(text);
        throw refused;
      })
      .catch((error: unknown) => error);
    expect(failure).toBe(refused);
    expect(server.requests).toHaveLength(1);
  });
});

describe('a search answer cut short and asked again', () => {
  it('is read afresh: the traces of one whole answer, none twice', async () => {
    const answer = recorded('search-user-service.v3');
    const body = Buffer.from(answer.body);
    const server = await serve((_req, res, count) => {
      res.writeHead(200, { 'content-type': answer.contentType, 'content-length': String(body.length) });
      // The first attempt loses its connection two thirds in, after many traces were decoded.
      if (count === 1) res.write(body.subarray(0, (body.length * 2) / 3), () => res.socket?.destroy());
      else trickle(res, body, 4096);
    });
    const backend = new JaegerBackend(client(server.url, { retries: 1, sleep: async () => {} }));
    const query = {
      service: 'user-service',
      operation: undefined,
      tags: [],
      start: undefined,
      end: undefined,
      minDuration: undefined,
      limit: 100,
      traceQL: undefined,
    };
    const searched = await backend.searchTraces(query, traceReader({ warn: () => {} }));
    expect(server.requests).toHaveLength(2);
    expect(searched.kind).toBe('decoded');
    const expected = decodeTraces(JSON.parse(answer.body), searched.kind === 'decoded' ? searched.url : '', {
      warn: () => {},
    });
    expect(searched.kind === 'decoded' && searched.traces).toEqual(expected);
    expect(expected.reduce((n, t) => n + t.spans.length, 0)).toBe(77);
  });

  it('says it was cut short in one line once every attempt was', async () => {
    const body = Buffer.from(recorded('search-user-service.v3').body);
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
    });
    const backend = new JaegerBackend(client(server.url, { retries: 2, sleep: async () => {} }));
    const failure = await backend
      .fetchTrace('24e07fe85f57887b11ea62d4ab3bcbcb' as TraceId, traceReader({ warn: () => {} }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toBe(
      `${server.url}/api/v3/traces/24e07fe85f57887b11ea62d4ab3bcbcb: the connection closed before the response was complete (3 attempts)`,
    );
  });
});
