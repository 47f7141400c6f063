import { describe, expect, it } from 'vitest';
import { summarizeTrace } from '../../src/analysis/summarize-trace.js';
import { nanos } from '../../src/model/units.js';
import { frozen, makeTrace, ms, TEST_TRACE_ID } from '../helpers/make-span.js';

describe('summarizeTrace', () => {
  it('sums a trace up in one line: root, span and error counts, services, start and duration', () => {
    const summary = summarizeTrace(
      frozen(
        makeTrace([
          // Children first, as a Collector export often has them; one outlives the root.
          {
            id: 'b',
            parent: 'a',
            name: 'GET',
            kind: 'client',
            service: 'user-service',
            startMs: 12,
            endMs: 130,
            attributes: { 'http.response.status_code': 502 },
          },
          {
            id: 'c',
            parent: 'b',
            name: 'GET /orders',
            kind: 'server',
            service: 'order-service',
            startMs: 15,
            endMs: 125,
            status: { code: 'error', message: 'db down' },
          },
          { id: 'a', name: 'GET /users/1', kind: 'server', service: 'user-service', startMs: 10, endMs: 120 },
          {
            id: 'd',
            parent: 'a',
            name: 'cache',
            service: 'user-service',
            startMs: 11,
            endMs: 12,
            status: { code: 'ok', message: '' },
            attributes: { 'http.response.status_code': 500 },
          },
        ]),
      ),
    );
    expect(summary).toEqual({
      traceId: TEST_TRACE_ID,
      start: ms(10),
      durationMs: 120,
      spanCount: 4,
      errorCount: 2,
      rootService: 'user-service',
      rootName: 'GET /users/1',
      rootMissing: false,
      services: ['user-service', 'order-service'],
    });
  });

  it('of several roots, names the earliest', () => {
    const summary = summarizeTrace(
      makeTrace([
        { id: 'a', name: 'late root', service: 'cron', startMs: 50, endMs: 60 },
        { id: 'b', name: 'early root', service: 'web', startMs: 20, endMs: 30 },
        { id: 'c', parent: 'b', name: 'child', service: 'web', startMs: 5, endMs: 25 },
      ]),
    );
    expect(summary).toMatchObject({
      rootName: 'early root',
      rootService: 'web',
      rootMissing: false,
      start: ms(5),
      durationMs: 55,
    });
  });

  it('without a root, names the earliest span and says the root is missing', () => {
    const summary = summarizeTrace(
      makeTrace([
        { id: 'b', parent: 'dead', name: 'second', service: 'order-service', startMs: 30, endMs: 40 },
        { id: 'c', parent: 'dead', name: 'first', service: 'payment', startMs: 20, endMs: 35 },
      ]),
    );
    expect(summary).toMatchObject({
      rootName: 'first',
      rootService: 'payment',
      rootMissing: true,
      durationMs: 20,
      errorCount: 0,
    });
  });

  it('keeps the start exact beyond 2^53 nanoseconds and measures to the nanosecond', () => {
    const start = 1_700_000_000_000_000_001n;
    const summary = summarizeTrace(
      makeTrace([{ id: 'a', start: nanos(start), end: nanos(start + 1_500_000n) }]),
    );
    expect(summary.start).toBe(start);
    expect(summary.durationMs).toBe(1.5);
  });
});
