import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ListDocumentSchema } from '../../src/render/contracts/list.js';
import { json, useFakeBackend } from '../helpers/fake-backend.js';
import { recorded, sendRecorded } from '../helpers/recorded-jaeger.js';
import { type CliResult, runCli } from '../helpers/run-cli.js';
import { SEED_SCENARIOS } from '../helpers/seed.js';

/**
 * Searching across traces: `list` on files, and against real HTTP servers on 127.0.0.1 speaking
 * Jaeger api_v3 (with and without trace-summaries), a v1-only Jaeger and Tempo, each serving our
 * real-SDK seed fixtures in that backend's wire format.
 */
const SCENARIOS = SEED_SCENARIOS;

interface OtlpDoc {
  resourceSpans: { scopeSpans: { spans: { traceId: string; name: string }[] }[] }[];
}
const otlp = (name: string) => JSON.parse(readFileSync(`fixtures/seed/${name}.otlp.json`, 'utf8')) as OtlpDoc;
const traceIdsOf = (doc: OtlpDoc) => [
  ...new Set(doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId)))),
];
const ALL_OTLP = { resourceSpans: SCENARIOS.flatMap((s) => otlp(s).resourceSpans) };
const ALL_V1 = {
  data: SCENARIOS.flatMap(
    (s) => (JSON.parse(readFileSync(`fixtures/seed/${s}.jaeger.json`, 'utf8')) as { data: unknown[] }).data,
  ),
  total: 0,
  limit: 0,
  offset: 0,
  errors: null,
};
const SLOW_ID = traceIdsOf(otlp('order-service-slow'))[0]!;
const WINDOW = ['--start', '2026-11-24T00:00:00Z', '--end', '2026-11-24T01:00:00Z'];
const WINDOW_SECONDS = [Date.parse('2026-11-24T00:00:00Z') / 1000, Date.parse('2026-11-24T01:00:00Z') / 1000];
const PLAIN_404 = (res: ServerResponse) => json(res, 404, '404 page not found\n', 'text/plain');

const serve = useFakeBackend();
const query = (path: string) => new URL(path, 'http://x').searchParams;
const listed = (stdout: string) => ListDocumentSchema.parse(JSON.parse(stdout)).traces;

describe('list on files: the search flags filter locally', () => {
  const files = SCENARIOS.map((s) => `fixtures/seed/${s}.otlp.json`);

  it('--service keeps traces with a span of that service', async () => {
    const { code, stdout } = await runCli([
      'list',
      ...files,
      '--service',
      'order-service',
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    const traces = listed(stdout);
    expect(traces.length).toBeGreaterThan(1);
    expect(traces.every((t) => t.services.includes('order-service'))).toBe(true);
    // order-service-down never reached order-service: it is not listed.
    expect(traces.map((t) => t.traceId)).not.toContain(traceIdsOf(otlp('order-service-down'))[0]);
  });

  it('--tag error=true with --min-duration finds the timed-out request only', async () => {
    const { stdout } = await runCli([
      'list',
      ...files,
      '--tag',
      'error=true',
      '--min-duration',
      '4s',
      '--format',
      'json',
    ]);
    expect(listed(stdout).map((t) => t.traceId)).toEqual([SLOW_ID]);
  });

  it('--tag matches span and resource attributes, --operation span names, --limit caps', async () => {
    const byResource = await runCli([
      'list',
      ...files,
      '--tag',
      'service.name=order-service',
      '--format',
      'json',
    ]);
    const byService = await runCli(['list', ...files, '--service', 'order-service', '--format', 'json']);
    expect(listed(byResource.stdout)).toEqual(listed(byService.stdout));
    const byOperation = await runCli([
      'list',
      ...files,
      '--operation',
      'query_orders',
      '--limit',
      '1',
      '--format',
      'json',
    ]);
    expect(listed(byOperation.stdout)).toHaveLength(1);
  });

  it('a window that holds no trace lists nothing and says so on stderr (exit 0)', async () => {
    const { code, stdout, stderr } = await runCli(['list', ...files, '--start', '2030-01-01T00:00:00Z']);
    expect(code).toBe(0);
    expect(stderr).toBe('otrace: warning: no traces match the search\n');
    expect(stdout).toContain('trace id');
  });

  it('with no file, no backend and nothing piped in, says how to pick a source', async () => {
    const { code, stderr } = await runCli(['list'], {
      env: { OTRACE_JAEGER_URL: undefined, OTRACE_TEMPO_URL: undefined },
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'otrace: <stdin>: is empty — nothing was piped in: pass -f FILE, pipe a trace in, or read from --jaeger, --tempo or --zipkin URL (or OTRACE_JAEGER_URL, OTRACE_TEMPO_URL, OTRACE_ZIPKIN_URL)\n',
    );
  });

  it('rejects bad search flags as usage errors before reading anything', async () => {
    const cases: [string[], RegExp][] = [
      [['--tag', 'novalue'], /--tag "novalue": expected key=value/],
      [['--since', '1h', '--start', '2026-01-01T00:00:00Z'], /--since and --start together/],
      [['--start', 'yesterday'], /--start "yesterday": not a time/],
      [['--limit', '0'], /--limit "0": expected a whole number ≥ 1/],
      [['--query', '{ status = error }'], /--query is TraceQL, which only Tempo runs/],
      [['--start', '2026-02-01T00:00:00Z', '--end', '2026-01-01T00:00:00Z'], /ends before it starts/],
    ];
    for (const [flags, message] of cases) {
      const { code, stderr } = await runCli(['list', ...files, ...flags]);
      expect(code, flags.join(' ')).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('list --jaeger', () => {
  it('searches api_v3 with snake_case parameters and RFC 3339 bounds', async () => {
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/api/v3/trace-summaries'))
        PLAIN_404(res); // before Jaeger 2.19
      else if (req.url?.startsWith('/api/v3/traces?')) json(res, 200, { result: ALL_OTLP });
      else PLAIN_404(res);
    });
    const { code, stdout, stderr } = await runCli([
      'list',
      '--jaeger',
      server.url,
      '--service',
      'user-service',
      '--operation',
      'get_user_orders',
      '--min-duration',
      '1.5s',
      '--limit',
      '20',
      ...WINDOW,
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    // This server ignores every filter: what does not match is left out, and stderr says so.
    expect(stderr).toMatch(/^otrace: warning: 6 of the 7 traces .* do not match the search/);
    expect(server.requests.map((r) => r.path.split('?')[0])).toEqual([
      '/api/v3/trace-summaries',
      '/api/v3/traces',
    ]);
    const params = query(server.requests[1]!.path);
    expect(Object.fromEntries(params)).toEqual({
      'query.service_name': 'user-service',
      'query.operation_name': 'get_user_orders',
      'query.start_time_min': '2026-11-24T00:00:00Z',
      'query.start_time_max': '2026-11-24T01:00:00Z',
      'query.duration_min': '1500000000ns',
      'query.num_traces': '20',
    });
    expect(listed(stdout).map((t) => t.traceId)).toEqual([SLOW_ID]);
  });

  it('checks what an api_v3 that ignores tag filters returns, and says what it left out', async () => {
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/api/v3/traces?')) json(res, 200, { result: ALL_OTLP });
      else PLAIN_404(res);
    });
    const { code, stdout, stderr } = await runCli([
      'list',
      '--jaeger',
      server.url,
      '--service',
      'user-service',
      '--tag',
      'error.type=TimeoutError',
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(query(server.requests[1]!.path).get('query.attributes')!)).toEqual({
      'error.type': 'TimeoutError',
    });
    expect(listed(stdout).map((t) => t.traceId)).toEqual([SLOW_ID]);
    expect(stderr).toMatch(
      /warning: 6 of the 7 traces .* returned do not match the search and were left out/,
    );
  });

  it('answers an empty search ("No traces found") with an empty list, exit 0', async () => {
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/api/v3/traces?')) sendRecorded(res, recorded('search-no-match.v3'));
      else PLAIN_404(res);
    });
    const { code, stdout } = await runCli([
      'list',
      '--jaeger',
      server.url,
      '--service',
      'nobody',
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    expect(listed(stdout)).toEqual([]);
  });

  it('uses trace-summaries where Jaeger has them: one request, no spans shipped', async () => {
    const summaries = {
      summaries: [
        {
          traceId: SLOW_ID,
          rootServiceName: 'user-service',
          rootOperationName: 'GET',
          minStartTimeUnixNano: '1795999378038000000',
          maxEndTimeUnixNano: '1795999384138000000',
          spanCount: 7,
          errorSpanCount: 4,
          services: [
            { name: 'user-service', spanCount: 5, errorSpanCount: 4 },
            { name: 'order-service', spanCount: 2 },
          ],
        },
        { traceId: '00000000000000000000000000000abc', spanCount: 3, orphanSpanCount: 3 },
      ],
    };
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/api/v3/trace-summaries?')) json(res, 200, summaries);
      else PLAIN_404(res);
    });
    const { code, stdout } = await runCli(['list', '--jaeger', server.url, '--service', 'user-service']);
    expect(code).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(stdout).toMatch(new RegExp(`${SLOW_ID} .* GET \\(user-service\\) .* 7 .* 6\\.1s .* 4`));
    expect(stdout).toMatch(/00000000000000000000000000000abc .* \[root missing\]/);
  });

  it('falls back to v1 search (µs bounds, tags as JSON) and remembers it', async () => {
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/api/traces?')) json(res, 200, ALL_V1);
      else PLAIN_404(res);
    });
    const { code, stdout } = await runCli([
      'list',
      '--jaeger',
      server.url,
      '--service',
      'order-service',
      '--tag',
      'db.system.name=postgresql',
      ...WINDOW,
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    expect(server.requests.map((r) => r.path.split('?')[0])).toEqual([
      '/api/v3/trace-summaries',
      '/api/v3/traces',
      '/api/traces',
    ]);
    expect(Object.fromEntries(query(server.requests[2]!.path))).toEqual({
      service: 'order-service',
      tags: '{"db.system.name":"postgresql"}',
      start: `${WINDOW_SECONDS[0]}000000`,
      end: `${WINDOW_SECONDS[1]}000000`,
      limit: '100',
    });
    const traces = listed(stdout);
    expect(traces.length).toBeGreaterThan(0);
    expect(traces.every((t) => t.services.includes('order-service'))).toBe(true);
  });

  it('without --service, lists the services Jaeger knows in the usage error', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/api/v3/services') json(res, 200, { services: ['user-service', 'order-service'] });
      else PLAIN_404(res);
    });
    const { code, stderr } = await runCli(['list', '--jaeger', server.url]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `otrace: Jaeger's search needs --service — services in ${server.url}: order-service, user-service\n`,
    );
  });

  it('reads the v1 services list from a v1-only Jaeger', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/api/services') json(res, 200, { data: ['frontend'], total: 1 });
      else PLAIN_404(res);
    });
    const { code, stderr } = await runCli(['list', '--jaeger', server.url]);
    expect(code).toBe(2);
    expect(stderr).toContain(`services in ${server.url}: frontend`);
  });

  it('passes on the 400 Jaeger gives for a bad search', async () => {
    const server = await serve((_req, res) =>
      json(res, 400, { error: { httpCode: 400, message: 'malformed parameter query.duration_min' } }),
    );
    const { code, stderr } = await runCli(['list', '--jaeger', server.url, '--service', 'a']);
    expect(code).toBe(3);
    expect(stderr).toMatch(/rejected the request \(400\): "malformed parameter query.duration_min"/);
  });
});

describe('list --tempo', () => {
  const ids = SCENARIOS.flatMap((s) => traceIdsOf(otlp(s)));

  it('searches with TraceQL built from the flags and fetches the hits at most four at a time', async () => {
    // No answer to a fetch leaves the server while a fetch otrace has begun is still on its way to
    // it: what the server holds at once is then what otrace runs at once, however fast or slow the
    // machine. otrace runs in this process, and undici says each request it makes as it makes it
    // (diagnostics channel undici:request:create), before any of them can reach the server.
    let begun = 0;
    let arrived = 0;
    let maxInFlight = 0;
    const held: (() => void)[] = [];
    const answerWhenAllArrived = () => {
      if (arrived < begun) return;
      for (const answer of held.splice(0)) answer();
    };
    const server = await serve((req, res) => {
      const url = req.url ?? '';
      if (url.startsWith('/api/search?')) {
        // Tempo drops leading zeros from the ids it lists.
        json(res, 200, {
          traces: ids.map((id) => ({ traceID: id.replace(/^0+/, ''), rootServiceName: 'x' })),
        });
        return;
      }
      const id = url.match(/^\/api\/v2\/traces\/([0-9a-f]{32})$/)?.[1];
      const scenario = SCENARIOS.find((s) => id !== undefined && traceIdsOf(otlp(s)).includes(id));
      if (!scenario) return PLAIN_404(res);
      arrived++;
      held.push(() => json(res, 200, { trace: otlp(scenario) }));
      maxInFlight = Math.max(maxInFlight, held.length);
      answerWhenAllArrived();
    });
    const onRequest = (message: unknown) => {
      const { origin, path } = (message as { request: { origin: string | URL; path: string } }).request;
      if (new URL(String(origin)).origin === server.url && path.startsWith('/api/v2/traces/')) begun++;
    };
    subscribe('undici:request:create', onRequest);
    let result: CliResult;
    try {
      result = await runCli([
        'list',
        '--tempo',
        server.url,
        '--service',
        'user-service',
        '--tag',
        'http.response.status_code=504',
        ...WINDOW,
        '--format',
        'json',
      ]);
    } finally {
      unsubscribe('undici:request:create', onRequest);
    }
    const { code, stdout, stderr } = result;
    expect(code).toBe(0);
    expect(stderr).toMatch(/^otrace: warning: 6 of the 7 traces .* do not match the search/);
    const search = query(server.requests[0]!.path);
    expect(search.get('q')).toBe(
      '{ resource.service.name = "user-service" && .http.response.status_code = 504 }',
    );
    expect([search.get('start'), search.get('end'), search.get('limit')]).toEqual([
      ...WINDOW_SECONDS.map(String),
      '100',
    ]);
    expect(server.requests).toHaveLength(1 + ids.length);
    // Every fetch was seen as it began: the count above is otrace's, not the server's pace.
    expect(begun).toBe(ids.length);
    // Four at once, never more: the seven hits cannot all go at once, nor one by one.
    expect(maxInFlight).toBe(4);
    expect(listed(stdout).map((t) => t.traceId)).toEqual([SLOW_ID]);
  });

  it('passes --query through as TraceQL', async () => {
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/api/search?')) json(res, 200, { traces: [{ traceID: SLOW_ID }] });
      else json(res, 200, { trace: otlp('order-service-slow') });
    });
    const { code, stdout } = await runCli([
      'list',
      '--tempo',
      server.url,
      '--query',
      '{ status = error && kind = client }',
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    expect(query(server.requests[0]!.path).get('q')).toBe('{ status = error && kind = client }');
    expect(listed(stdout).map((t) => t.traceId)).toEqual([SLOW_ID]);
  });

  it('stops fetching when one hit fails, with one line and exit 3', async () => {
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/api/search?'))
        json(res, 200, { traces: ids.map((traceID) => ({ traceID })) });
      else json(res, 500, 'boom', 'text/plain');
    });
    const { code, stderr } = await runCli(['list', '--tempo', server.url]);
    expect(code).toBe(3);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/Tempo answered 500: "boom" — the backend is failing/);
    // 500 is not retried; at most four hits were in flight, none started after the failure.
    expect(server.requests.length).toBeLessThanOrEqual(1 + 4);
  });

  it('says a search answer of the wrong shape is not Tempo', async () => {
    const server = await serve((_req, res) => json(res, 200, { traces: 'nope' }));
    const { code, stderr } = await runCli(['list', '--tempo', server.url]);
    expect(code).toBe(3);
    expect(stderr).toMatch(
      /api\/search\?.*: traces: .* — this does not look like Tempo's search answer; check the URL/,
    );
  });
});
