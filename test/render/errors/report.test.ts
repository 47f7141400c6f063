import { describe, expect, it } from 'vitest';
import type { ErrorGroup } from '../../../src/analysis/group-errors.js';
import { ErrorsDocumentSchema } from '../../../src/render/contracts/errors.js';
import type { ErrorsVerdict } from '../../../src/render/errors/json.js';
import { errorsReport } from '../../../src/render/errors/report.js';
import { PLAIN_STYLE } from '../../../src/render/style.js';
import { errorGroup, errorReport, propagatedGroup } from '../../helpers/error-report.js';
import { tid } from '../../helpers/make-span.js';

const VERDICT: ErrorsVerdict = { failOn: 'any', maxErrors: 0, failingSpans: 4, failed: true };
const notRecovered = (g: ErrorGroup) => g.errorClass !== 'recovered';

describe('errorsReport', () => {
  it('the title names the service in view', () => {
    expect(errorsReport(errorReport(), VERDICT, 10, notRecovered).title).toBe('Errors');
    expect(errorsReport(errorReport({ service: 'web\u001b' }), VERDICT, 10, notRecovered).title).toBe(
      'Errors in web\\u{1b}',
    );
  });

  it('a check per group shown: where and what failed, how often, the origin, an example trace', () => {
    const report = errorsReport(errorReport(), VERDICT, 10, notRecovered);
    expect(report.command).toBe('otrace errors');
    expect(report.checks).toEqual([
      {
        name: '#1 origin user-service › GET ECONNREFUSED: connect ECONNREFUSED <ip>:<n>',
        status: 'failed',
        severity: 'error',
        message: '2 failing span(s) in 2 trace(s)',
        traceId: tid('a1'),
      },
      {
        name: '#2 propagated user-service › get_user_orders HTTP 502',
        status: 'failed',
        severity: 'error',
        message: '2 failing span(s) in 2 trace(s), from user-service › GET → 127.0.0.1:4001: ECONNREFUSED',
        traceId: tid('a1'),
      },
    ]);
  });

  it('a group that does not count against the run passes', () => {
    const report = errorsReport(
      errorReport({ groups: [errorGroup(), errorGroup({ errorClass: 'recovered', operation: 'retry' })] }),
      VERDICT,
      10,
      notRecovered,
    );
    expect(report.checks.map((c) => [c.name.split(' ').slice(0, 2).join(' '), c.status])).toEqual([
      ['#1 origin', 'failed'],
      ['#2 recovered', 'passed'],
    ]);
  });

  it('(all) when the group names no service or operation', () => {
    const report = errorsReport(
      errorReport({
        groupBy: 'exception',
        groups: [propagatedGroup({ service: undefined, operation: undefined })],
      }),
      VERDICT,
      10,
      notRecovered,
    );
    expect(report.checks[0]!.name).toBe('#1 propagated (all) HTTP 502');
  });

  it('only the top groups become checks; the JSON items are the same groups', () => {
    const report = errorsReport(errorReport(), VERDICT, 1, notRecovered);
    expect(report.checks).toHaveLength(1);
    const doc = ErrorsDocumentSchema.parse(report.json);
    expect(report.items).toEqual(doc.groups);
    expect(doc.groupsTotal).toBe(2);
  });

  it('the summary is the text’s last paragraph', () => {
    const report = errorsReport(errorReport(), VERDICT, 10, notRecovered);
    expect(report.summary).toMatch(/^4 failing spans in 2 traces/);
    expect(report.text(PLAIN_STYLE, 100).endsWith(`\n${report.summary}\n`)).toBe(true);
  });

  it('escapes span data in check names and messages', () => {
    const report = errorsReport(
      errorReport({
        groups: [
          propagatedGroup({
            operation: 'op\n',
            message: 'm\u0007',
            origin: { service: 's', operation: 'o', errorType: 'T\u001b', peer: undefined, count: 1 },
          }),
        ],
      }),
      VERDICT,
      10,
      notRecovered,
    );
    expect(report.checks[0]!.name).toBe('#1 propagated user-service › op\\n HTTP 502: m\\u{07}');
    expect(report.checks[0]!.message).toBe('2 failing span(s) in 2 trace(s), from s › o: T\\u{1b}');
  });
});
