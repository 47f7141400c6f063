import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import type { Nanos, TraceId } from '../../src/model/types.js';
import { HttpClient } from '../../src/sources/http-client.js';
import { searchParams, ZipkinBackend, zipkinTraceId } from '../../src/sources/zipkin-backend.js';
import { type FakeBackend, json, useFakeBackend } from '../helpers/fake-backend.js';
import { ANY_QUERY } from '../helpers/query.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * ZipkinBackend and `--zipkin` against a server on 127.0.0.1 serving the answers of Zipkin's v2
 * API, made of what the real reporters sent (fixtures/zipkin/, scripts/generate-fixtures/zipkin.mjs).
 */
const serve = useFakeBackend();
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(`fixtures/zipkin/${name}.zipkin.json`, 'utf8'));
const REFUSED = fixture('otel-order-refused') as { traceId: string }[];
const SHARED = fixture('zipkin-js-shared') as { traceId: string }[];
const SEARCH = fixture('traces-search');
const SERVICES = fixture('services');
const REFUSED_ID = REFUSED[0]!.traceId;
const SHARED_ID = SHARED[0]!.traceId;

let clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
});

/** A Zipkin server that knows the fixtures' traces, its search answer and its services. */
async function zipkinServer(): Promise<FakeBackend> {
  return serve((req, res) => {
    const path = new URL(req.url ?? '/', 'http://zipkin').pathname;
    if (path === `/api/v2/trace/${REFUSED_ID}`) json(res, 200, REFUSED);
    else if (path === `/api/v2/trace/${SHARED_ID}`) json(res, 200, SHARED);
    else if (path.startsWith('/api/v2/trace/')) json(res, 404, `trace not found`, 'text/plain');
    else if (path === '/api/v2/traces') json(res, 200, SEARCH);
    else if (path === '/api/v2/services') json(res, 200, SERVICES);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
  });
}

function backendAt(server: FakeBackend): ZipkinBackend {
  const client = new HttpClient(
    server.url,
    { headers: {}, token: undefined, timeoutMs: 2000, retries: 0 },
    'hint',
  );
  clients.push(client);
  return new ZipkinBackend(client);
}

describe('ZipkinBackend', () => {
  it('fetches a trace from /api/v2/trace/{id}, a 64-bit one without its zero high half', async () => {
    const server = await zipkinServer();
    const backend = backendAt(server);
    expect(backend.kind).toBe('zipkin');
    expect(await backend.fetchTrace(REFUSED_ID as TraceId)).toMatchObject({
      status: 'found',
      document: REFUSED,
    });
    expect(await backend.fetchTrace(`0000000000000000${SHARED_ID}` as TraceId)).toMatchObject({
      status: 'found',
      document: SHARED,
    });
    expect(await backend.fetchTrace('0000000000000000000000000000abcd' as TraceId)).toMatchObject({
      status: 'not-found',
      api: 'Zipkin api/v2',
    });
    expect(server.requests.map((r) => r.path)).toEqual([
      `/api/v2/trace/${REFUSED_ID}`,
      `/api/v2/trace/${SHARED_ID}`,
      '/api/v2/trace/000000000000abcd',
    ]);
  });

  it('searches /api/v2/traces, whose answer holds the traces whole, and lists /api/v2/services', async () => {
    const server = await zipkinServer();
    const backend = backendAt(server);
    expect(await backend.searchTraces({ ...ANY_QUERY, service: 'user-service' })).toMatchObject({
      kind: 'documents',
      documents: [{ document: SEARCH }],
    });
    expect(await backend.services()).toEqual([
      'frontend',
      'inventory-service',
      'order-service',
      'user-service',
    ]);
    expect(new URL(server.requests[0]!.path, 'http://zipkin').searchParams.get('serviceName')).toBe(
      'user-service',
    );
  });

  it('says what failed when the server answers 500 or HTML', async () => {
    const server = await serve((_req, res) =>
      res.writeHead(500, { 'content-type': 'text/plain' }).end('boom'),
    );
    const error = await backendAt(server)
      .fetchTrace(REFUSED_ID as TraceId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toContain('Zipkin api/v2');
    const html = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'),
    );
    await expect(backendAt(html).services()).rejects.toBeInstanceOf(SourceError);
  });
});

describe('searchParams', () => {
  it("maps the search to Zipkin's query: tags as an annotationQuery, µs durations, ms windows", () => {
    const params = searchParams(
      {
        ...ANY_QUERY,
        service: 'user-service',
        operation: 'get /users',
        tags: [
          ['error', 'true'],
          ['http.status_code', '500'],
        ],
        minDuration: 250_000_000n as Nanos,
        start: 1_700_000_000_000_000_000n as Nanos,
        end: 1_700_000_600_000_000_000n as Nanos,
        limit: 20,
      },
      0n,
    );
    expect(params).toEqual({
      serviceName: 'user-service',
      spanName: 'get /users',
      annotationQuery: 'error and http.status_code=500',
      minDuration: '250000',
      endTs: '1700000600000',
      lookback: '600000',
      limit: '20',
    });
    expect(searchParams(ANY_QUERY, 5_000_000n)).toMatchObject({ endTs: '5000000', lookback: '86400000' });
    expect(zipkinTraceId('80f1da5e10147517c7078c39eb0e2fb1' as TraceId)).toBe(
      '80f1da5e10147517c7078c39eb0e2fb1',
    );
  });
});

describe('--zipkin', () => {
  it('show fetches the trace and explains the failure', async () => {
    const server = await zipkinServer();
    const { code, stdout } = await runCli(['show', REFUSED_ID, '--zipkin', server.url]);
    expect(code).toBe(1);
    expect(stdout).toContain('ECONNREFUSED');
    expect(stdout).toContain('◀ origin');
  });

  it('errors searches and groups the failures; list shows the search', async () => {
    const server = await zipkinServer();
    const errors = await runCli(['errors', '--zipkin', server.url, '--format', 'json']);
    expect(errors.code).toBe(1);
    const doc = JSON.parse(errors.stdout) as {
      tracesWithErrors: number;
      groups: { service: string; errorType: string }[];
    };
    expect(doc.tracesWithErrors).toBe(1);
    expect(doc.groups[0]).toMatchObject({ service: 'user-service', errorType: 'Error' });
    const list = await runCli(['list', '--zipkin', server.url, '--format', 'json']);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { traces: unknown[] }).traces).toHaveLength(2);
  });

  it('two backends together are a usage error naming both', async () => {
    const { code, stderr } = await runCli([
      'list',
      '--zipkin',
      'http://127.0.0.1:9',
      '--tempo',
      'http://127.0.0.1:9',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('--tempo and --zipkin together: pick one source');
  });
});
