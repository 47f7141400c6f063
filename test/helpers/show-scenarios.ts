import { analyzeTrace } from '../../src/analysis/analyze-trace.js';
import type { Nanos, SpanEvent } from '../../src/model/types.js';
import type { TreeOptions } from '../../src/render/show/tree.js';
import { PLAIN_STYLE } from '../../src/render/style.js';
import { makeTrace, ms, type SpanSpec } from './make-span.js';

/** Small traces for the `show` renderers (test/render/show/), made with makeSpan: times from 0 ms. */

/** Analyses made-up spans as `show` does (no --timeout unless given). */
export const analyse = (specs: readonly SpanSpec[], limits: readonly Nanos[] = [], warnings: string[] = []) =>
  analyzeTrace(makeTrace(specs, warnings), { limits });

/** Tree options with nothing filtered, folded or drawn beyond the tree, and no colour. */
export const TREE_OPTIONS: TreeOptions = {
  style: PLAIN_STYLE,
  stack: false,
  maxSpans: 1000,
  fold: false,
  timeline: false,
  width: 80,
  maxDepth: undefined,
  errorsOnly: false,
  minDuration: undefined,
  service: undefined,
};

/** An OTLP `exception` event. */
export const exceptionEvent = (atMs: number, type: string, message: string, stacktrace = ''): SpanEvent => ({
  name: 'exception',
  time: ms(atMs),
  attributes: { 'exception.type': type, 'exception.message': message, 'exception.stacktrace': stacktrace },
});

/**
 * A healthy checkout, two services:
 *   ms        0    10   20   30   40   50   60   70   80   90  100
 *   checkout  |==================================================|
 *   load cart |===================|                                   critical 0-39
 *   audit          |====|                                             in parallel: never waited on
 *   charge                         |==============================|   critical 40-41 and 60-100
 *   INSERT                          |=========|                       critical 41-60
 */
export const CHECKOUT: readonly SpanSpec[] = [
  { id: '1', name: 'GET /checkout', service: 'web', kind: 'server', startMs: 0, endMs: 100 },
  { id: '2', parent: '1', name: 'load cart', service: 'web', startMs: 0, endMs: 39 },
  { id: '3', parent: '1', name: 'audit', service: 'web', startMs: 10, endMs: 20 },
  { id: '4', parent: '1', name: 'charge', service: 'payments', startMs: 40, endMs: 100 },
  { id: '5', parent: '4', name: 'INSERT', service: 'payments', startMs: 41, endMs: 60 },
];

/**
 * A refused connection, as in the seed's order-service-down:
 *   get_user_profile ✗ 0-20 ─┬─ get_user_data 0-5
 *                            └─ get_user_orders ✗ 6-20 (status "orders failed")
 *                                 └─ GET ✗ 7-13 → 127.0.0.1:4001, ECONNREFUSED (the origin)
 */
export const REFUSED: readonly SpanSpec[] = [
  {
    id: '1',
    name: 'get_user_profile',
    service: 'user-service',
    kind: 'server',
    startMs: 0,
    endMs: 20,
    status: { code: 'error', message: '' },
  },
  { id: '2', parent: '1', name: 'get_user_data', service: 'user-service', startMs: 0, endMs: 5 },
  {
    id: '3',
    parent: '1',
    name: 'get_user_orders',
    service: 'user-service',
    startMs: 6,
    endMs: 20,
    status: { code: 'error', message: 'orders failed' },
  },
  {
    id: '4',
    parent: '3',
    name: 'GET',
    service: 'user-service',
    kind: 'client',
    startMs: 7,
    endMs: 13,
    status: { code: 'error', message: 'connect ECONNREFUSED 127.0.0.1:4001' },
    attributes: { 'server.address': '127.0.0.1', 'server.port': 4001 },
    events: [
      exceptionEvent(
        13,
        'ECONNREFUSED',
        'connect ECONNREFUSED 127.0.0.1:4001',
        'Error: connect ECONNREFUSED 127.0.0.1:4001\n    at TCPConnectWrap.afterConnect\n',
      ),
    ],
  },
];

/**
 * A proxy's 504 that masks the slow work behind it:
 *   POST (proxy) ✗ 504, 0-15,000 ms ── work (backend) 100-15,000 ms, did not fail
 */
export const MASKED_TIMEOUT: readonly SpanSpec[] = [
  {
    id: '1',
    name: 'POST',
    service: 'proxy',
    kind: 'server',
    startMs: 0,
    endMs: 15_000,
    attributes: { 'http.response.status_code': 504 },
  },
  { id: '2', parent: '1', name: 'work', service: 'backend', startMs: 100, endMs: 15_000 },
];

/**
 * A failed call its caller recovered from:
 *   orders (OK) 0-50 ms ── GET ✗ HTTP 503, 1-5 ms: recovered, not an error origin
 */
export const RECOVERED: readonly SpanSpec[] = [
  { id: '1', name: 'orders', kind: 'server', startMs: 0, endMs: 50, status: { code: 'ok', message: '' } },
  {
    id: '2',
    parent: '1',
    name: 'GET',
    kind: 'client',
    startMs: 1,
    endMs: 5,
    attributes: { 'http.response.status_code': 503 },
  },
];
