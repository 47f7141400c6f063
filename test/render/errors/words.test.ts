import { describe, expect, it } from 'vitest';
import { CLASS_TEXT, percent, pointText, summaryText } from '../../../src/render/errors/words.js';
import { errorGroup, errorReport } from '../../helpers/error-report.js';

describe('pointText', () => {
  it('service › operation, and → the peer of a call', () => {
    expect(pointText({ service: 'order-service', operation: 'query_orders', peer: undefined })).toBe(
      'order-service › query_orders',
    );
    expect(pointText({ service: 'user-service', operation: 'GET', peer: '127.0.0.1:5432' })).toBe(
      'user-service › GET → 127.0.0.1:5432',
    );
  });

  it('escapes span data', () => {
    expect(pointText({ service: 'a\u001b', operation: 'b\n', peer: 'c\u202e' })).toBe(
      'a\\u{1b} › b\\n → c\\u{202e}',
    );
  });
});

describe('percent', () => {
  it.each([
    [2, 7, '29%'],
    [7, 7, '100%'],
    [0, 7, '0%'],
    [1, 200, '<1%'],
    [1, 0, '0%'],
    [1, 199, '<1%'],
    [1, 100, '1%'],
    [3, 199, '2%'],
  ])('%i of %i is %s', (part, whole, text) => {
    expect(percent(part, whole)).toBe(text);
  });
});

describe('CLASS_TEXT', () => {
  it('names every class', () => {
    expect(CLASS_TEXT).toEqual({
      origin: 'origin',
      timeout: 'timeout',
      propagated: 'propagated',
      recovered: 'recovered',
    });
  });
});

describe('summaryText', () => {
  it('no errors', () => {
    expect(
      summaryText(errorReport({ errorSpans: 0, tracesWithErrors: 0, groups: [], topOrigin: undefined }), 0),
    ).toBe('No errors in 7 traces analysed.');
    expect(
      summaryText(
        errorReport({ service: 'web', errorSpans: 0, tracesWithErrors: 0, groups: [], topOrigin: undefined }),
        0,
      ),
    ).toBe('No errors in web in 7 traces analysed.');
  });

  it('how much failed, and where most failures start', () => {
    expect(summaryText(errorReport(), 4)).toBe(
      '4 failing spans in 2 traces (29% of 7 traces analysed). 100% of the 2 traces with an unrecovered failure trace back to user-service › GET → 127.0.0.1:4001: ECONNREFUSED.',
    );
  });

  it('crowns no origin when none stands out, and says how many there are', () => {
    expect(summaryText(errorReport({ topOrigin: undefined, origins: 2 }), 4)).toBe(
      '4 failing spans in 2 traces (29% of 7 traces analysed). They go back to 2 different origins, none more often than the others.',
    );
  });

  it('with a service: its own failing spans apart from those below it', () => {
    const report = errorReport({
      service: 'user-service',
      errorSpans: 5,
      groups: [
        errorGroup({ count: 3 }),
        errorGroup({ service: 'order-service', where: 'downstream', count: 2 }),
      ],
      topOrigin: {
        point: { service: 'order-service', operation: 'query', errorType: 'PgError', peer: undefined },
        traces: 1,
        failingTraces: 2,
      },
    });
    expect(summaryText(report, 3)).toBe(
      '3 failing spans in user-service and 2 below it in 2 traces (29% of 7 traces analysed). 50% of the 2 traces where user-service failed trace back to order-service › query: PgError.',
    );
  });

  it('counts recovered spans, and says when nothing reaches --fail-on', () => {
    const report = errorReport({
      errorSpans: 1,
      tracesWithErrors: 1,
      groups: [errorGroup({ errorClass: 'recovered', count: 1 })],
      topOrigin: undefined,
    });
    expect(summaryText(report, 0)).toBe(
      '1 failing span in 1 trace (14% of 7 traces analysed). 1 failing span recovered (retried or handled). Nothing at or above --fail-on.',
    );
  });
});
