// Writes a synthetic Collector file-exporter export (OTLP JSON Lines) of about `spans` spans:
// requests through five services, batched per service the way the Collector writes them (one
// trace's spans spread over several lines), with realistic attributes, some failures and
// exception events with stack traces. Deterministic: the same arguments give the same bytes.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** Bumped whenever the output changes, so that cached exports are written anew. */
export const EXPORT_VERSION = 3;

const SERVICES = ['frontend', 'user-service', 'order-service', 'payment', 'inventory'];
const SPANS_PER_TRACE = 4 * 5;
const TRACES_PER_LINE_GROUP = 25;

function rng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const hex = (random, chars) => {
  let out = '';
  for (let i = 0; i < chars; i++) out += Math.floor(random() * 16).toString(16);
  return out;
};
const str = (key, value) => ({ key, value: { stringValue: value } });
const int = (key, value) => ({ key, value: { intValue: String(value) } });

const STACK = Array.from(
  { length: 8 },
  (_, i) => `    at handler${i} (/app/node_modules/framework/lib/router/layer${i}.js:${95 + i}:5)`,
).join('\n');

function resourceOf(service) {
  return {
    attributes: [
      str('service.name', service),
      str('service.version', '1.4.2'),
      str('service.namespace', 'shop'),
      str('deployment.environment.name', 'production'),
      str('telemetry.sdk.language', 'nodejs'),
      str('telemetry.sdk.name', 'opentelemetry'),
      str('telemetry.sdk.version', '2.12.0'),
      str('host.name', `${service}-7d9f8b6c4-x2k9p`),
      str('k8s.pod.name', `${service}-7d9f8b6c4-x2k9p`),
      str('k8s.namespace.name', 'shop'),
      int('process.pid', 1),
    ],
  };
}

/**
 * One request through the five services, four spans each, every child inside its parent:
 *
 *   SERVER GET /api/… (frontend)
 *   └─ handle (INTERNAL)
 *      ├─ pg.query (CLIENT, db.system.name=postgresql)   no SERVER child: a database
 *      └─ GET → next service (CLIENT)
 *         └─ SERVER … (next service) …                   the last service calls an external API
 *
 * A failing request fails at the last service's handler and every span above it. A split
 * request (`split`) has its callee's part, from user-service's call to order-service down, in a
 * trace of its own: a root SERVER span whose caller did not pass the context on.
 */
function makeTrace(random, startNs, { failing, split }) {
  const traceId = hex(random, 32);
  const splitId = hex(random, 32);
  const spans = [];
  let parent;
  let from = startNs;
  let to = startNs + 200_000_000n + BigInt(Math.floor(random() * 50_000_000));
  for (const [depth, service] of SERVICES.entries()) {
    const last = depth === SERVICES.length - 1;
    const broken = split && depth >= 2;
    const tid = broken ? splitId : traceId;
    const server = makeSpan(random, {
      traceId: tid,
      parent: broken && depth === 2 ? undefined : parent,
      name: `GET /api/${service}/:id`,
      kind: 2,
      from,
      to,
      service,
      attributes: [
        str('server.address', service),
        int('server.port', 8080),
        str('url.path', `/api/${service}/7`),
      ],
    });
    const handler = makeSpan(random, {
      traceId: tid,
      parent: server,
      name: 'handle',
      kind: 1,
      ...inside(from, to, 1, 9),
    });
    const db = makeSpan(random, {
      traceId: tid,
      parent: handler,
      name: 'pg.query:SELECT shop',
      kind: 3,
      ...inside(handler.from, handler.to, 1, 3),
      attributes: [
        str('db.system.name', 'postgresql'),
        str('db.query.text', 'SELECT * FROM orders WHERE id = $1'),
        str('server.address', 'postgres'),
        int('server.port', 5432),
      ],
    });
    const call = makeSpan(random, {
      traceId: tid,
      parent: handler,
      name: 'GET',
      kind: 3,
      ...inside(handler.from, handler.to, 4, 9),
      attributes: last
        ? [
            str('server.address', 'api.payments.example'),
            int('server.port', 443),
            str('url.full', 'https://api.payments.example/v1/charges'),
          ]
        : [
            str('server.address', SERVICES[depth + 1]),
            int('server.port', 8080),
            str('url.full', `http://${SERVICES[depth + 1]}:8080/api/${SERVICES[depth + 1]}/7`),
          ],
    });
    for (const span of [server, handler, db, call]) spans.push({ service, ...span });
    parent = call;
    ({ from, to } = inside(call.from, call.to, 1, 9));
  }
  if (failing) {
    // The last service's handler throws; everything above it fails with it.
    const throwing = spans[spans.length - 3];
    throwing.span.events.push({
      timeUnixNano: throwing.span.startTimeUnixNano,
      name: 'exception',
      attributes: [
        str('exception.type', 'NotFoundError'),
        str('exception.message', `order ${Math.floor(random() * 1e6)} not found`),
        str('exception.stacktrace', `NotFoundError: order not found\n${STACK}`),
      ],
    });
    for (const entry of spans) {
      if (entry.span.traceId !== throwing.span.traceId && !split) continue;
      if (entry.span.name.startsWith('pg.')) continue;
      if (entry === spans[spans.length - 1]) continue; // the external call itself succeeded
      entry.span.status = { code: 2, message: `order ${Math.floor(random() * 1e6)} not found` };
      for (const a of entry.span.attributes)
        if (a.key === 'http.response.status_code') a.value.intValue = '500';
    }
  }
  return spans;
}

/** A sub-interval of [from, to]: the tenths `a` to `b` of it, jittered. */
function inside(from, to, a, b) {
  const length = to - from;
  return { from: from + (length * BigInt(a)) / 10n, to: from + (length * BigInt(b)) / 10n };
}

function makeSpan(random, { traceId, parent, name, kind, from, to, attributes = [] }) {
  const span = {
    traceId,
    spanId: hex(random, 16),
    ...(parent ? { parentSpanId: parent.span.spanId } : {}),
    name,
    kind,
    startTimeUnixNano: String(from),
    endTimeUnixNano: String(to),
    attributes: [
      str('http.request.method', 'GET'),
      int('http.response.status_code', 200),
      str('network.protocol.version', '1.1'),
      str('user_agent.original', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)'),
      int('thread.id', Math.floor(random() * 64)),
      ...attributes,
    ],
    status: {},
    events: [],
    flags: parent ? 769 : 257,
  };
  return { span, from, to };
}

/** Writes the export; returns its size and the split requests it holds (their caller's trace ids). */
export async function makeExport(path, totalSpans, seed = 42) {
  const random = rng(seed);
  const splits = [];
  const out = createWriteStream(path);
  let written = 0;
  let bytes = 0;
  let start = 1_790_000_000_000_000_000n;
  const write = async (text) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  while (written < totalSpans) {
    const byService = new Map(SERVICES.map((s) => [s, []]));
    for (let t = 0; t < TRACES_PER_LINE_GROUP && written < totalSpans; t++) {
      const failing = random() < 0.08;
      const split = random() < 0.02;
      const spans = makeTrace(random, start, { failing, split });
      if (split) splits.push(spans[0].span.traceId);
      for (const { service, span } of spans) byService.get(service).push(span);
      written += SPANS_PER_TRACE;
      start += 37_000_000n;
    }
    for (const service of SERVICES) {
      const spans = byService.get(service);
      if (spans.length === 0) continue;
      const line = {
        resourceSpans: [
          {
            resource: resourceOf(service),
            scopeSpans: [
              { scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0' }, spans },
            ],
          },
        ],
      };
      await write(`${JSON.stringify(line)}\n`);
    }
  }
  out.end();
  await once(out, 'finish');
  return { spans: written, bytes, splits };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, spans] = process.argv.slice(2);
  const result = await makeExport(path, Number(spans ?? 600_000));
  console.log(`${path}: ${result.spans} spans, ${(result.bytes / 1e6).toFixed(0)} MB`);
}
