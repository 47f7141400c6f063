// Regenerates fixtures/zipkin/: Zipkin v2 JSON written by the real libraries that write it.
// Everything runs on 127.0.0.1 with ephemeral ports. A capture server stands in for Zipkin's
// collector (POST /api/v2/spans) and keeps what it is sent; then:
//   A  OpenTelemetry JS: user-service and order-service, each its own process with its own tracer
//      provider, the HTTP instrumentation and the Zipkin exporter. GET /users/1 on user-service calls
//      GET /orders?user=1 on order-service (200); then order-service is stopped and the same request
//      fails with ECONNREFUSED.
//   B  zipkin-js: frontend serves GET /checkout and calls inventory-service's GET /stock?item=1;
//      the server joins the client's span (one span id, the server side "shared": true).
// The spans are grouped by trace and written as Zipkin's query API answers (trace, traces, services).
// Every wait is bounded and everything started is stopped, also on failure.
//   node scripts/generate-fixtures/zipkin.mjs
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request, stopService, withTimeout } from '../../examples/seed/services/orchestrate.mjs';

const self = fileURLToPath(import.meta.url);
const repoRoot = join(dirname(self), '..', '..');
const outDir = join(repoRoot, 'fixtures', 'zipkin');
const require = createRequire(import.meta.url);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Scenario A's services: this file forked with `--service NAME`. Environment:
//   ZIPKIN_URL  where the Zipkin exporter posts (the capture server)
//   ORDER_URL   order-service's base URL (user-service only)

async function runService(serviceName) {
  const { context } = await import('@opentelemetry/api');
  const { RPCType, getRPCMetadata } = await import('@opentelemetry/core');
  const { ZipkinExporter } = await import('@opentelemetry/exporter-zipkin');
  const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': '1.0.0' }),
    spanProcessors: [
      new BatchSpanProcessor(new ZipkinExporter({ url: process.env.ZIPKIN_URL }), {
        scheduledDelayMillis: 100,
      }),
    ],
  });
  provider.register();
  registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
  // Required (not imported) after the instrumentation is registered, so that it is patched.
  const traced = require('node:http');

  /** What a web framework does: name the server span after the route (e.g. "GET /users/:id"). */
  const setRoute = (route) => {
    const rpc = getRPCMetadata(context.active());
    if (rpc?.type === RPCType.HTTP) rpc.route = route;
  };

  /** GET on order-service, resolving with the parsed body; a fresh connection each time. */
  const getJson = (url) =>
    new Promise((resolve, reject) => {
      const req = traced.get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(body))
            : reject(new Error(`order-service answered ${res.statusCode}`)),
        );
      });
      req.setTimeout(5000, () => req.destroy(new Error('order-service did not answer within 5000 ms')));
      req.on('error', reject);
    });

  const send = (res, status, body) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const handlers = {
    'user-service': async (url, res) => {
      const match = /^\/users\/(\d+)$/.exec(url.pathname);
      if (!match) return send(res, 404, { error: 'not found' });
      setRoute('/users/:id');
      try {
        const orders = await getJson(`${process.env.ORDER_URL}/orders?user=${match[1]}`);
        send(res, 200, { id: Number(match[1]), name: 'Ada', orders });
      } catch (error) {
        send(res, 502, { error: error.message });
      }
    },
    'order-service': async (url, res) => {
      if (url.pathname !== '/orders') return send(res, 404, { error: 'not found' });
      setRoute('/orders');
      await sleep(20);
      send(res, 200, [{ id: 7, user: Number(url.searchParams.get('user')), total: 42 }]);
    },
  };
  const handle = handlers[serviceName];
  if (!handle) throw new Error(`no such service: ${serviceName}`);

  const server = traced.createServer((req, res) => {
    handle(new URL(req.url, 'http://127.0.0.1'), res).catch((error) =>
      send(res, 500, { error: error.message }),
    );
  });
  server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
  // The orchestrator's stopService(): export everything, say so, then it sends SIGTERM.
  process.on('message', async (message) => {
    if (message.type !== 'flush') return;
    await provider.shutdown();
    process.send({ type: 'flushed' });
  });
}

function startService(name, env) {
  const child = fork(self, ['--service', name], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const listening = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${name} exited early (${code})`)));
    child.on('message', (m) => m.type === 'listening' && resolve(m.port));
  });
  return { child, listening: withTimeout(listening, 10_000, `${name} start`) };
}

// ---------------------------------------------------------------------------------------------
// The stand-in collector.

function startCapture() {
  const spans = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/v2/spans') return res.writeHead(404).end();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (!Array.isArray(body)) throw new Error('not an array');
        spans.push(...body);
        res.writeHead(202).end();
      } catch (error) {
        res.writeHead(400).end(error.message);
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, spans, port: server.address().port }));
  });
}

/** Waits, bounded, until `spans` holds at least `count`. */
async function waitForSpans(spans, count, what, ms = 5000) {
  const deadline = Date.now() + ms;
  while (spans.length < count) {
    if (Date.now() > deadline)
      throw new Error(`${what}: ${spans.length} of ${count} spans arrived within ${ms} ms`);
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------
// Scenario A: OpenTelemetry JS + Zipkin exporter, two processes.

async function scenarioA(zipkinUrl, cleanups) {
  const order = startService('order-service', { ZIPKIN_URL: zipkinUrl });
  cleanups.push(() => order.child.exitCode === null && order.child.kill('SIGKILL'));
  const orderPort = await order.listening;
  const user = startService('user-service', {
    ZIPKIN_URL: zipkinUrl,
    ORDER_URL: `http://127.0.0.1:${orderPort}`,
  });
  cleanups.push(() => user.child.exitCode === null && user.child.kill('SIGKILL'));
  const userPort = await user.listening;

  const url = `http://127.0.0.1:${userPort}/users/1`;
  const healthy = await withTimeout(request(url), 10_000, 'GET /users/1');
  if (healthy !== 200) throw new Error(`GET /users/1 answered ${healthy}, expected 200`);
  // order-service goes away (its spans exported first): its port now refuses connections.
  await stopService(order);
  const refused = await withTimeout(request(url), 10_000, 'GET /users/1 (order-service down)');
  if (refused !== 502)
    throw new Error(`GET /users/1 with order-service down answered ${refused}, expected 502`);
  await stopService(user);
}

// ---------------------------------------------------------------------------------------------
// Scenario B: zipkin-js, in this process: each service its own tracer, recorder and HTTP transport.

function zipkinService(zipkin, HttpLogger, serviceName, zipkinUrl, errors) {
  const logger = new HttpLogger({
    endpoint: zipkinUrl,
    jsonEncoder: zipkin.jsonEncoder.JSON_V2,
    httpInterval: 100,
  });
  logger.on('error', (error) => errors.push(error));
  const recorder = new zipkin.BatchRecorder({ logger });
  const tracer = new zipkin.Tracer({
    ctxImpl: new zipkin.ExplicitContext(),
    recorder,
    localServiceName: serviceName,
  });
  return { tracer, recorder, logger };
}

/** GET with `headers`, resolving with the status code once the body is read; 5 s at most. */
function getStatus(url, headers) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`${url}: no answer within 5000 ms`)));
    req.on('error', reject);
  });
}

async function scenarioB(zipkinUrl, capture, cleanups) {
  const zipkin = require('zipkin');
  const HttpLogger = require('zipkin-transport-http').HttpLogger;
  const errors = [];
  const frontend = zipkinService(zipkin, HttpLogger, 'frontend', zipkinUrl, errors);
  const inventory = zipkinService(zipkin, HttpLogger, 'inventory-service', zipkinUrl, errors);

  const inventoryServer = http.createServer();
  const frontendServer = http.createServer();
  cleanups.push(
    () => inventoryServer.close(),
    () => frontendServer.close(),
  );
  const listen = (server) =>
    withTimeout(
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server.address().port));
      }),
      5000,
      'listen',
    );
  const inventoryPort = await listen(inventoryServer);
  const frontendPort = await listen(frontendServer);

  // inventory-service: reads the B3 headers; with supportsJoin (the default) it joins the span.
  const inventoryInstr = new zipkin.Instrumentation.HttpServer({
    tracer: inventory.tracer,
    host: '127.0.0.1',
    port: inventoryPort,
  });
  inventoryServer.on('request', (req, res) => {
    const id = inventoryInstr.recordRequest(
      req.method,
      `http://127.0.0.1:${inventoryPort}${req.url}`,
      (name) => {
        const value = req.headers[name.toLowerCase()];
        return value === undefined ? zipkin.option.None : new zipkin.option.Some(value);
      },
    );
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"item":1,"stock":3}');
      inventoryInstr.recordResponse(id, 200);
    }, 15);
  });

  // frontend: its own server span, and a client span around the call to inventory-service.
  const frontendInstr = new zipkin.Instrumentation.HttpServer({
    tracer: frontend.tracer,
    host: '127.0.0.1',
    port: frontendPort,
  });
  const clientInstr = new zipkin.Instrumentation.HttpClient({
    tracer: frontend.tracer,
    remoteServiceName: 'inventory-service',
  });
  frontendServer.on('request', async (req, res) => {
    const serverId = frontendInstr.recordRequest(
      req.method,
      `http://127.0.0.1:${frontendPort}${req.url}`,
      (name) => {
        const value = req.headers[name.toLowerCase()];
        return value === undefined ? zipkin.option.None : new zipkin.option.Some(value);
      },
    );
    const stockUrl = `http://127.0.0.1:${inventoryPort}/stock?item=1`;
    // As zipkin-instrumentation-fetch does: the client span is a child of the id in scope.
    const { headers, clientId } = frontend.tracer.letId(serverId, () => {
      const { headers } = clientInstr.recordRequest({ headers: {} }, stockUrl, 'GET');
      return { headers, clientId: frontend.tracer.id };
    });
    let status = 200;
    try {
      const answer = await getStatus(stockUrl, headers);
      clientInstr.recordResponse(clientId, answer);
    } catch (error) {
      clientInstr.recordError(clientId, error);
      status = 502;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
    frontendInstr.recordResponse(serverId, status);
  });

  const status = await withTimeout(
    request(`http://127.0.0.1:${frontendPort}/checkout`),
    10_000,
    'GET /checkout',
  );
  if (status !== 200) throw new Error(`GET /checkout answered ${status}, expected 200`);
  for (const service of [frontend, inventory]) {
    service.recorder.flush();
    service.logger.processQueue(service.logger.fetchImplementation);
  }
  await waitForSpans(capture.spans, 3, 'zipkin-js');
  if (errors.length > 0) throw new Error(`zipkin-js transport: ${errors[0].message}`);
}

// ---------------------------------------------------------------------------------------------
// Zipkin's query API answers, and checks that the fixtures show what they are for.

/** How deep a span sits in its trace (a shared SERVER span sits beside its CLIENT span). */
function depths(spans) {
  const byId = new Map(spans.filter((s) => !s.shared).map((s) => [s.id, s]));
  const depth = (span, seen = new Set()) => {
    const parent = byId.get(span.parentId);
    if (!parent || seen.has(parent.id)) return 0;
    seen.add(parent.id);
    return depth(parent, seen) + 1;
  };
  return new Map(spans.map((s) => [s, depth(s)]));
}

/** Timestamp, then parent before child (times are often in whole milliseconds), then id and kind. */
function sortSpans(spans) {
  const depth = depths(spans);
  return spans.sort(
    (a, b) =>
      (a.timestamp ?? 0) - (b.timestamp ?? 0) ||
      depth.get(a) - depth.get(b) ||
      String(a.id).localeCompare(String(b.id)) ||
      String(a.kind ?? '').localeCompare(String(b.kind ?? '')),
  );
}

function groupTraces(spans) {
  const traces = new Map();
  for (const span of spans) {
    if (!traces.has(span.traceId)) traces.set(span.traceId, []);
    traces.get(span.traceId).push(span);
  }
  return [...traces.values()]
    .map(sortSpans)
    .sort(
      (a, b) => (a[0].timestamp ?? 0) - (b[0].timestamp ?? 0) || a[0].traceId.localeCompare(b[0].traceId),
    );
}

const hasError = (trace) => trace.some((s) => s.tags && 'error' in s.tags);

function checkA(traces) {
  if (traces.length !== 2) throw new Error(`OpenTelemetry: expected 2 traces, got ${traces.length}`);
  const [healthy, refused] = traces;
  const services = (t) => [...new Set(t.map((s) => s.localEndpoint?.serviceName))].sort().join(',');
  if (healthy.length !== 3 || services(healthy) !== 'order-service,user-service' || hasError(healthy))
    throw new Error(
      `OpenTelemetry: healthy trace unexpected (${healthy.length} spans of ${services(healthy)})`,
    );
  const client = refused.find((s) => s.kind === 'CLIENT');
  if (refused.length !== 2 || !client?.tags?.error?.includes('ECONNREFUSED'))
    throw new Error('OpenTelemetry: refused trace has no CLIENT span with an ECONNREFUSED error tag');
  return { healthy, refused };
}

function checkB(traces) {
  if (traces.length !== 1) throw new Error(`zipkin-js: expected 1 trace, got ${traces.length}`);
  const [trace] = traces;
  const root = trace.find((s) => s.kind === 'SERVER' && !s.parentId);
  const client = trace.find((s) => s.kind === 'CLIENT' && s.parentId === root?.id);
  const server = trace.find((s) => s.kind === 'SERVER' && s.shared === true && s.id === client?.id);
  const complete = trace.every((s) => s.timestamp > 0 && s.duration > 0);
  if (trace.length !== 3 || !root || !client || !server || !complete)
    throw new Error(
      'zipkin-js: expected a root SERVER span, its CLIENT span and a shared SERVER span with the same id',
    );
  return trace;
}

function write(name, value) {
  const file = join(outDir, name);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return relative(repoRoot, file);
}

async function main() {
  const capture = await startCapture();
  const cleanups = [];
  try {
    const zipkinUrl = `http://127.0.0.1:${capture.port}/api/v2/spans`;
    await scenarioA(zipkinUrl, cleanups);
    const { healthy, refused } = checkA(groupTraces(capture.spans.splice(0)));
    await scenarioB(zipkinUrl, capture, cleanups);
    const shared = checkB(groupTraces(capture.spans.splice(0)));

    const all = [...healthy, ...refused, ...shared];
    const services = [...new Set(all.map((s) => s.localEndpoint?.serviceName).filter(Boolean))].sort();
    mkdirSync(outDir, { recursive: true });
    const written = [
      write('otel-user-order.zipkin.json', healthy),
      write('otel-order-refused.zipkin.json', refused),
      write('zipkin-js-shared.zipkin.json', shared),
      write('traces-search.zipkin.json', [healthy, refused]),
      write('services.zipkin.json', services),
    ];
    process.stdout.write(`zipkin fixtures: ${all.length} spans in 3 traces → ${written.join(', ')}\n`);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        cleanup();
      } catch {}
    }
    capture.server.closeAllConnections();
    capture.server.close();
  }
}

if (process.argv[2] === '--service') {
  runService(process.argv[3]).catch((error) => {
    console.error(`${process.argv[3]}: ${error.message}`);
    process.exit(1);
  });
} else {
  main()
    .catch((error) => {
      console.error(`zipkin fixtures: ${String(error.message).split('\n')[0]}`);
      process.exitCode = 1;
    })
    .finally(() => {
      // Nothing should be left running; if something is, do not wait on it.
      setTimeout(() => process.exit(), 2000).unref();
    });
}
