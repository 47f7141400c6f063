import { describe, expect, it } from 'vitest';
import { traceMatches } from '../../src/analysis/match-query.js';
import { makeSpan, makeTrace, ms } from '../helpers/make-span.js';
import { ANY_QUERY } from '../helpers/query.js';

const ANY = ANY_QUERY;

const trace = makeTrace([
  makeSpan({ id: 'a', service: 'user-service', name: 'GET', kind: 'server', endMs: 5000 }),
  makeSpan({
    id: 'b',
    parent: 'a',
    service: 'user-service',
    name: 'get_user_orders',
    startMs: 10,
    endMs: 5010,
    status: { code: 'error', message: 'timed out' },
    attributes: { 'http.response.status_code': 504, retry: true },
    resource: { 'deployment.environment': 'prod' },
  }),
  makeSpan({
    id: 'c',
    parent: 'b',
    service: 'order-service',
    name: 'query_orders',
    kind: 'client',
    startMs: 20,
    endMs: 60,
  }),
]);

describe('traceMatches', () => {
  it('needs one span to satisfy every condition, as Jaeger does', () => {
    expect(traceMatches(trace, { ...ANY, service: 'order-service', operation: 'query_orders' })).toBe(true);
    // Both exist, but not on one span.
    expect(traceMatches(trace, { ...ANY, service: 'order-service', operation: 'get_user_orders' })).toBe(
      false,
    );
    expect(traceMatches(trace, { ...ANY, service: 'order-service', minDuration: ms(1000) })).toBe(false);
    expect(traceMatches(trace, { ...ANY, service: 'user-service', minDuration: ms(5000) })).toBe(true);
  });

  it('compares tag values as text, in span then resource attributes', () => {
    expect(traceMatches(trace, { ...ANY, tags: [['http.response.status_code', '504']] })).toBe(true);
    expect(traceMatches(trace, { ...ANY, tags: [['retry', 'true']] })).toBe(true);
    expect(traceMatches(trace, { ...ANY, tags: [['deployment.environment', 'prod']] })).toBe(true);
    expect(traceMatches(trace, { ...ANY, tags: [['deployment.environment', 'staging']] })).toBe(false);
  });

  it('reads the Jaeger-model tags error, span.kind and otel.status_code from the span', () => {
    expect(traceMatches(trace, { ...ANY, operation: 'get_user_orders', tags: [['error', 'true']] })).toBe(
      true,
    );
    expect(traceMatches(trace, { ...ANY, operation: 'query_orders', tags: [['error', 'true']] })).toBe(false);
    expect(traceMatches(trace, { ...ANY, operation: 'query_orders', tags: [['error', 'false']] })).toBe(true);
    expect(traceMatches(trace, { ...ANY, tags: [['span.kind', 'CLIENT']] })).toBe(true);
    expect(traceMatches(trace, { ...ANY, tags: [['otel.status_code', 'ERROR']] })).toBe(true);
    expect(traceMatches(trace, { ...ANY, tags: [['span.kind', 'producer']] })).toBe(false);
  });

  it('keeps spans that started inside the window', () => {
    expect(traceMatches(trace, { ...ANY, start: ms(15), end: ms(30) })).toBe(true);
    expect(traceMatches(trace, { ...ANY, start: ms(21), end: ms(30) })).toBe(false);
  });
});
