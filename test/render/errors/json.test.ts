import { describe, expect, it } from 'vitest';
import { nanos } from '../../../src/model/units.js';
import { ErrorsDocumentSchema } from '../../../src/render/contracts/errors.js';
import { buildErrorsDocument, type ErrorsVerdict } from '../../../src/render/errors/json.js';
import { errorGroup, errorReport, propagatedGroup, REFUSED_POINT } from '../../helpers/error-report.js';
import { tid } from '../../helpers/make-span.js';

const VERDICT: ErrorsVerdict = { failOn: 'any', maxErrors: 0, failingSpans: 4, failed: true };

describe('buildErrorsDocument', () => {
  it('satisfies the errors contract', () => {
    const doc = buildErrorsDocument(errorReport(), VERDICT, 10);
    expect(ErrorsDocumentSchema.safeParse(doc).error).toBeUndefined();
  });

  it('the counts, the verdict, and the summary with the top origin', () => {
    const doc = buildErrorsDocument(errorReport(), VERDICT, 10);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      service: null,
      groupBy: 'all',
      tracesAnalysed: 7,
      tracesWithErrors: 2,
      errorSpans: 4,
      failOn: 'any',
      maxErrors: 0,
      failingSpans: 4,
      failed: true,
      groupsTotal: 2,
    });
    expect(doc.summary).toEqual({
      text: '4 failing spans in 2 traces (29% of 7 traces analysed). 100% of the 2 traces with an unrecovered failure trace back to user-service › GET → 127.0.0.1:4001: ECONNREFUSED.',
      topOrigin: { ...REFUSED_POINT, traces: 2, failingTraces: 2 },
    });
  });

  it('a group: dimensions, class, share of traces, times in ISO and ms, origin and examples', () => {
    const [origin, propagated] = buildErrorsDocument(errorReport(), VERDICT, 10).groups;
    expect(origin).toEqual({
      service: 'user-service',
      operation: 'GET',
      errorType: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED <ip>:<n>',
      class: 'origin',
      where: null,
      count: 2,
      traces: 2,
      traceShare: 0.2857,
      timedOut: 0,
      firstSeen: '2023-11-14T22:13:20.000Z',
      lastSeen: '2023-11-14T22:14:20.000Z',
      p50Ms: 4,
      maxMs: 6,
      origin: null,
      examples: [tid('a1'), tid('a2')],
    });
    expect(propagated).toMatchObject({
      class: 'propagated',
      errorType: 'HTTP 502',
      message: '',
      origin: { ...REFUSED_POINT, count: 2 },
    });
  });

  it('null for the dimensions --group-by leaves out, and for a missing peer', () => {
    const report = errorReport({
      groupBy: 'exception',
      groups: [
        propagatedGroup({
          service: undefined,
          operation: undefined,
          message: undefined,
          origin: { service: 's', operation: 'o', errorType: 'E', peer: undefined, count: 1 },
        }),
      ],
      topOrigin: {
        point: { service: 's', operation: 'o', errorType: 'E', peer: undefined },
        traces: 1,
        failingTraces: 2,
      },
    });
    const doc = buildErrorsDocument(report, VERDICT, 10);
    expect(doc.groupBy).toBe('exception');
    expect(doc.groups[0]).toMatchObject({
      service: null,
      operation: null,
      message: null,
      errorType: 'HTTP 502',
    });
    expect(doc.groups[0]!.origin!.peer).toBeNull();
    expect(doc.summary.topOrigin!.peer).toBeNull();
    expect(ErrorsDocumentSchema.safeParse(doc).error).toBeUndefined();
  });

  it('the service in view, and where each group failed relative to it', () => {
    const report = errorReport({
      service: 'user-service',
      groups: [errorGroup({ where: 'in-service' }), errorGroup({ service: 'db', where: 'downstream' })],
    });
    const doc = buildErrorsDocument(report, VERDICT, 10);
    expect(doc.service).toBe('user-service');
    expect(doc.groups.map((g) => g.where)).toEqual(['in-service', 'downstream']);
  });

  it('only the top groups, but the total of them all', () => {
    const doc = buildErrorsDocument(errorReport(), VERDICT, 1);
    expect(doc.groups.map((g) => g.class)).toEqual(['origin']);
    expect(doc.groupsTotal).toBe(2);
  });

  it('no errors: no groups, no top origin', () => {
    const doc = buildErrorsDocument(
      errorReport({ tracesWithErrors: 0, errorSpans: 0, groups: [], topOrigin: undefined }),
      { failOn: 'origin', maxErrors: 3, failingSpans: 0, failed: false },
      10,
    );
    expect(doc).toMatchObject({ groups: [], groupsTotal: 0, failed: false, failOn: 'origin', maxErrors: 3 });
    expect(doc.summary).toEqual({ text: 'No errors in 7 traces analysed.', topOrigin: null });
    expect(ErrorsDocumentSchema.safeParse(doc).error).toBeUndefined();
  });

  it('rounds durations to the microsecond and shares to four decimals', () => {
    const doc = buildErrorsDocument(
      errorReport({ tracesAnalysed: 3, groups: [errorGroup({ p50: nanos(1_234_567n), traces: 1 })] }),
      VERDICT,
      10,
    );
    expect(doc.groups[0]).toMatchObject({ p50Ms: 1.235, traceShare: 0.3333 });
  });
});
