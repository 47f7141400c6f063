// Regenerates fixtures/seed/ from real services instrumented with the OpenTelemetry JS SDK.
// Everything runs on 127.0.0.1: a capture server records what the OTLP/HTTP exporters send, the
// services are child processes, every wait is bounded, and nothing is left running.
//   npm run fixtures                      every scenario
//   npm run fixtures -- lost-in-callback   only the scenarios named
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const withTimeout = (promise, ms, what) =>
  Promise.race([
    promise,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);

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

function startService(file, env) {
  const child = fork(join(here, 'services', file), [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const listening = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${file} exited early (${code})`)));
    child.on('message', (m) => m.type === 'listening' && resolve(m));
  });
  return { child, listening: withTimeout(listening, 10_000, `${file} start`) };
}

async function stopService(service) {
  if (service.child.exitCode !== null) return;
  const flushed = new Promise((resolve) =>
    service.child.on('message', (m) => m.type === 'flushed' && resolve()),
  );
  service.child.send({ type: 'flush' });
  await withTimeout(flushed, 10_000, 'flush');
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  await withTimeout(exited, 5_000, 'stop');
}

/** A port nothing listens on: bound, then released. */
function freePort() {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function request(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
      .on('error', reject);
  });
}

/** Machine facts out: absolute paths in stack traces become repository-relative. */
function scrub(text) {
  return text.split(`${repoRoot}/`).join('').split(`file://${repoRoot}/`).join('');
}

async function runScenario(capture, scenario) {
  capture.bodies.length = 0;
  const otlp = { OTLP_URL: `http://127.0.0.1:${capture.port}/v1/traces` };
  const services = [];
  let orderUrl = `http://127.0.0.1:${await freePort()}`;
  let eventsPort = '';
  let proxy;
  try {
    if (scenario.orderService !== false) {
      const order = startService('order-service.cjs', {
        ...otlp,
        SERVICE_NAME: 'order-service',
        ...scenario.order,
      });
      services.push(order);
      const listening = await order.listening;
      orderUrl = `http://127.0.0.1:${listening.port}`;
      eventsPort = String(listening.eventsPort ?? '');
      if (scenario.proxy) {
        proxy = await startProxy(scenario.proxy, listening.port);
        orderUrl = `http://127.0.0.1:${proxy.address().port}`;
      }
    }
    const user = startService('user-service.cjs', {
      ...otlp,
      SERVICE_NAME: 'user-service',
      ORDER_URL: orderUrl,
      EVENTS_PORT: eventsPort,
      ...scenario.user,
    });
    services.unshift(user);
    const userPort = (await user.listening).port;
    const status = await withTimeout(
      request(`http://127.0.0.1:${userPort}/users/42/profile`),
      20_000,
      'request',
    );
    // Let work that outlives the response finish and end its spans: the slow order-service, and the
    // orders branch of the fan-out, still running when the failing branch already failed the request.
    await new Promise((resolve) => setTimeout(resolve, scenario.settleMs ?? 300));
    for (const service of services) await stopService(service);
    return status;
  } finally {
    for (const { child } of services) if (child.exitCode === null) child.kill('SIGKILL');
    proxy?.close();
  }
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
      const status = await runScenario(capture, scenario);
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
