// Writes a synthetic Collector file-exporter export (OTLP JSON Lines) of about `spans` spans:
// requests through five services, batched per service the way the Collector writes them (one
// trace's spans spread over several lines), with realistic attributes, some failures and
// exception events with stack traces. Deterministic: the same arguments give the same bytes.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** Bumped whenever the output changes, so that cached exports are written anew. */
export const EXPORT_VERSION = 2;

const SERVICES = ['frontend', 'user-service', 'order-service', 'payment', 'inventory'];
const SPANS_PER_TRACE = 20;
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

/** One request: a tree of SPANS_PER_TRACE spans, each service calling the next. */
function makeTrace(random, startNs) {
  const traceId = hex(random, 32);
  const failing = random() < 0.08;
  const onFailingPath = new Set();
  for (
    let i = SPANS_PER_TRACE - 1;
    i !== undefined && i >= 0;
    i = i === 0 ? undefined : i - 1 - (i % 4 === 0 ? 0 : i % 2)
  )
    onFailingPath.add(i);
  const spans = [];
  for (let i = 0; i < SPANS_PER_TRACE; i++) {
    const service = SERVICES[Math.min(SERVICES.length - 1, Math.floor(i / 4))];
    const parentIndex = i === 0 ? undefined : i - 1 - (i % 4 === 0 ? 0 : i % 2);
    const parent = parentIndex === undefined ? undefined : spans[parentIndex];
    const start = startNs + BigInt(i) * 2_000_000n;
    const duration = BigInt(Math.floor(random() * 50_000_000)) + 1_000_000n;
    // A failing request: the last span throws and every span above it fails with it.
    const error = failing && onFailingPath.has(i);
    const kind = i % 4 === 0 ? 2 : i % 4 === 3 ? 3 : 1;
    const span = {
      traceId,
      spanId: hex(random, 16),
      ...(parent ? { parentSpanId: parent.span.spanId } : {}),
      name: kind === 2 ? 'GET /api/orders/:id' : kind === 3 ? 'pg.query:SELECT shop' : `handle_step_${i % 4}`,
      kind,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + duration),
      attributes: [
        str('http.request.method', 'GET'),
        str('url.full', `http://${service}:8080/api/orders/${Math.floor(random() * 100000)}?expand=items`),
        str('server.address', service),
        int('server.port', 8080),
        int('http.response.status_code', error ? 500 : 200),
        str('network.protocol.version', '1.1'),
        str('http.route', '/api/orders/:id'),
        str('user_agent.original', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)'),
        int('thread.id', Math.floor(random() * 64)),
        ...(kind === 3
          ? [str('db.system.name', 'postgresql'), str('db.query.text', 'SELECT * FROM orders WHERE id = $1')]
          : []),
      ],
      status: error ? { code: 2, message: `order ${Math.floor(random() * 1e6)} not found` } : {},
      events:
        error && i === SPANS_PER_TRACE - 1
          ? [
              {
                timeUnixNano: String(start + duration / 2n),
                name: 'exception',
                attributes: [
                  str('exception.type', 'NotFoundError'),
                  str('exception.message', `order ${Math.floor(random() * 1e6)} not found`),
                  str('exception.stacktrace', `NotFoundError: order not found\n${STACK}`),
                ],
              },
            ]
          : [],
      flags: 257,
    };
    spans.push({ service, span, parentIndex });
  }
  return spans;
}

export async function makeExport(path, totalSpans, seed = 42) {
  const random = rng(seed);
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
      for (const { service, span } of makeTrace(random, start)) byService.get(service).push(span);
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
  return { spans: written, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, spans] = process.argv.slice(2);
  const result = await makeExport(path, Number(spans ?? 600_000));
  console.log(`${path}: ${result.spans} spans, ${(result.bytes / 1e6).toFixed(0)} MB`);
}
