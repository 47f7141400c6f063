import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analysis/analyze-trace.js';
import { collectErrorRecords, type ErrorRecord } from '../../src/analysis/error-records.js';
import { ErrorAccumulator } from '../../src/analysis/group-errors.js';
import type { Trace } from '../../src/model/types.js';
import { analyzeSpans } from '../helpers/analyze-doc.js';
import { loadFile } from '../helpers/load-file.js';
import { frozen, makeTrace } from '../helpers/make-span.js';

/** Error records and groups on our real-SDK scenarios and on the real files with known answers. */
const seed = (name: string) => new URL(`../../fixtures/seed/${name}.otlp.json`, import.meta.url);

async function recordsOf(url: URL, service?: string): Promise<ErrorRecord[]> {
  const { traces } = await loadFile(url);
  return traces.flatMap((t: Trace) => collectErrorRecords(analyzeTrace(frozen(t), { limits: [] }), service));
}

const brief = (records: readonly ErrorRecord[]) =>
  records.map(
    (r) =>
      `${r.errorClass} ${r.service} ${r.operation}${r.origin ? ` ← ${r.origin.service} ${r.origin.operation}` : ''}`,
  );

describe('collectErrorRecords on the seed scenarios', () => {
  it('order-service-down: the refused call is the origin, its callers propagate it', async () => {
    const records = await recordsOf(seed('order-service-down'));
    expect(brief(records)).toEqual([
      'propagated user-service GET ← user-service GET',
      'propagated user-service get_user_profile ← user-service GET',
      'propagated user-service get_user_orders ← user-service GET',
      'origin user-service GET',
    ]);
    const origin = records.find((r) => r.errorClass === 'origin')!;
    expect(origin.errorType).toBe('ECONNREFUSED');
    expect(origin.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(records[0]!.errorType).toBe('HTTP 502');
  });

  it('order-service-slow: the timeout is reported at the slow database call behind it', async () => {
    const records = await recordsOf(seed('order-service-slow'));
    const timeouts = records.filter((r) => r.errorClass === 'timeout');
    expect(timeouts.map((r) => `${r.service} ${r.operation} ${r.errorType}`)).toEqual([
      'order-service query_orders slow span behind a timeout',
    ]);
    expect(
      records
        .filter((r) => r.errorClass === 'propagated')
        .every((r) => r.origin?.operation === 'query_orders'),
    ).toBe(true);
    expect(records.every((r) => r.timedOut)).toBe(true);
  });

  it('retry-recovers: the failed attempt and what it failed are recovered, nothing else fails', async () => {
    const records = await recordsOf(seed('retry-recovers'));
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.errorClass === 'recovered')).toBe(true);
  });

  it('db-error-fanout: the database error is the one origin, both callers propagate it', async () => {
    const records = await recordsOf(seed('db-error-fanout'));
    const origins = records.filter((r) => r.errorClass === 'origin');
    expect(origins.map((r) => `${r.service} ${r.operation} ${r.errorType}`)).toEqual([
      'order-service query_recommendations 42P01',
    ]);
    expect(
      records
        .filter((r) => r.errorClass === 'propagated')
        .every((r) => r.origin?.operation === 'query_recommendations'),
    ).toBe(true);
  });

  it('--service keeps its own spans and what it saw through its failing calls, and says which', async () => {
    const all = await recordsOf(seed('db-error-fanout'));
    const seen = await recordsOf(seed('db-error-fanout'), 'user-service');
    expect(seen.length).toBe(all.length);
    expect(seen.filter((r) => r.where === 'downstream').every((r) => r.service === 'order-service')).toBe(
      true,
    );
    expect(seen.filter((r) => r.where === 'in-service').every((r) => r.service === 'user-service')).toBe(
      true,
    );
    expect(await recordsOf(seed('db-error-fanout'), 'no-such-service')).toEqual([]);
  });

  it('healthy: no records', async () => {
    expect(await recordsOf(seed('healthy'))).toEqual([]);
  });
});

describe('ErrorAccumulator', () => {
  it('groups equal failures across traces and counts traces, not spans, for shares', async () => {
    const { traces } = await loadFile(seed('order-service-down'));
    const accumulator = new ErrorAccumulator('all', 'user-service');
    const records = collectErrorRecords(analyzeTrace(traces[0]!, { limits: [] }), 'user-service');
    // The same failure in three requests, one healthy request beside them.
    for (let i = 0; i < 3; i++)
      accumulator.addTrace(records.map((r) => ({ ...r, traceId: `${i}`.padStart(32, '0') as never })));
    accumulator.addTrace([]);
    const report = accumulator.report();
    expect(report.tracesAnalysed).toBe(4);
    expect(report.tracesWithErrors).toBe(3);
    const origin = report.groups.find((g) => g.errorClass === 'origin')!;
    expect(origin).toMatchObject({
      count: 3,
      traces: 3,
      errorType: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED <ip>',
    });
    expect(origin.examples).toHaveLength(3);
    expect(report.topOrigin).toMatchObject({
      traces: 3,
      failingTraces: 3,
      point: { errorType: 'ECONNREFUSED' },
    });
  });

  it('--group-by service folds operations and error types together', async () => {
    const { traces } = await loadFile(seed('order-service-down'));
    const accumulator = new ErrorAccumulator('service', undefined);
    accumulator.addTrace(collectErrorRecords(analyzeTrace(traces[0]!, { limits: [] }), undefined));
    const groups = accumulator.report().groups;
    expect(groups.map((g) => [g.errorClass, g.service, g.operation, g.errorType, g.count])).toEqual([
      ['propagated', 'user-service', undefined, undefined, 3],
      ['origin', 'user-service', undefined, undefined, 1],
    ]);
  });
});

const REAL = new URL('../../../shared/fixtures-real/otlp/', import.meta.url);
describe.skipIf(!existsSync(REAL))(
  'errors on real files with known answers (skipped: ../shared/fixtures-real absent)',
  () => {
    const real = (name: string) => new URL(name, REAL);

    it('masked timeout: reported as a timeout at frontend POST 909a94f934468e91, the proxy 504 propagates it', async () => {
      const records = await recordsOf(
        real(
          'jaegertracing__jaeger__cmd__jaeger__internal__extension__jaegerquery__internal__mcptools__internal__handlers__testdata__skills__error_timeout_masked.json',
        ),
      );
      const timeouts = records.filter((r) => r.errorClass === 'timeout');
      expect(timeouts.map((r) => r.spanId)).toEqual(['909a94f934468e91']);
      const proxy = records.find((r) => r.errorType === 'HTTP 504')!;
      expect(proxy.errorClass).toBe('propagated');
      expect(proxy.origin).toMatchObject({ service: 'frontend', operation: 'POST' });
    });

    it('sibling errors: the trace goes back to payment, the earlier failure', async () => {
      const { traces } = await loadFile(
        real(
          'jaegertracing__jaeger__cmd__jaeger__internal__extension__jaegerquery__internal__mcptools__internal__handlers__testdata__skills__sibling_errors.json',
        ),
      );
      const accumulator = new ErrorAccumulator('all', undefined);
      accumulator.addTrace(collectErrorRecords(analyzeTrace(traces[0]!, { limits: [] }), undefined));
      expect(accumulator.report().topOrigin?.point.service).toBe('payment');
    });

    it("Tempo's failed request: the origin is pg.query:INSERT", async () => {
      const records = await recordsOf(
        real(
          'grafana__tempo__modules__generator__processor__servicegraphs__testdata__trace-with-failed-requests.json',
        ),
      );
      expect(records.filter((r) => r.errorClass === 'origin').map((r) => r.operation)).toEqual([
        'pg.query:INSERT',
      ]);
    });
  },
);

describe('a recorded exception with the status left unset', () => {
  it('is a failure of its own; an explicit OK status means it was handled', () => {
    const { analysis, factsOf } = analyzeSpans([
      { id: 1, name: 'checkout', startMs: 0, endMs: 50 },
      {
        id: 2,
        parent: 1,
        name: 'charge',
        startMs: 5,
        endMs: 20,
        exception: { type: 'CardDeclined', message: 'card 4242 declined' },
      },
      {
        id: 3,
        parent: 1,
        name: 'notify',
        startMs: 25,
        endMs: 30,
        status: { code: 1 },
        exception: { type: 'SmtpError', message: 'retrying' },
      },
    ]);
    expect(factsOf(2).error).toEqual({ source: 'exception', type: 'CardDeclined' });
    expect(factsOf(3).error).toBeUndefined();
    const records = collectErrorRecords(analysis, undefined);
    expect(records.map((r) => [r.operation, r.errorClass, r.errorType, r.message])).toEqual([
      ['charge', 'origin', 'CardDeclined', 'card 4242 declined'],
    ]);
  });
});

describe('the error type without an exception', () => {
  const recordOf = (attributes: Record<string, string | number>) => {
    const trace = makeTrace([
      {
        id: 'a',
        name: 'GET',
        service: 'user-service',
        kind: 'client',
        status: { code: 'error', message: '' },
        attributes,
      },
    ]);
    return collectErrorRecords(analyzeTrace(frozen(trace), { limits: [] }), undefined)[0]!;
  };

  it("is the semantic conventions' error.type, unless that is only a status code or _OTHER", () => {
    expect(recordOf({ 'error.type': 'java.net.UnknownHostException' }).errorType).toBe(
      'java.net.UnknownHostException',
    );
    expect(recordOf({ 'error.type': '503', 'http.response.status_code': 503 }).errorType).toBe('HTTP 503');
    expect(recordOf({ 'error.type': '_OTHER' }).errorType).toBe('error');
    expect(recordOf({}).errorType).toBe('error');
  });
});
