import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import type { Nanos, TraceId } from '../../src/model/types.js';
import { HttpClient } from '../../src/sources/http-client.js';
import { TempoBackend } from '../../src/sources/tempo-backend.js';
import { type FakeBackend, json, useFakeBackend } from '../helpers/fake-backend.js';
import { ANY_QUERY } from '../helpers/query.js';

/** Which requests TempoBackend makes and how it reads the answers, against a server on 127.0.0.1. */
const serve = useFakeBackend();
const ID = '2f3e0cee77ae5dc9c17ade3689eb2e54' as TraceId;
const V2 = { trace: { resourceSpans: [] } };
const V1 = { batches: [] };

let clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
});

type Res = Parameters<Parameters<typeof serve>[0]>[1];

async function tempo(
  routes: Record<string, (res: Res) => void>,
): Promise<{ backend: TempoBackend; server: FakeBackend }> {
  const server = await serve((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://tempo').pathname];
    if (route) route(res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
  });
  const client = new HttpClient(
    `${server.url}/tempo`,
    { headers: {}, token: undefined, timeoutMs: 2000, retries: 0 },
    'hint',
  );
  clients.push(client);
  return { backend: new TempoBackend(client), server };
}

const paths = (server: FakeBackend) => server.requests.map((r) => r.path.split('?')[0]);
const params = (server: FakeBackend, i: number) =>
  Object.fromEntries(new URL(server.requests[i]!.path, 'http://tempo').searchParams);

describe('TempoBackend.fetchTrace', () => {
  it('reads a trace from /api/v2/traces, under the base path', async () => {
    const { backend, server } = await tempo({ [`/tempo/api/v2/traces/${ID}`]: (res) => json(res, 200, V2) });
    expect(backend.kind).toBe('tempo');
    expect(backend.baseUrl).toBe(`${server.url}/tempo`);
    expect(await backend.fetchTrace(ID)).toEqual({
      status: 'found',
      document: V2,
      url: `${server.url}/tempo/api/v2/traces/${ID}`,
    });
    expect(paths(server)).toEqual([`/tempo/api/v2/traces/${ID}`]);
  });

  it('falls back to /api/traces on a 404 from v2', async () => {
    const { backend, server } = await tempo({ [`/tempo/api/traces/${ID}`]: (res) => json(res, 200, V1) });
    expect(await backend.fetchTrace(ID)).toEqual({
      status: 'found',
      document: V1,
      url: `${server.url}/tempo/api/traces/${ID}`,
    });
    expect(paths(server)).toEqual([`/tempo/api/v2/traces/${ID}`, `/tempo/api/traces/${ID}`]);
  });

  it('is not found when both APIs answer 404, naming the last URL and both APIs', async () => {
    const { backend, server } = await tempo({});
    expect(await backend.fetchTrace(ID)).toEqual({
      status: 'not-found',
      url: `${server.url}/tempo/api/traces/${ID}`,
      api: 'Tempo api/v2/traces and api/traces',
    });
  });

  it('stops at another failing status, as a source error', async () => {
    const { backend, server } = await tempo({
      [`/tempo/api/v2/traces/${ID}`]: (res) => json(res, 500, { message: 'ingester unavailable' }),
    });
    const error = await backend.fetchTrace(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe(
      `${server.url}/tempo/api/v2/traces/${ID}: Tempo answered 500: "ingester unavailable"`,
    );
    expect(server.requests).toHaveLength(1);
  });
});

describe('TempoBackend.searchTraces', () => {
  it('asks /api/search with the flags as TraceQL, whole seconds (the end rounded up) and the limit', async () => {
    const { backend, server } = await tempo({
      '/tempo/api/search': (res) =>
        json(res, 200, { traces: [{ traceID: ID }, { traceID: 'c17ade3689eb2e54' }] }),
    });
    const answer = await backend.searchTraces({
      ...ANY_QUERY,
      service: 'user-service',
      minDuration: 100_000_000n as Nanos,
      start: 1_700_000_000_900_000_000n as Nanos,
      end: 1_700_000_060_000_000_001n as Nanos,
      limit: 20,
    });
    expect(params(server, 0)).toEqual({
      q: '{ resource.service.name = "user-service" && duration >= 100000000ns }',
      start: '1700000000',
      end: '1700000061',
      limit: '20',
    });
    expect(answer).toEqual({
      kind: 'ids',
      ids: [ID, '0000000000000000c17ade3689eb2e54'],
      url: `${server.url}${server.requests[0]!.path}`,
    });
  });

  it('sends a raw TraceQL query as it is, an end on a whole second as it is, and no open bounds', async () => {
    const { backend, server } = await tempo({ '/tempo/api/search': (res) => json(res, 200, { traces: [] }) });
    expect(
      await backend.searchTraces({
        ...ANY_QUERY,
        service: 'ignored',
        traceQL: '{ span.http.status_code >= 500 }',
        end: 1_700_000_060_000_000_000n as Nanos,
        limit: 3,
      }),
    ).toMatchObject({ kind: 'ids', ids: [] });
    expect(params(server, 0)).toEqual({
      q: '{ span.http.status_code >= 500 }',
      end: '1700000060',
      limit: '3',
    });
  });

  it("passes on Tempo's refusal of a query", async () => {
    const { backend } = await tempo({
      '/tempo/api/search': (res) =>
        json(res, 400, 'invalid TraceQL query: parse error at line 1', 'text/plain'),
    });
    const error = await backend.searchTraces(ANY_QUERY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toMatch(
      /\/tempo\/api\/search\?.*: Tempo api\/search rejected the request \(400\): "invalid TraceQL query: parse error at line 1"$/,
    );
  });
});

describe('TempoBackend without summaries or services', () => {
  it('answers undefined without asking anything', async () => {
    const { backend, server } = await tempo({});
    expect(await backend.traceSummaries()).toBeUndefined();
    expect(await backend.services()).toBeUndefined();
    expect(server.requests).toEqual([]);
  });
});
