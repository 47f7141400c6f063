import type { DocSpan } from './otlp-doc.js';

/**
 * A handler that queries once per item, for the tests of `perf`, `show` and `assert`:
 * `GET /users/{id}` (user-service, SERVER, span id 1) and under it `calls` SELECTs of one shape,
 * one after another, `queryMs` each, one every `stepMs` from 10 ms; their span ids are 16, 17, ….
 *
 *   GET /users/{id}  |--SELECT--| |--SELECT--| |--SELECT--| …   ×calls
 */
export function queryLoop(options: {
  readonly calls: number;
  readonly queryMs: number;
  readonly stepMs: number;
  readonly rootEndMs: number;
  readonly traceId?: string;
  /** Record `http.route` on the SERVER span. */
  readonly route?: boolean;
}): DocSpan[] {
  const { calls, queryMs, stepMs, rootEndMs, traceId, route = false } = options;
  const spans: DocSpan[] = [
    {
      id: 1,
      name: 'GET /users/{id}',
      service: 'user-service',
      kind: 2,
      startMs: 0,
      endMs: rootEndMs,
      ...(route ? { attributes: { 'http.route': '/users/{id}' } } : {}),
      ...(traceId === undefined ? {} : { traceId }),
    },
  ];
  for (let i = 0; i < calls; i++)
    spans.push({
      id: 16 + i,
      parent: 1,
      name: 'SELECT orders',
      service: 'user-service',
      kind: 3,
      startMs: 10 + i * stepMs,
      endMs: 10 + i * stepMs + queryMs,
      attributes: { 'db.system': 'postgresql', 'db.statement': `SELECT * FROM orders WHERE id = ${100 + i}` },
      ...(traceId === undefined ? {} : { traceId }),
    });
  return spans;
}
