import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import type { Nanos, TraceId } from '../../src/model/types.js';
import { HttpClient } from '../../src/sources/http-client.js';
import { JaegerBackend } from '../../src/sources/jaeger-backend.js';
import { type FakeBackend, json, useFakeBackend } from '../helpers/fake-backend.js';
import { ANY_QUERY } from '../helpers/query.js';

/**
 * Which requests JaegerBackend makes and how it reads the answers, against a server on 127.0.0.1
 * that answers by path: api_v3 first, v1 where v3 is not there (remembered), v3's own 404s.
 */
const serve = useFakeBackend();
const ID = '4bf92f3577b34da6a3ce929d0e0e4736' as TraceId;
const V3_NOT_FOUND = { error: { httpCode: 404, message: 'No traces found' } };
const OTLP = { result: { resourceSpans: [] } };
const V1_TRACE = {
  data: [{ traceID: ID, spans: [], processes: {} }],
  total: 0,
  limit: 0,
  offset: 0,
  errors: null,
};

let clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
});

type Route = (res: Parameters<Parameters<typeof serve>[0]>[1], url: URL) => void;

/** A Jaeger answering each path (without the query) with its route; 404 "page not found" elsewhere. */
async function jaeger(
  routes: Record<string, Route>,
): Promise<{ backend: JaegerBackend; server: FakeBackend }> {
  const server = await serve((req, res) => {
    const url = new URL(req.url ?? '/', 'http://jaeger');
    const route = routes[url.pathname];
    if (route) route(res, url);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
  });
  const client = new HttpClient(
    server.url,
    { headers: {}, token: undefined, timeoutMs: 2000, retries: 0 },
    'hint',
  );
  clients.push(client);
  return { backend: new JaegerBackend(client), server };
}

const paths = (server: FakeBackend) => server.requests.map((r) => r.path.split('?')[0]);
const params = (server: FakeBackend, i: number) =>
  Object.fromEntries(new URL(server.requests[i]!.path, 'http://jaeger').searchParams);

async function rejection(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

describe('JaegerBackend.fetchTrace', () => {
  it('reads a trace through api_v3', async () => {
    const { backend, server } = await jaeger({ [`/api/v3/traces/${ID}`]: (res) => json(res, 200, OTLP) });
    expect(backend.kind).toBe('jaeger');
    expect(backend.baseUrl).toBe(server.url);
    expect(await backend.fetchTrace(ID)).toEqual({
      status: 'found',
      document: OTLP,
      url: `${server.url}/api/v3/traces/${ID}`,
    });
    expect(paths(server)).toEqual([`/api/v3/traces/${ID}`]);
  });

  it("takes api_v3's own 404 as not found, without asking v1", async () => {
    const { backend, server } = await jaeger({
      [`/api/v3/traces/${ID}`]: (res) => json(res, 404, V3_NOT_FOUND, 'text/plain'),
    });
    expect(await backend.fetchTrace(ID)).toEqual({
      status: 'not-found',
      url: `${server.url}/api/v3/traces/${ID}`,
      api: 'Jaeger api/v3',
    });
    expect(paths(server)).toEqual([`/api/v3/traces/${ID}`]);
  });

  it('falls back to v1 on a plain 404, and asks v1 directly from then on', async () => {
    const { backend, server } = await jaeger({ [`/api/traces/${ID}`]: (res) => json(res, 200, V1_TRACE) });
    expect(await backend.fetchTrace(ID)).toEqual({
      status: 'found',
      document: V1_TRACE,
      url: `${server.url}/api/traces/${ID}`,
    });
    await backend.fetchTrace(ID);
    expect(paths(server)).toEqual([`/api/v3/traces/${ID}`, `/api/traces/${ID}`, `/api/traces/${ID}`]);
  });

  it("falls back to v1 when api_v3's path answers the UI's HTML page", async () => {
    const { backend, server } = await jaeger({
      [`/api/v3/traces/${ID}`]: (res) => json(res, 200, '<!doctype html><html></html>', 'text/html'),
      [`/api/traces/${ID}`]: (res) => json(res, 200, V1_TRACE),
    });
    expect(await backend.fetchTrace(ID)).toMatchObject({ status: 'found', document: V1_TRACE });
    expect(paths(server)).toEqual([`/api/v3/traces/${ID}`, `/api/traces/${ID}`]);
  });

  it("takes v1's 404, and its 200 with no data and an error, as not found", async () => {
    const missing = { data: [], total: 0, errors: [{ code: 404, msg: 'trace not found' }] };
    for (const route of [
      (res: Parameters<Route>[0]) =>
        json(res, 404, { data: null, errors: [{ code: 404, msg: 'trace not found' }] }),
      (res: Parameters<Route>[0]) => json(res, 200, missing),
      (res: Parameters<Route>[0]) =>
        json(res, 200, { data: null, errors: [{ code: 404, msg: 'not found' }] }),
    ]) {
      const { backend, server } = await jaeger({ [`/api/traces/${ID}`]: route });
      expect(await backend.fetchTrace(ID)).toEqual({
        status: 'not-found',
        url: `${server.url}/api/traces/${ID}`,
        api: 'Jaeger api/traces (v1)',
      });
      await server.close();
    }
  });

  it('passes on a failing status of either API as a source error naming the API', async () => {
    const v3 = await jaeger({
      [`/api/v3/traces/${ID}`]: (res) => json(res, 500, { error: { message: 'storage down' } }),
    });
    expect((await rejection(v3.backend.fetchTrace(ID))).message).toBe(
      `${v3.server.url}/api/v3/traces/${ID}: Jaeger api/v3 answered 500: "storage down"`,
    );
    await v3.server.close();
    const v1 = await jaeger({ [`/api/traces/${ID}`]: (res) => json(res, 403, 'denied', 'text/plain') });
    expect((await rejection(v1.backend.fetchTrace(ID))).message).toBe(
      `${v1.server.url}/api/traces/${ID}: Jaeger api/traces (v1) answered 403 (forbidden)`,
    );
  });
});

describe('JaegerBackend.searchTraces', () => {
  const QUERY = {
    ...ANY_QUERY,
    service: 'user-service',
    operation: 'GET /orders',
    tags: [
      ['http.response.status_code', '500'],
      ['error', 'true'],
    ] as const,
    start: 1_700_000_000_000_000_000n as Nanos,
    end: 1_700_000_060_500_000_000n as Nanos,
    minDuration: 1_500_000_000n as Nanos,
    limit: 20,
  };

  it('asks api_v3 with snake_case names, RFC 3339 bounds, a Go duration and the tags as JSON', async () => {
    const { backend, server } = await jaeger({ '/api/v3/traces': (res) => json(res, 200, OTLP) });
    const answer = await backend.searchTraces(QUERY);
    expect(params(server, 0)).toEqual({
      'query.service_name': 'user-service',
      'query.operation_name': 'GET /orders',
      'query.start_time_min': '2023-11-14T22:13:20Z',
      'query.start_time_max': '2023-11-14T22:14:20.500000000Z',
      'query.duration_min': '1500000000ns',
      'query.num_traces': '20',
      'query.attributes': '{"http.response.status_code":"500","error":"true"}',
    });
    expect(answer).toEqual({
      kind: 'documents',
      documents: [{ document: OTLP, url: `${server.url}${server.requests[0]!.path}` }],
    });
  });

  it('leaves out what the search does not name, and starts an open window at the epoch', async () => {
    const { backend, server } = await jaeger({ '/api/v3/traces': (res) => json(res, 200, OTLP) });
    await backend.searchTraces({ ...ANY_QUERY, service: 'shop', limit: 5 });
    const asked = params(server, 0);
    expect(Object.keys(asked).sort()).toEqual([
      'query.num_traces',
      'query.service_name',
      'query.start_time_max',
      'query.start_time_min',
    ]);
    expect(asked['query.start_time_min']).toBe('1970-01-01T00:00:00Z');
    expect(asked['query.num_traces']).toBe('5');
  });

  it("reads api_v3's 404 as no traces", async () => {
    const { backend } = await jaeger({ '/api/v3/traces': (res) => json(res, 404, V3_NOT_FOUND) });
    expect(await backend.searchTraces(QUERY)).toEqual({ kind: 'documents', documents: [] });
  });

  it('asks v1 where api_v3 is not there: µs bounds, tags as a JSON object', async () => {
    const v1Answer = { data: [], total: 0 };
    const { backend, server } = await jaeger({ '/api/traces': (res) => json(res, 200, v1Answer) });
    expect(await backend.searchTraces(QUERY)).toMatchObject({
      kind: 'documents',
      documents: [{ document: v1Answer }],
    });
    expect(paths(server)).toEqual(['/api/v3/traces', '/api/traces']);
    expect(params(server, 1)).toEqual({
      service: 'user-service',
      operation: 'GET /orders',
      tags: '{"http.response.status_code":"500","error":"true"}',
      start: '1700000000000000',
      end: '1700000060500000',
      minDuration: '1500000000ns',
      limit: '20',
    });
  });

  it("explains the 500 of a search deeper than Jaeger's max_traces, in v3 and in v1", async () => {
    const said = 'search depth must be greater than 0 and less than max traces';
    const v3 = await jaeger({
      '/api/v3/traces': (res) => json(res, 500, { error: { httpCode: 500, message: said } }),
    });
    const e3 = await rejection(v3.backend.searchTraces({ ...QUERY, limit: 2000 }));
    expect(e3.message).toBe(
      `${v3.server.url}/api/v3/traces: Jaeger api/v3 refused a search of 2000 traces: "${said}"`,
    );
    expect(e3.hint).toBe("lower --limit: Jaeger's memory storage searches at most the max_traces it keeps");
    await v3.server.close();
    const v1 = await jaeger({
      '/api/traces': (res) => json(res, 500, { data: null, errors: [{ code: 500, msg: said }] }),
    });
    const e1 = await rejection(v1.backend.searchTraces({ ...QUERY, limit: 3000 }));
    expect(e1.message).toBe(
      `${v1.server.url}/api/traces: Jaeger api/traces (v1) refused a search of 3000 traces: "${said}"`,
    );
  });

  it('gives another 500 as the status error', async () => {
    const { backend, server } = await jaeger({
      '/api/v3/traces': (res) => json(res, 500, { error: { message: 'boom' } }),
    });
    const error = await rejection(backend.searchTraces(QUERY));
    expect(error.message.startsWith(`${server.url}/api/v3/traces?`)).toBe(true);
    expect(error.message.endsWith(': Jaeger api/v3 answered 500: "boom"')).toBe(true);
  });
});

describe('JaegerBackend.traceSummaries', () => {
  it('reads trace-summaries where Jaeger has them', async () => {
    const { backend, server } = await jaeger({
      '/api/v3/trace-summaries': (res) =>
        json(res, 200, {
          summaries: [{ traceId: ID, rootServiceName: 'frontend', rootOperationName: 'GET', spanCount: 3 }],
        }),
    });
    expect(await backend.traceSummaries({ ...ANY_QUERY, service: 'frontend' })).toMatchObject([
      {
        traceId: ID,
        rootService: 'frontend',
        rootName: 'GET',
        spanCount: 3,
        errorCount: 0,
        rootMissing: false,
      },
    ]);
    expect(params(server, 0)['query.service_name']).toBe('frontend');
  });

  it('is undefined where they are not (a plain 404, or the UI page), and is not asked again', async () => {
    for (const route of [
      undefined,
      (res: Parameters<Route>[0]) => json(res, 200, '<html></html>', 'text/html'),
    ]) {
      const { backend, server } = await jaeger(route ? { '/api/v3/trace-summaries': route } : {});
      expect(await backend.traceSummaries(ANY_QUERY)).toBeUndefined();
      expect(await backend.traceSummaries(ANY_QUERY)).toBeUndefined();
      expect(server.requests).toHaveLength(1);
      await server.close();
    }
  });

  it("reads v3's 404 envelope as no traces, and is not asked once the Jaeger is known to be v1", async () => {
    const v3 = await jaeger({ '/api/v3/trace-summaries': (res) => json(res, 404, V3_NOT_FOUND) });
    expect(await v3.backend.traceSummaries(ANY_QUERY)).toEqual([]);
    await v3.server.close();
    const v1 = await jaeger({ [`/api/traces/${ID}`]: (res) => json(res, 200, V1_TRACE) });
    await v1.backend.fetchTrace(ID);
    expect(await v1.backend.traceSummaries(ANY_QUERY)).toBeUndefined();
    expect(paths(v1.server)).toEqual([`/api/v3/traces/${ID}`, `/api/traces/${ID}`]);
  });
});

describe('JaegerBackend.services', () => {
  it("lists api_v3's services, sorted", async () => {
    const { backend } = await jaeger({
      '/api/v3/services': (res) => json(res, 200, { services: ['route', 'driver'] }),
    });
    expect(await backend.services()).toEqual(['driver', 'route']);
  });

  it("lists v1's where api_v3 is not there", async () => {
    const { backend, server } = await jaeger({
      '/api/services': (res) => json(res, 200, { data: ['order-service', 'user-service'], total: 2 }),
    });
    expect(await backend.services()).toEqual(['order-service', 'user-service']);
    expect(paths(server)).toEqual(['/api/v3/services', '/api/services']);
  });

  it('refuses a failing v1 answer as a source error', async () => {
    const { backend, server } = await jaeger({ '/api/services': (res) => json(res, 401, '') });
    expect((await rejection(backend.services())).message).toBe(
      `${server.url}/api/services: Jaeger api/traces (v1) answered 401 (not authenticated)`,
    );
  });
});
