import type { SpanEvent } from '../../../src/model/types.js';
import { ms, type SpanSpec } from '../../helpers/make-span.js';

/**
 * Pairs of traces for the diff tests, as user-service → order-service draws them (the seed
 * scenarios' shape, fixtures/seed/README.md):
 *
 *   GET (user-service, SERVER)                  1
 *   └─ get_user_profile                          2
 *      ├─ get_user_data            ~100 ms       3
 *      └─ get_user_orders                        4
 *         └─ GET (user-service, CLIENT → order-service)            5
 *            └─ GET (order-service, SERVER)                        6
 *               └─ query_orders (CLIENT, db.system postgresql)     7
 *
 * Each builder gives span specs for makeTrace; `trace` sets the trace id.
 */

const USER = 'user-service';
const ORDER = 'order-service';

export function exceptionEvent(type: string, message: string, atMs: number): SpanEvent {
  return {
    name: 'exception',
    time: ms(atMs),
    attributes: { 'exception.type': type, 'exception.message': message },
  };
}

const failed = { status: { code: 'error' as const, message: '' } };

/** The healthy request: 160 ms, order-service answers in 40 ms; `queryMs` makes its query slower. */
export function healthy(trace = 'a1', queryMs = 32): SpanSpec[] {
  // A slower query holds up everything above it by as much.
  const later = queryMs - 32;
  return [
    { trace, id: '1', name: 'GET', service: USER, kind: 'server', startMs: 0, endMs: 160 + later },
    { trace, id: '2', parent: '1', name: 'get_user_profile', service: USER, startMs: 2, endMs: 156 + later },
    { trace, id: '3', parent: '2', name: 'get_user_data', service: USER, startMs: 3, endMs: 103 },
    {
      trace,
      id: '4',
      parent: '2',
      name: 'get_user_orders',
      service: USER,
      startMs: 100,
      endMs: 150 + later,
    },
    {
      trace,
      id: '5',
      parent: '4',
      name: 'GET',
      service: USER,
      kind: 'client',
      attributes: { 'server.address': ORDER, 'server.port': 8080 },
      startMs: 101,
      endMs: 149 + later,
    },
    {
      trace,
      id: '6',
      parent: '5',
      name: 'GET',
      service: ORDER,
      kind: 'server',
      startMs: 105,
      endMs: 145 + later,
    },
    {
      trace,
      id: '7',
      parent: '6',
      name: 'query_orders',
      service: ORDER,
      kind: 'client',
      attributes: { 'db.system': 'postgresql' },
      startMs: 110,
      endMs: 110 + queryMs,
    },
  ];
}

/** Nothing listens on order-service's port: the call fails in 5 ms, the error goes up to the root. */
export function orderServiceDown(trace = 'b2'): SpanSpec[] {
  const refused = (atMs: number) => [
    exceptionEvent('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.7:8080', atMs),
  ];
  return [
    { trace, id: '1', name: 'GET', service: USER, kind: 'server', startMs: 0, endMs: 110, ...failed },
    {
      trace,
      id: '2',
      parent: '1',
      name: 'get_user_profile',
      service: USER,
      startMs: 2,
      endMs: 108,
      ...failed,
      events: refused(107),
    },
    { trace, id: '3', parent: '2', name: 'get_user_data', service: USER, startMs: 3, endMs: 103 },
    {
      trace,
      id: '4',
      parent: '2',
      name: 'get_user_orders',
      service: USER,
      startMs: 100,
      endMs: 107,
      ...failed,
      events: refused(106),
    },
    {
      trace,
      id: '5',
      parent: '4',
      name: 'GET',
      service: USER,
      kind: 'client',
      attributes: { 'server.address': ORDER, 'server.port': 8080 },
      startMs: 101,
      endMs: 106,
      ...failed,
      events: refused(105),
    },
  ];
}

/** get_user_orders queries once per order, `queries` times one after another, 3 ms each. */
export function queryPerOrder(trace: string, queries: number): SpanSpec[] {
  const end = 10 + queries * 4;
  const spans: SpanSpec[] = [
    { trace, id: '1', name: 'GET', service: USER, kind: 'server', startMs: 0, endMs: end + 2 },
    { trace, id: '2', parent: '1', name: 'get_user_orders', service: USER, startMs: 1, endMs: end + 1 },
  ];
  for (let i = 0; i < queries; i++) {
    spans.push({
      trace,
      id: (16 + i).toString(16),
      parent: '2',
      name: 'SELECT orders',
      service: USER,
      kind: 'client',
      attributes: { 'db.system': 'postgresql', 'db.statement': `SELECT * FROM orders WHERE id = ${i}` },
      startMs: 10 + i * 4,
      endMs: 13 + i * 4,
    });
  }
  return spans;
}
