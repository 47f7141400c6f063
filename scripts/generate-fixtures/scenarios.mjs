// The fixture scenarios: how the seed services run for each, and what its traces must contain.
// Shared by the fixture generator (captured to files) and the real-world suite and recorder (sent
// to a real Jaeger). Everything runs on 127.0.0.1.
import http from 'node:http';

/** Each scenario: how the services run, and the span names its trace(s) must contain. */
export const SCENARIOS = [
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
  // Why a request is slow (fixtures/perf/): the anti-patterns `otrace perf` finds.
  {
    name: 'n-plus-one',
    dir: 'perf',
    order: { ORDER_ITEMS: 'each' },
    expect: ['get_user_orders', 'query_orders', 'query_order_items'],
  },
  {
    name: 'sequential-calls',
    dir: 'perf',
    user: { SCENARIO: 'sequential' },
    expect: ['get_user_orders', 'query_orders', 'query_invoices', 'query_shipments'],
  },
];

/** Headers that carry trace context, in the formats the services use. */
const CONTEXT_HEADERS = ['traceparent', 'tracestate', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled'];

/**
 * An uninstrumented reverse proxy on 127.0.0.1, as nginx is by default: it sets Host to the
 * upstream, and either forwards every header or (`drop`) strips the trace context headers.
 */
export function startProxy(mode, upstreamPort) {
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
