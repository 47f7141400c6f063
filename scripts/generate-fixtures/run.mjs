// Regenerates fixtures/seed/ from real services instrumented with the OpenTelemetry JS SDK.
// Everything runs on 127.0.0.1: a capture server records what the OTLP/HTTP exporters send, the
// services are child processes, every wait is bounded, and nothing is left running.
//   npm run fixtures                      every scenario
//   npm run fixtures -- lost-in-callback   only the scenarios named
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenario } from '../../examples/seed/services/orchestrate.mjs';
import { toJaeger } from './to-jaeger.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const fixturesDir = join(repoRoot, 'fixtures');

/** Each scenario: how the services run, and the span names its trace(s) must contain. */
const SCENARIOS = [
  { name: 'healthy', expect: ['get_user_profile', 'get_user_data', 'get_user_orders', 'query_orders'] },
  { name: 'order-service-down', orderService: false, expect: ['get_user_profile', 'get_user_orders', 'GET'] },
  {
    name: 'order-service-slow',
    order: { ORDER_DELAY_MS: '6000' },
    settleMs: 1500,
    expect: ['get_user_profile', 'get_user_orders', 'query_orders'],
  },
  {
    name: 'retry-recovers',
    order: { FAIL_FIRST_ORDERS: '1' },
    user: { SCENARIO: 'retry' },
    expect: ['get_user_orders', 'query_orders'],
  },
  {
    name: 'db-error-fanout',
    user: { SCENARIO: 'fanout' },
    expect: [
      'get_user_profile',
      'get_user_orders',
      'get_recommendations',
      'query_orders',
      'query_recommendations',
    ],
  },
  {
    name: 'broken-propagation',
    order: { PROPAGATION: 'none' },
    expect: ['get_user_profile', 'get_user_orders', 'query_orders'],
    traces: 2,
  },
  // How context propagation breaks, and how it looks when it does not (fixtures/propagation/).
  {
    name: 'proxy-drops-headers',
    dir: 'propagation',
    proxy: 'drop',
    expect: ['get_user_orders', 'query_orders'],
    traces: 2,
  },
  {
    name: 'proxy-forwards-headers',
    dir: 'propagation',
    proxy: 'forward',
    expect: ['get_user_orders', 'query_orders'],
  },
  {
    name: 'lost-in-callback',
    dir: 'propagation',
    user: { SCENARIO: 'audit' },
    expect: ['get_user_profile', 'write_audit_log', 'query_orders'],
    traces: 2,
  },
  {
    name: 'b3-vs-w3c',
    dir: 'propagation',
    user: { PROPAGATION: 'b3' },
    expect: ['get_user_orders', 'query_orders'],
    traces: 2,
  },
  {
    name: 'linked-consumer',
    dir: 'propagation',
    user: { SCENARIO: 'publish' },
    order: { EVENTS: '1' },
    expect: ['order-events publish', 'order-events process', 'query_orders'],
    traces: 2,
  },
];

/** Headers that carry trace context, in the formats the services use. */
const CONTEXT_HEADERS = ['traceparent', 'tracestate', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled'];

/**
 * An uninstrumented reverse proxy on 127.0.0.1, as nginx is by default: it sets Host to the
 * upstream, and either forwards every header or (`drop`) strips the trace context headers.
 */
function startProxy(mode, upstreamPort) {
  const server = http.createServer((req, res) => {
    const headers = { ...req.headers, host: `127.0.0.1:${upstreamPort}` };
    if (mode === 'drop') for (const name of CONTEXT_HEADERS) delete headers[name];
    const upstream = http.request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function startCaptureServer() {
  const bodies = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, bodies, port: server.address().port }));
  });
}

/** Machine facts out: absolute paths in stack traces become repository-relative. */
function scrub(text) {
  return text.split(`${repoRoot}/`).join('').split(`file://${repoRoot}/`).join('');
}

function check(scenario, requests) {
  const spans = requests.flatMap((r) =>
    r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)),
  );
  const names = new Set(spans.map((s) => s.name));
  const missing = scenario.expect.filter((n) => !names.has(n));
  const traces = new Set(spans.map((s) => s.traceId)).size;
  if (missing.length > 0)
    throw new Error(`${scenario.name}: spans missing: ${missing.join(', ')} (got: ${[...names].join(', ')})`);
  if (traces !== (scenario.traces ?? 1))
    throw new Error(`${scenario.name}: expected ${scenario.traces ?? 1} trace(s), got ${traces}`);
  return spans.length;
}

function mergeRequests(requests) {
  return { resourceSpans: requests.flatMap((r) => r.resourceSpans) };
}

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`no such scenario: ${unknown.join(', ')}`);
  const capture = await startCaptureServer();
  try {
    for (const scenario of SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
      const outDir = join(fixturesDir, scenario.dir ?? 'seed');
      mkdirSync(outDir, { recursive: true });
      capture.bodies.length = 0;
      const exporter = { OTLP_URL: `http://127.0.0.1:${capture.port}/v1/traces` };
      const proxy = scenario.proxy ? (port) => startProxy(scenario.proxy, port) : undefined;
      const status = await runScenario(scenario, exporter, { proxy });
      const lines = capture.bodies.map(scrub);
      const requests = lines.map((l) => JSON.parse(l));
      const count = check(scenario, requests);
      const base = join(outDir, scenario.name);
      writeFileSync(`${base}.otlp.jsonl`, `${lines.join('\n')}\n`);
      writeFileSync(`${base}.otlp.json`, `${JSON.stringify(mergeRequests(requests), null, 2)}\n`);
      writeFileSync(`${base}.jaeger.json`, `${JSON.stringify(toJaeger(requests), null, 2)}\n`);
      process.stdout.write(
        `${scenario.name}: HTTP ${status}, ${count} spans in ${lines.length} export request(s) → ${relative(repoRoot, base)}.*\n`,
      );
    }
  } finally {
    capture.server.close();
  }
}

main().catch((error) => {
  console.error(`fixtures: ${error.message}`);
  process.exitCode = 1;
});
