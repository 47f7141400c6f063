// Writes a synthetic Collector file-exporter export (OTLP JSON Lines) of about `spans` spans:
// requests through a chain of services, batched per service the way the Collector writes them (one
// trace's spans spread over several lines), with realistic attributes, some failures and
// exception events with stack traces. Deterministic: the same arguments give the same bytes.
// A shape (SHAPES) varies what users' exports vary in: the error rate, how spans are cut into
// lines (one trace a line, groups of traces, a batch processor's fixed-size batches), how long a
// trace stays open in the file, attributes per span, database calls and fan-out.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** Bumped whenever the output changes, so that cached exports are written anew. */
export const EXPORT_VERSION = 3;

const ALL_SERVICES = [
  'frontend',
  'user-service',
  'order-service',
  'payment',
  'inventory',
  'shipping',
  'catalog',
  'cart',
  'recommendation',
  'email',
  'currency',
  'ad',
];

/**
 * The shapes of export the bench reads. `collector` is the default (what the tests use too):
 * - services: the length of the chain each request goes through;
 * - failRate: requests that fail (the last service throws, with a stack);
 * - dbShare: the share of handlers that query the database;
 * - layout: `groups` (25 traces, then a line per service), `trace` (a line per trace),
 *   `processor` (a batch processor per service: each line 4 batches of 200 spans from one
 *   service, as they end), `big-groups` (400 traces a group: lines of about 1 MB);
 * - openShare: requests whose root span is written only at the end of the file (a trace that
 *   stays open across it: `open-traces` has 30% of them, so the worker reading the file's end
 *   holds a part of nearly every other worker's traces);
 * - extraAttributes: attributes added to every span (the OpenTelemetry demo's carry 30 and more);
 * - fanout / fanoutShare: that many extra database calls under the first handler, in that share
 *   of requests.
 */
export const SHAPES = {
  collector: { services: 5, failRate: 0.08, dbShare: 1, layout: 'groups' },
  'one-trace-a-line': { services: 5, failRate: 0.08, dbShare: 1, layout: 'trace' },
  'errors-1pct': { services: 5, failRate: 0.01, dbShare: 1, layout: 'groups' },
  'errors-20pct': { services: 5, failRate: 0.2, dbShare: 1, layout: 'groups' },
  'batch-processor': { services: 12, failRate: 0.1, dbShare: 0.5, layout: 'processor', openShare: 0.01 },
  'big-lines': { services: 5, failRate: 0.08, dbShare: 1, layout: 'big-groups' },
  'attribute-heavy': { services: 5, failRate: 0.08, dbShare: 1, layout: 'groups', extraAttributes: 30 },
  'open-traces': { services: 5, failRate: 0.08, dbShare: 1, layout: 'groups', openShare: 0.3 },
  'wide-fanout': {
    services: 5,
    failRate: 0.08,
    dbShare: 1,
    layout: 'groups',
    fanout: 2_000,
    fanoutShare: 0.01,
  },
};
const TRACES_PER_LINE_GROUP = 25;
const TRACES_PER_BIG_GROUP = 400;
const BATCH_SPANS = 200;
const BATCHES_PER_LINE = 4;

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
function makeTrace(random, startNs, { failing, split, wide }, shape) {
  const SERVICES = ALL_SERVICES.slice(0, shape.services);
  const extra = extraAttributes(shape.extraAttributes ?? 0);
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
    // The default shape always queries: no draw, so its bytes stay what they were.
    const queries = shape.dbShare >= 1 || random() < shape.dbShare;
    const dbCalls = queries ? 1 + (wide && depth === 0 ? shape.fanout : 0) : 0;
    const dbSpans = [];
    for (let i = 0; i < dbCalls; i++)
      dbSpans.push(
        makeSpan(random, {
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
        }),
      );
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
    for (const span of [server, handler, ...dbSpans, call]) {
      if (extra.length > 0) span.span.attributes.push(...extra);
      spans.push({ service, ...span });
    }
    parent = call;
    ({ from, to } = inside(call.from, call.to, 1, 9));
  }
  if (failing) {
    // The last service's handler throws; everything above it fails with it.
    const throwing = spans.findLast((entry) => entry.span.name === 'handle');
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

/** `count` attributes of the kinds real instrumentations add (ids, versions, flags, sizes). */
function extraAttributes(count) {
  const out = [];
  for (let i = 0; i < count; i++)
    out.push(
      i % 3 === 0
        ? str(`app.detail.${i}`, `value-${i}-${'x'.repeat(i % 17)}`)
        : i % 3 === 1
          ? int(`app.size.${i}`, i * 1013)
          : { key: `app.flag.${i}`, value: { boolValue: i % 2 === 0 } },
    );
  return out;
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
export async function makeExport(path, totalSpans, seed = 42, shapeName = 'collector') {
  const shape = SHAPES[shapeName];
  if (!shape) throw new Error(`no export shape ${shapeName}: ${Object.keys(SHAPES).join(', ')}`);
  const services = ALL_SERVICES.slice(0, shape.services);
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
  const line = (batches) =>
    `${JSON.stringify({
      resourceSpans: batches.map(({ service, spans }) => ({
        resource: resourceOf(service),
        scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0' }, spans }],
      })),
    })}\n`;
  const nextTrace = () => {
    const failing = random() < shape.failRate;
    const split = random() < 0.02;
    const open = shape.openShare !== undefined && random() < shape.openShare;
    const wide = shape.fanoutShare !== undefined && random() < shape.fanoutShare;
    const spans = makeTrace(random, start, { failing, split, wide }, shape);
    if (split) splits.push(spans[0].span.traceId);
    written += spans.length;
    start += 37_000_000n;
    return { spans, open };
  };
  /** Root spans of traces that stay open: written at the very end. */
  const held = [];
  if (shape.layout === 'processor') {
    // Each service's batch processor: spans queue as they end, a batch leaves at BATCH_SPANS,
    // and the exporter writes BATCHES_PER_LINE batches of one service to a line.
    const queue = new Map(services.map((s) => [s, []]));
    const ready = new Map(services.map((s) => [s, []]));
    const flush = async (service, force) => {
      const batches = ready.get(service);
      if (batches.length >= BATCHES_PER_LINE || (force && batches.length > 0)) {
        await write(line(batches.splice(0, BATCHES_PER_LINE).map((spans) => ({ service, spans }))));
      }
    };
    while (written < totalSpans) {
      const { spans, open } = nextTrace();
      // Spans end children first: a trace's spans reach the queues in reverse.
      for (const [i, { service, span }] of [...spans.entries()].reverse()) {
        if (open && i === 0) {
          held.push({ service, span });
          continue;
        }
        const q = queue.get(service);
        q.push(span);
        if (q.length === BATCH_SPANS) {
          ready.get(service).push(q.splice(0));
          await flush(service, false);
        }
      }
    }
    for (const service of services) {
      const q = queue.get(service);
      if (q.length > 0) ready.get(service).push(q.splice(0));
      await flush(service, true);
    }
  } else {
    const perLine = { groups: TRACES_PER_LINE_GROUP, trace: 1, 'big-groups': TRACES_PER_BIG_GROUP }[
      shape.layout
    ];
    while (written < totalSpans) {
      const byService = new Map(services.map((s) => [s, []]));
      for (let t = 0; t < perLine && written < totalSpans; t++) {
        const { spans, open } = nextTrace();
        for (const [i, { service, span }] of spans.entries()) {
          if (open && i === 0) held.push({ service, span });
          else byService.get(service).push(span);
        }
      }
      const batches = services
        .map((service) => ({ service, spans: byService.get(service) }))
        .filter((b) => b.spans.length > 0);
      // A line per service, as the Collector writes a group; a line per trace holds them all.
      if (shape.layout === 'trace') await write(line(batches));
      else for (const batch of batches) await write(line([batch]));
    }
  }
  for (let i = 0; i < held.length; i += BATCH_SPANS) {
    const group = held.slice(i, i + BATCH_SPANS);
    const bySvc = new Map();
    for (const { service, span } of group) bySvc.set(service, [...(bySvc.get(service) ?? []), span]);
    await write(line([...bySvc].map(([service, spans]) => ({ service, spans }))));
  }
  out.end();
  await once(out, 'finish');
  return { spans: written, bytes, splits };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, spans, shape] = process.argv.slice(2);
  const result = await makeExport(path, Number(spans ?? 600_000), 42, shape);
  console.log(`${path}: ${result.spans} spans, ${(result.bytes / 1e6).toFixed(0)} MB`);
}
