import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { HttpClient, type HttpOptions } from '../../src/sources/http-client.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';

/** Transport failures that need no backend logic: DNS (with lookup injected: no DNS server is asked) and TLS. */
const CERT = new URL('../fixtures/tls/loopback.crt', import.meta.url);
const KEY = new URL('../fixtures/tls/loopback.key', import.meta.url);
// Each failure here is immediate (the lookup fails, the handshake is refused): the timeout only
// bounds a hang, and is long enough that no stall of a busy machine turns a TLS error into one.
const OPTIONS: HttpOptions = { headers: {}, token: undefined, timeoutMs: 20_000, retries: 0 };

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function startHttps(body: string): Promise<string> {
  const server = createServer({ cert: readFileSync(CERT), key: readFileSync(KEY) }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('HttpClient transport failures', () => {
  it('names the host it could not resolve', async () => {
    const client = new HttpClient(
      'http://jaeger-query.observability:16686',
      {
        ...OPTIONS,
        lookup: (hostname, _options, callback) =>
          callback(
            Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
            '',
            4,
          ),
      },
      'hint',
    );
    const failure = await client.get('api/services').catch((error: unknown) => error);
    await client.close();
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toBe(
      'http://jaeger-query.observability:16686/api/services: cannot resolve host jaeger-query.observability',
    );
    expect((failure as SourceError).hint).toBe('check the host name in the URL');
  });

  it('refuses a certificate no CA vouches for, and says how to trust a private CA', async () => {
    const url = await startHttps('{}');
    const client = new HttpClient(url, OPTIONS, 'hint');
    const failure = await client.get('api/services').catch((error: unknown) => error);
    await client.close();
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toMatch(
      /\/api\/services: TLS error \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)$/,
    );
    expect((failure as SourceError).hint).toMatch(/NODE_EXTRA_CA_CERTS/);
  });

  it('trusts the CA named by NODE_EXTRA_CA_CERTS (read when the process starts)', async () => {
    const url = await startHttps(JSON.stringify({ services: ['user-service'] }));
    const refused = await spawnCli(['list', '--jaeger', url]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/TLS error/);
    const trusted = await spawnCli(['list', '--jaeger', url], {
      env: { NODE_EXTRA_CA_CERTS: CERT.pathname },
    });
    // Connected: Jaeger answered the services list, and the search needs --service.
    expect(trusted.code).toBe(2);
    expect(trusted.stderr).toContain(`services in ${url}: user-service`);
  });
});

describe('HttpClient answers', () => {
  /** A plain HTTP server on 127.0.0.1 answering every request with `handler`. */
  async function startHttp(handler: RequestListener): Promise<string> {
    const server = createHttpServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const BODY = JSON.stringify({ data: [{ traceID: 'abc', spans: [] }] });

  it('decompresses an answer compressed although nothing was asked (gzip, deflate, br)', async () => {
    for (const [encoding, pack] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ] as const) {
      const url = await startHttp((_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding })
          .end(pack(BODY)),
      );
      const client = new HttpClient(url, OPTIONS, 'hint');
      expect((await client.get('api/traces/abc')).body, encoding).toBe(BODY);
      await client.close();
      await close?.();
      close = undefined;
    }
  });

  it('refuses an answer larger than the cap, endless ones included, with one line', async () => {
    const url = await startHttp((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Endless until the client hangs up: a chunk at a time, while the socket takes them.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const client = new HttpClient(url, { ...OPTIONS, maxResponseBytes: 1 << 20 }, 'hint');
    const failure = await client.get('api/traces').catch((error: unknown) => error);
    await client.close();
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toBe(`${url}/api/traces: the answer is larger than 1 MiB`);
    expect((failure as SourceError).hint).toContain('--limit');
  });

  it('caps what a compressed answer decompresses to (a gzip bomb)', async () => {
    const bomb = gzipSync(Buffer.alloc(4 << 20, 0x20));
    const url = await startHttp((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(bomb),
    );
    const client = new HttpClient(url, { ...OPTIONS, maxResponseBytes: 1 << 20 }, 'hint');
    const failure = await client.get('api/traces').catch((error: unknown) => error);
    await client.close();
    expect((failure as SourceError).message).toBe(`${url}/api/traces: the answer is larger than 1 MiB`);
  });

  /** An answer of 200 whose body comes a byte every 200 ms, 100 bytes at most (20 s), until the client hangs up. */
  function drip(_req: IncomingMessage, res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'application/json' });
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed || sent >= 100) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(' ');
      sent++;
    }, 200);
    res.on('close', () => clearInterval(timer));
  }

  it('gives up on an answer dripped a byte at a time after --request-timeout in all, not per byte', async () => {
    // undici's bodyTimeout restarts at each byte: without a deadline for the whole request this
    // ran until the server stopped dripping (20 s), and a real drip never stops.
    const url = await startHttp(drip);
    const client = new HttpClient(url, { ...OPTIONS, timeoutMs: 1000 }, 'hint');
    const started = Date.now();
    const failure = await client.get('api/traces/abc').catch((error: unknown) => error);
    const took = Date.now() - started;
    await client.close();
    expect(failure).toBeInstanceOf(SourceError);
    expect((failure as SourceError).message).toBe(
      `${url}/api/traces/abc: no complete answer within 1000 ms (--request-timeout)`,
    );
    expect((failure as SourceError).hint).toBe('raise --request-timeout, or check the backend is healthy');
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(10_000);
  });

  it('the CLI says so in one line and exits 3', async () => {
    const url = await startHttp(drip);
    const result = await runCli(['show', 'abc', '--jaeger', url, '--request-timeout', '1s']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^otrace: http:\/\/127\.0\.0\.1:\d+\/\S+: no complete answer within 1000 ms \(--request-timeout\) — raise --request-timeout, or check the backend is healthy\n$/,
    );
  });
});
