import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ListDocumentSchema } from '../../src/render/contracts/list.js';
import { ShowDocumentSchema } from '../../src/render/contracts/show.js';
import { json, useFakeBackend } from '../helpers/fake-backend.js';
import { RECORDED, recorded, sendRecorded } from '../helpers/recorded-jaeger.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * `show --jaeger/--tempo` against real HTTP servers on 127.0.0.1 speaking Jaeger api_v3, a
 * v1-only Jaeger (its v3 routes 404, as older and third-party backends do) and Tempo, serving
 * our real-SDK fixtures, with each failure a user meets injected.
 */
// The order-service-slow scenario as the real Jaeger v2 answered it (fixtures/jaeger-v2/).
const TRACE_ID = RECORDED.traces.seed['order-service-slow']![0]!;
const V3_FOUND = recorded('order-service-slow.v3');
const JAEGER_V1 = recorded('order-service-slow.v1').body;
// Tempo's v2 API wraps the same OTLP as {"trace": …}.
const OTLP = (JSON.parse(V3_FOUND.body) as { result: unknown }).result;
// What the real Jaeger answers for a trace it does not have (fixtures/jaeger-v2/).
const V3_NOT_FOUND = recorded('trace-not-found.v3');
const V1_NOT_FOUND = recorded('trace-not-found.v1');

const serve = useFakeBackend();

const jaegerV3 = (req: IncomingMessage, res: ServerResponse) => {
  if (req.url === `/api/v3/traces/${TRACE_ID}`) sendRecorded(res, V3_FOUND);
  else sendRecorded(res, V3_NOT_FOUND);
};

const jaegerV1Only = (req: IncomingMessage, res: ServerResponse) => {
  if (req.url?.startsWith('/api/v3/')) json(res, 404, '404 page not found\n', 'text/plain');
  else if (req.url === `/api/traces/${TRACE_ID}`) json(res, 200, JAEGER_V1);
  else sendRecorded(res, V1_NOT_FOUND);
};

describe('show --jaeger / --tempo', () => {
  it('fetches through Jaeger api_v3 and shows the same tree as the file', async () => {
    const server = await serve(jaegerV3);
    const { code, stdout, stderr } = await runCli([
      'show',
      TRACE_ID,
      '--jaeger',
      server.url,
      '--format',
      'json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const doc = ShowDocumentSchema.parse(JSON.parse(stdout));
    expect(doc.traceId).toBe(TRACE_ID);
    expect(doc.spans.filter((s) => s.markers.includes('slow-behind-timeout')).map((s) => s.name)).toEqual([
      'query_orders',
    ]);
    expect(server.requests.map((r) => r.path)).toEqual([`/api/v3/traces/${TRACE_ID}`]);
  });

  it('falls back to v1 when api_v3 is not there, under a base path, with the id in upper case', async () => {
    const server = await serve((req, res) => {
      req.url = req.url?.replace(/^\/jaeger/, '');
      jaegerV1Only(req, res);
    });
    const { code, stdout } = await runCli([
      'show',
      TRACE_ID.toUpperCase(),
      '--jaeger',
      `${server.url}/jaeger/`,
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain('query_orders (order-service)');
    expect(server.requests.map((r) => r.path)).toEqual([
      `/jaeger/api/v3/traces/${TRACE_ID}`,
      `/jaeger/api/traces/${TRACE_ID}`,
    ]);
  });

  it('reads the URL from OTRACE_JAEGER_URL and sends OTRACE_TOKEN as a bearer token', async () => {
    const server = await serve(jaegerV3);
    const { code } = await runCli(['show', TRACE_ID], {
      env: { OTRACE_JAEGER_URL: server.url, OTRACE_TOKEN: 's3cret' },
    });
    expect(code).toBe(1);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer s3cret');
  });

  it('fetches from Tempo (v2 API)', async () => {
    const server = await serve((req, res) => {
      if (req.url === `/api/v2/traces/${TRACE_ID}`) json(res, 200, { trace: OTLP });
      else json(res, 404, 'trace not found', 'text/plain');
    });
    const { code, stdout } = await runCli(['show', TRACE_ID, '--tempo', server.url]);
    expect(code).toBe(1);
    expect(stdout).toContain('get_user_orders (user-service)');
  });

  it('says which API did not find the trace and suggests --wait (exit 3)', async () => {
    const server = await serve(jaegerV3);
    const { code, stderr } = await runCli(['show', 'abc123', '--jaeger', server.url]);
    expect(code).toBe(3);
    expect(stderr).toBe(
      `otrace: trace 00000000000000000000000000abc123 not found: Jaeger api/v3 answered 404 (${server.url}/api/v3/traces/00000000000000000000000000abc123) — check the id, or pass --wait 30s if the spans may still be on their way\n`,
    );
  });

  it('--wait polls until the trace appears and stops growing', async () => {
    const server = await serve((req, res, count) => {
      if (count === 1) sendRecorded(res, V3_NOT_FOUND);
      else jaegerV3(req, res);
    });
    // What ends the wait is the answers (three polls, a second apart); --wait is only a bound that
    // no stall of the machine can reach before the test's own timeout does.
    const { code, stdout, stderr } = await runCli([
      'show',
      TRACE_ID,
      '--jaeger',
      server.url,
      '--wait',
      '10m',
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain('query_orders');
    expect(stderr).not.toContain('--wait ran out');
    // not found, found (7 spans), found again (still 7): done.
    expect(server.requests).toHaveLength(3);
  });

  it('retries 503 and honours Retry-After, then succeeds', async () => {
    const server = await serve((req, res, count) => {
      if (count === 1) res.writeHead(503, { 'retry-after': '0' }).end('busy');
      else jaegerV3(req, res);
    });
    const { code } = await runCli(['show', TRACE_ID, '--jaeger', server.url]);
    expect(code).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up on a 5xx after three attempts with one line', async () => {
    const server = await serve((_req, res) => res.writeHead(502, { 'retry-after': '0' }).end('bad gateway'));
    const { code, stderr } = await runCli(['show', TRACE_ID, '--jaeger', server.url]);
    expect(code).toBe(3);
    expect(server.requests).toHaveLength(3);
    expect(stderr).toBe(
      `otrace: ${server.url}/api/v3/traces/${TRACE_ID}: Jaeger api/v3 answered 502 after 3 attempts: "bad gateway" — the backend is failing; try again later\n`,
    );
  });

  it('never retries a 4xx, and tells a 401 to bring credentials without printing any', async () => {
    const server = await serve((_req, res) => json(res, 401, { error: { message: 'unauthorized' } }));
    const { code, stderr } = await runCli([
      'show',
      TRACE_ID,
      '--jaeger',
      server.url.replace('http://', 'http://alice:hunter2@'),
      '--header',
      'X-Api-Key: k3y',
    ]);
    expect(code).toBe(3);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('alice:hunter2').toString('base64')}`,
    );
    expect(server.requests[0]!.headers['x-api-key']).toBe('k3y');
    expect(stderr).toContain('answered 401 (not authenticated) — pass credentials');
    expect(stderr).not.toMatch(/hunter2|alice|k3y/);
  });

  it('a --header without a colon is refused without showing any of it (it may be a token)', async () => {
    const { code, stderr } = await runCli([
      'show',
      TRACE_ID,
      '--jaeger',
      'http://127.0.0.1:9',
      '--header',
      'Bearer s3cr3t-t0ken',
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe("otrace: --header (19 characters): no colon — write it as 'Name: value'\n");
    const named = await runCli([
      'show',
      TRACE_ID,
      '--jaeger',
      'http://127.0.0.1:9',
      '--header',
      'X Key: s3cr3t',
    ]);
    expect(named.stderr).toBe('otrace: --header "X Key": not a header name — write it as \'Name: value\'\n');
  });

  it('never shows credentials: not from a malformed URL, nor from an error answer that echoes them', async () => {
    for (const url of ['http://alice:hunter2@ho st:1', 'alice:hunter2@localhost:16686']) {
      const { code, stderr } = await runCli(['show', TRACE_ID, '--jaeger', url]);
      expect(code).toBe(3);
      expect(stderr).not.toMatch(/hunter2|alice/);
    }
    // A proxy that echoes the request's headers in its error page.
    const server = await serve((req, res) =>
      json(res, 400, {
        data: null,
        errors: [{ code: 400, msg: `bad request: ${JSON.stringify(req.headers)}` }],
      }),
    );
    const { code, stderr } = await runCli(
      ['show', TRACE_ID, '--jaeger', server.url, '--header', 'X-Api-Key: k3y-s3cr3t'],
      {
        env: { OTRACE_TOKEN: 't0ken-s3cr3t' },
      },
    );
    expect(code).toBe(3);
    expect(stderr).toContain('[redacted]');
    expect(stderr).not.toMatch(/k3y-s3cr3t|t0ken-s3cr3t/);
  });

  it("passes on Jaeger's own message for a 400", async () => {
    const server = await serve((_req, res) =>
      json(res, 400, { data: null, errors: [{ code: 400, msg: 'malformed trace id' }] }),
    );
    const { code, stderr } = await runCli(['show', TRACE_ID, '--jaeger', server.url]);
    expect(code).toBe(3);
    expect(stderr).toContain('rejected the request (400): "malformed trace id"');
  });

  it('recognises an HTML page (the UI or a login proxy) instead of JSON', async () => {
    const server = await serve((_req, res) =>
      json(res, 200, '<!doctype html><title>Sign in</title>', 'text/html'),
    );
    const { code, stderr } = await runCli(['show', TRACE_ID, '--tempo', server.url]);
    expect(code).toBe(3);
    expect(stderr).toContain('answered 200 with an HTML page, not JSON');
  });

  it('reports a body cut short', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
      // Closed once the headers and the start of the body have left: the client has them, then EOF.
      res.write('{"result": {"resourceSpans": [', () => res.socket?.destroy());
    });
    const { code, stderr } = await runCli(['show', TRACE_ID, '--jaeger', server.url]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/closed before the response was complete|not valid JSON/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names the URL and the default port when the connection is refused', async () => {
    // Port 1: no test can be listening there (they all take a free port from the ephemeral range),
    // unlike a port just released, which a test running beside this one may be given meanwhile.
    const url = 'http://127.0.0.1:1';
    const { code, stderr } = await runCli(['show', TRACE_ID, '--jaeger', url]);
    expect(code).toBe(3);
    expect(stderr).toBe(
      `otrace: ${url}/api/v3/traces/${TRACE_ID}: connection refused — is the backend running and is the URL right? --jaeger (or OTRACE_JAEGER_URL) takes the base URL of jaeger-query, which listens on port 16686 by default\n`,
    );
  });

  it('times out a backend that does not answer', async () => {
    const server = await serve(() => {
      // never answers
    });
    const { code, stderr } = await runCli([
      'show',
      TRACE_ID,
      '--jaeger',
      server.url,
      '--request-timeout',
      '300ms',
    ]);
    expect(code).toBe(3);
    expect(stderr).toBe(
      `otrace: ${server.url}/api/v3/traces/${TRACE_ID}: no complete answer within 300 ms (--request-timeout) — raise --request-timeout, or check the backend is healthy\n`,
    );
  });

  it('warns when Jaeger truncated the trace at its span limit', async () => {
    const doc = JSON.parse(JAEGER_V1) as { data: { spans: unknown[]; warnings: string[] | null }[] };
    doc.data[0]!.spans = doc.data[0]!.spans.slice(0, 5);
    doc.data[0]!.warnings = ['trace has more than 5 spans, showing first 5'];
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/api/v3/')) json(res, 404, '404 page not found\n', 'text/plain');
      else json(res, 200, doc);
    });
    const text = await runCli(['show', TRACE_ID, '--jaeger', server.url]);
    expect(text.stdout).toContain(
      'the backend truncated this trace: trace has more than 5 spans, showing first 5',
    );
    const asJson = await runCli(['show', TRACE_ID, '--jaeger', server.url, '--format', 'json']);
    const findings = ShowDocumentSchema.parse(JSON.parse(asJson.stdout)).findings;
    expect(findings.filter((f) => f.kind === 'truncated-trace')).toHaveLength(1);
  });

  it('refuses a file and a backend together, and a missing id, as usage errors', async () => {
    const both = await runCli(['show', '-f', 'x.json', '--jaeger', 'http://127.0.0.1:1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('otrace: -f and --jaeger together: pick one source\n');
    const noId = await runCli(['show', '--jaeger', 'http://127.0.0.1:1']);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('a trace id is needed to fetch from http://127.0.0.1:1');
  });
});

const REAL = new URL('../../../shared/fixtures-real/jaeger/', import.meta.url);
const realPresent = (() => {
  try {
    readFileSync(
      new URL(
        'jaegertracing__jaeger__cmd__jaeger__internal__extension__jaegerquery__internal__apiv3__snapshots__GetTrace.json',
        REAL,
      ),
    );
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!realPresent)('recorded Jaeger responses (skipped: ../shared/fixtures-real absent)', () => {
  const recorded = (name: string) => readFileSync(new URL(name, REAL), 'utf8');

  it('serves the recorded api_v3 GetTrace answer', async () => {
    const body = recorded(
      'jaegertracing__jaeger__cmd__jaeger__internal__extension__jaegerquery__internal__apiv3__snapshots__GetTrace.json',
    );
    const server = await serve((_req, res) => json(res, 200, body));
    const { code, stdout } = await runCli(['show', '1', '--jaeger', server.url]);
    expect(code).toBe(1);
    expect(stdout).toContain('foobar (unknown_service)');
  });

  it('serves the recorded v1 answer from a v1-only backend', async () => {
    const body = recorded(
      'jaegertracing__jaeger__cmd__jaeger__internal__extension__jaegerquery__internal__fixture__otlp2jaeger-out.json',
    );
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/api/v3/')) json(res, 404, '404 page not found\n', 'text/plain');
      else json(res, 200, body);
    });
    const { code, stdout } = await runCli([
      'show',
      '83a9efd15c1c98a977e0711cc93ee28b',
      '--jaeger',
      server.url,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('okey-dokey-0 (telemetrygen)');
  });

  it('lists the recorded api_v3 FindTraceSummaries answer', async () => {
    const body = recorded(
      'jaegertracing__jaeger__cmd__jaeger__internal__extension__jaegerquery__internal__apiv3__snapshots__FindTraceSummaries.json',
    );
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/api/v3/trace-summaries?')) json(res, 200, body);
      else json(res, 404, '404 page not found\n', 'text/plain');
    });
    const { code, stdout } = await runCli([
      'list',
      '--jaeger',
      server.url,
      '--service',
      'frontend',
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    expect(ListDocumentSchema.parse(JSON.parse(stdout)).traces).toEqual([
      {
        traceId: '00000000000000000000000000000001',
        startTime: '1970-01-01T00:16:40.000Z',
        durationMs: 1000,
        spanCount: 2,
        errorCount: 1,
        rootService: 'frontend',
        rootName: 'HTTP GET /',
        rootMissing: false,
        services: ['frontend'],
      },
    ]);
  });
});

// Tempo is AGPL-licensed and not built here: its tests serve what Tempo answers, from Tempo's own
// test data (in ../shared/fixtures-real/, not copied into the project).
const TEMPO_ANSWER = new URL(
  '../../../shared/fixtures-real/otlp/grafana__tempo__modules__generator__processor__servicegraphs__testdata__trace-with-failed-requests.json',
  import.meta.url,
);
const tempoPresent = (() => {
  try {
    readFileSync(TEMPO_ANSWER);
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!tempoPresent)("Tempo's recorded answer (skipped: ../shared/fixtures-real absent)", () => {
  it('show --tempo: /api/v2/traces 404, then /api/traces/{id} with base64 ids and enum names', async () => {
    const id = 'e8b6dff9f8d44b28f1b22bc3bd2f6768';
    const server = await serve((req, res) => {
      if (req.url === `/api/traces/${id}`) json(res, 200, readFileSync(TEMPO_ANSWER, 'utf8'));
      else json(res, 404, 'trace not found', 'text/plain');
    });
    const { code, stdout } = await runCli(['show', id, '--tempo', server.url, '--format', 'json']);
    expect(code).toBe(1);
    const doc = ShowDocumentSchema.parse(JSON.parse(stdout));
    expect(doc).toMatchObject({
      traceId: id,
      spanCount: 15,
      services: ['mythical-requester', 'mythical-server'],
    });
    expect(server.requests.map((r) => r.path)).toEqual([`/api/v2/traces/${id}`, `/api/traces/${id}`]);
  });
});
