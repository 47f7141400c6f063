import { describe, expect, it } from 'vitest';
import type { Nanos } from '../../src/model/types.js';
import { rfc3339 } from '../../src/sources/jaeger-backend.js';
import { toTraceQL } from '../../src/sources/tempo-backend.js';
import { ANY_QUERY } from '../helpers/query.js';

const ANY = ANY_QUERY;

describe('rfc3339', () => {
  it('writes UTC with the nanoseconds only when there are some', () => {
    expect(rfc3339(1_700_000_000_000_000_000n)).toBe('2023-11-14T22:13:20Z');
    expect(rfc3339(1_700_000_000_000_000_123n)).toBe('2023-11-14T22:13:20.000000123Z');
  });
});

describe('toTraceQL', () => {
  it('is the empty spanset without filters', () => {
    expect(toTraceQL(ANY)).toBe('{}');
  });

  it('puts every flag in one spanset, typed literals and quoted strings', () => {
    expect(
      toTraceQL({
        ...ANY,
        service: 'user-service',
        operation: 'GET /orders/"x"',
        tags: [
          ['http.response.status_code', '504'],
          ['retry', 'true'],
          ['peer', 'order-service'],
          ['odd key', 'v'],
        ],
        minDuration: 1_500_000_000n as Nanos,
      }),
    ).toBe(
      '{ resource.service.name = "user-service" && name = "GET /orders/\\"x\\"" && .http.response.status_code = 504 && .retry = true && .peer = "order-service" && ."odd key" = "v" && duration >= 1500000000ns }',
    );
  });

  it('turns the Jaeger-model tags into TraceQL intrinsics', () => {
    expect(
      toTraceQL({
        ...ANY,
        tags: [
          ['error', 'true'],
          ['span.kind', 'client'],
          ['otel.status_code', 'OK'],
        ],
      }),
    ).toBe('{ status = error && kind = client && status = ok }');
    expect(toTraceQL({ ...ANY, tags: [['error', 'false']] })).toBe('{ status != error }');
  });
});
