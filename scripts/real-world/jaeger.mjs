// Jaeger v2 (all-in-one, memory storage) on free loopback ports, never the defaults, so that
// nothing else on the machine clashes with it; and a proxy in front of it that hides api_v3, as
// an older Jaeger or a Jaeger-compatible backend would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, get, startProcess, waitFor } from './processes.mjs';

/**
 * The configuration: OTLP in on gRPC and HTTP, the memory store, jaeger-query (UI, /api/* and
 * /api/v3/*) over HTTP and gRPC, each on 127.0.0.1. Nothing else listens: the Collector's own
 * metrics are off (their default is :8888), and so is jaeger-query's tracing of itself (on by
 * default in v2, exporting to :4317). No batch processor: a span is stored before its export
 * request is answered, so what an exporter flushed can be queried at once.
 */
function config(ports) {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_query:
    storage:
      traces: memstore
    enable_tracing: false
    http:
      endpoint: 127.0.0.1:${ports.queryHttp}
    grpc:
      endpoint: 127.0.0.1:${ports.queryGrpc}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${ports.otlpGrpc}
      http:
        endpoint: 127.0.0.1:${ports.otlpHttp}
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}

/**
 * Starts Jaeger from `binary`; resolves once jaeger-query answers and the OTLP/HTTP receiver
 * takes a request. `stop()` ends it and removes its configuration folder.
 */
export async function startJaeger(binary) {
  const ports = {
    queryHttp: await freePort(),
    queryGrpc: await freePort(),
    otlpGrpc: await freePort(),
    otlpHttp: await freePort(),
  };
  const dir = mkdtempSync(join(tmpdir(), 'otrace-jaeger-'));
  const file = join(dir, 'jaeger.yaml');
  writeFileSync(file, config(ports));
  const proc = startProcess('jaeger', binary, ['--config', `file:${file}`]);
  const jaeger = {
    queryUrl: `http://127.0.0.1:${ports.queryHttp}`,
    otlpHttpUrl: `http://127.0.0.1:${ports.otlpHttp}`,
    otlpGrpcAddress: `127.0.0.1:${ports.otlpGrpc}`,
    pid: proc.child.pid,
    output: proc.output,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(
      'jaeger-query',
      async () => ((await get(`${jaeger.queryUrl}/api/v3/services`, 2000)).status === 200 ? true : undefined),
      { timeoutMs: 60_000, process: proc },
    );
    await waitFor(
      'the OTLP/HTTP receiver',
      async () => ((await post(`${jaeger.otlpHttpUrl}/v1/traces`, '{}')) === 200 ? true : undefined),
      { timeoutMs: 30_000, process: proc },
    );
  } catch (error) {
    await jaeger.stop();
    throw error;
  }
  return jaeger;
}

/** POSTs a JSON body; resolves with the status code. */
export function post(url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`POST ${url}: no answer`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A proxy on 127.0.0.1 in front of `targetUrl` that lists the paths it is asked, in order
 * (`requests`), and passes them through. `hideV3: 'plain-404'` answers every /api/v3/ path with
 * Go's plain "404 page not found", as a Jaeger-compatible backend without api_v3 does;
 * `hideV3: 'ui-page'` sends them to a path this Jaeger does not serve, so that its UI page
 * answers (200, HTML), as in a Jaeger that predates api_v3 over HTTP.
 */
export async function startProxy(targetUrl, { hideV3 } = {}) {
  const target = new URL(targetUrl);
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const v3 = req.url?.startsWith('/api/v3/');
    if (v3 && hideV3 === 'plain-404') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    const path = v3 && hideV3 === 'ui-page' ? req.url.replace('/api/v3/', '/api/no-such-api/') : req.url;
    const upstream = http.request(
      { host: target.hostname, port: target.port, path, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Waits until Jaeger holds trace `traceId` with at least `minSpans` spans and the count has not
 * changed for `settleMs` (HotROD's exporters send a batch a second); resolves with the count. It
 * asks with `raw_traces=true`: Jaeger 2.13's memory store hands its stored traces to the query
 * adjusters without copying, so every adjusted read adds its warnings to the stored spans again
 * (fixed upstream later), and a wait must not.
 */
export async function waitForTrace(queryUrl, traceId, minSpans = 1, settleMs = 1500) {
  let last = -1;
  let since = Date.now();
  return waitFor(
    `trace ${traceId} in Jaeger`,
    async () => {
      const answer = await get(`${queryUrl}/api/v3/traces/${traceId}?raw_traces=true`, 5000);
      const count = answer.status === 200 ? (answer.body.match(/"spanId"/g) ?? []).length : 0;
      if (count !== last) {
        last = count;
        since = Date.now();
      }
      return count >= minSpans && Date.now() - since >= settleMs ? count : undefined;
    },
    { timeoutMs: 30_000, everyMs: 250 },
  );
}
