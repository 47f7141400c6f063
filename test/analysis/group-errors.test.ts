import { describe, expect, it } from 'vitest';
import type { ErrorRecord, FailurePoint } from '../../src/analysis/error-records.js';
import { ErrorAccumulator, GROUP_BY } from '../../src/analysis/group-errors.js';
import { ms, sid, tid } from '../helpers/make-span.js';

/** A failing span's record: an origin in shop's `charge` unless told otherwise. */
const record = (overrides: Partial<ErrorRecord>): ErrorRecord => ({
  traceId: tid('1'),
  spanId: sid('a'),
  service: 'shop',
  operation: 'charge',
  errorType: 'HTTP 502',
  peer: undefined,
  errorClass: 'origin',
  message: 'card declined',
  timedOut: false,
  start: ms(0),
  duration: ms(10),
  origin: undefined,
  where: undefined,
  ...overrides,
});

const point = (service: string, operation: string, errorType: string, peer?: string): FailurePoint => ({
  service,
  operation,
  errorType,
  peer,
});

const reportOf = (traces: ErrorRecord[][], groupBy: (typeof GROUP_BY)[number] = 'all', service?: string) => {
  const accumulator = new ErrorAccumulator(groupBy, service);
  for (const records of traces) accumulator.addTrace(records);
  return accumulator.report();
};

describe('ErrorAccumulator', () => {
  it('groups by all, service, operation or exception', () => {
    expect(GROUP_BY).toEqual(['all', 'service', 'operation', 'exception']);
  });

  it('counts traces without failures as analysed, and finds nothing in them', () => {
    expect(reportOf([[], []])).toEqual({
      service: undefined,
      groupBy: 'all',
      tracesAnalysed: 2,
      tracesWithErrors: 0,
      errorSpans: 0,
      groups: [],
      topOrigin: undefined,
      origins: 0,
    });
  });

  it('puts failures that differ only in the values of their message in one group, and measures it', () => {
    const report = reportOf([
      [record({ traceId: tid('1'), message: 'user 123 not found', start: ms(100), duration: ms(10) })],
      [],
      [
        record({
          traceId: tid('2'),
          spanId: sid('a'),
          message: 'user 456 not found',
          start: ms(300),
          duration: ms(30),
        }),
        record({
          traceId: tid('2'),
          spanId: sid('b'),
          message: 'user 789 not found',
          start: ms(250),
          duration: ms(20),
          timedOut: true,
        }),
      ],
    ]);
    expect(report).toMatchObject({ tracesAnalysed: 3, tracesWithErrors: 2, errorSpans: 3 });
    expect(report.groups).toEqual([
      {
        service: 'shop',
        operation: 'charge',
        errorType: 'HTTP 502',
        message: 'user <n> not found',
        errorClass: 'origin',
        where: undefined,
        count: 3,
        traces: 2,
        timedOut: 1,
        firstSeen: ms(100),
        lastSeen: ms(300),
        // 10, 20, 30 ms: the median by nearest rank is 20.
        p50: ms(20),
        max: ms(30),
        origin: undefined,
        examples: [tid('2'), tid('1')],
      },
    ]);
  });

  it('keeps three example traces, the most recent first', () => {
    const report = reportOf(
      [3, 1, 5, 2, 4].map((n) => [record({ traceId: tid(String(n)), start: ms(n * 10) })]),
    );
    expect(report.groups[0]!.examples).toEqual([tid('5'), tid('4'), tid('3')]);
    expect(report.groups[0]!.traces).toBe(5);
  });

  it('separates what the key holds: service, operation, error type, message, class', () => {
    const report = reportOf([
      [
        record({}),
        record({ service: 'cart' }),
        record({ operation: 'refund' }),
        record({ errorType: 'HTTP 503' }),
        record({ message: 'insufficient funds' }),
        record({ errorClass: 'propagated', origin: point('bank', 'POST', 'HTTP 500') }),
      ],
    ]);
    expect(report.groups).toHaveLength(6);
  });

  it('--group-by service folds operations, error types and messages together, but not classes', () => {
    const report = reportOf(
      [
        [
          record({ operation: 'charge', errorType: 'HTTP 502', message: 'a' }),
          record({ operation: 'refund', errorType: 'TimeoutError', message: 'b' }),
          record({ errorClass: 'propagated', origin: point('bank', 'POST', 'HTTP 500') }),
        ],
      ],
      'service',
    );
    expect(
      report.groups.map((g) => [g.service, g.operation, g.errorType, g.message, g.errorClass, g.count]),
    ).toEqual([
      ['shop', undefined, undefined, undefined, 'origin', 2],
      ['shop', undefined, undefined, undefined, 'propagated', 1],
    ]);
  });

  it('--group-by exception folds services and operations together', () => {
    const report = reportOf(
      [
        [
          record({ service: 'shop', operation: 'charge' }),
          record({ service: 'cart', operation: 'checkout' }),
        ],
      ],
      'exception',
    );
    expect(report.groups.map((g) => [g.service, g.operation, g.errorType, g.message, g.count])).toEqual([
      [undefined, undefined, 'HTTP 502', 'card declined', 2],
    ]);
  });

  it('--group-by operation keeps service and operation, and leaves the error out', () => {
    const report = reportOf(
      [[record({ errorType: 'A', message: 'x' }), record({ errorType: 'B', message: 'y' })]],
      'operation',
    );
    expect(report.groups.map((g) => [g.service, g.operation, g.errorType, g.message, g.count])).toEqual([
      ['shop', 'charge', undefined, undefined, 2],
    ]);
  });

  it('orders groups by count, then traces, then origins and timeouts before the rest', () => {
    const report = reportOf([
      [
        record({ operation: 'recovered', errorClass: 'recovered' }),
        record({ operation: 'propagated', errorClass: 'propagated' }),
        record({ operation: 'timeout', errorClass: 'timeout' }),
        record({ operation: 'origin', errorClass: 'origin' }),
        record({ operation: 'twice in one trace' }),
        record({ operation: 'twice in one trace' }),
      ],
      [record({ operation: 'in two traces' })],
      [record({ operation: 'in two traces' })],
    ]);
    expect(report.groups.map((g) => g.operation)).toEqual([
      'in two traces',
      'twice in one trace',
      'origin',
      'timeout',
      'propagated',
      'recovered',
    ]);
  });

  it('names the origin most of a propagated group goes back to, keeping the smallest peer', () => {
    const from = (origin: FailurePoint) =>
      record({ errorClass: 'propagated', errorType: 'HTTP 502', origin });
    const report = reportOf([
      [from(point('orders', 'GET', 'ECONNREFUSED', '10.0.0.9:80'))],
      [from(point('orders', 'GET', 'ECONNREFUSED', '10.0.0.7:80'))],
      [from(point('orders', 'GET', 'ECONNREFUSED'))],
      [from(point('db', 'SELECT', 'timeout'))],
    ]);
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]!.origin).toEqual({
      service: 'orders',
      operation: 'GET',
      errorType: 'ECONNREFUSED',
      peer: '10.0.0.7:80',
      count: 3,
    });
  });

  it('traces each failing trace to one origin, that of its topmost unrecovered record', () => {
    const refused = point('orders', 'GET', 'ECONNREFUSED');
    const report = reportOf([
      // Records come in tree order: the first unrecovered one is the topmost.
      [
        record({ errorClass: 'recovered', operation: 'retried' }),
        record({ errorClass: 'propagated', operation: 'checkout', origin: refused }),
        record({ operation: 'GET', service: 'orders', errorType: 'ECONNREFUSED' }),
      ],
      [record({ errorClass: 'propagated', operation: 'checkout', origin: refused })],
      [record({ operation: 'validate', errorType: 'ValidationError', peer: 'x' })],
      // Only recovered: not a failing trace.
      [record({ errorClass: 'recovered' })],
    ]);
    expect(report.topOrigin).toEqual({ point: refused, traces: 2, failingTraces: 3 });
    expect(report.origins).toBe(2);
  });

  it('crowns no origin when none goes back to more failing traces than every other', () => {
    const report = reportOf([
      [record({ operation: 'a', errorType: 'ECONNREFUSED' })],
      [record({ operation: 'b', errorType: 'ValidationError' })],
      [record({ operation: 'c', errorType: 'Timeout' })],
    ]);
    expect(report.topOrigin).toBeUndefined();
    expect(report.origins).toBe(3);
  });

  it('with a service in view, traces failures to origins of that service’s own spans', () => {
    const report = reportOf(
      [
        [
          record({ service: 'gateway', where: 'downstream', errorClass: 'propagated' }),
          record({ service: 'shop', where: 'in-service', operation: 'charge', errorType: 'HTTP 502' }),
        ],
        [record({ service: 'gateway', where: 'downstream' })],
      ],
      'all',
      'shop',
    );
    expect(report.service).toBe('shop');
    expect(report.topOrigin).toEqual({
      point: point('shop', 'charge', 'HTTP 502', undefined),
      traces: 1,
      failingTraces: 1,
    });
    expect(report.groups.map((g) => g.where).sort()).toEqual(['downstream', 'downstream', 'in-service']);
  });

  it('gives the same report whatever order the traces come in', () => {
    const traces = [
      [
        record({ traceId: tid('1'), start: ms(1) }),
        record({ traceId: tid('1'), operation: 'b', start: ms(2) }),
      ],
      [record({ traceId: tid('2'), operation: 'b', start: ms(3) })],
      [record({ traceId: tid('3'), operation: 'c', errorClass: 'timeout', start: ms(4) })],
      [record({ traceId: tid('4'), operation: 'd', start: ms(5) })],
    ];
    expect(reportOf([...traces].reverse())).toEqual(reportOf(traces));
  });
});
