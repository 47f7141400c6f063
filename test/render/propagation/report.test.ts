import { describe, expect, it } from 'vitest';
import { PropagationDocumentSchema } from '../../../src/render/contracts/propagation.js';
import { propagationReportOf } from '../../../src/render/propagation/report.js';
import { PLAIN_STYLE } from '../../../src/render/style.js';
import {
  BROKEN_EDGE,
  CALLER_TRACE,
  FINDINGS,
  propagationReport,
  WHOLE_EDGE,
} from '../../helpers/propagation-report.js';

describe('propagationReportOf', () => {
  it('a check per edge: failed when calls split or went unanswered, with the first such finding', () => {
    const report = propagationReportOf(propagationReport(), { failOn: 'error', failed: true });
    expect(report.checks.slice(0, 2)).toEqual([
      {
        name: 'user-service → order-service',
        status: 'failed',
        severity: 'error',
        message: 'order-service continued 1 of 3 calls from user-service (1 split, 1 unanswered)',
        traceId: CALLER_TRACE,
        details:
          'user-service › GET called order-service (order-service:8080), which started a new trace 7de09c051203f84f (GET /orders) instead of continuing this one: order-service did not extract the trace context (no propagator, or another format, such as B3 against W3C)',
      },
      {
        name: 'web → user-service',
        status: 'passed',
        severity: 'error',
        message: 'user-service continued 12 of 12 calls from web',
        traceId: undefined,
        details: undefined,
      },
    ]);
  });

  it('a check per finding that is not about an edge, failed at or above --fail-on', () => {
    const findings = [FINDINGS.contextLost, FINDINGS.clockSkew, FINDINGS.hiddenHop, FINDINGS.rootNotArrived];
    const checks = (failOn: 'error' | 'warning' | 'info') =>
      propagationReportOf(propagationReport({ findings, edges: [] }), { failOn, failed: true }).checks.map(
        (c) => [c.name, c.status, c.severity],
      );
    expect(checks('error')).toEqual([
      ['context-lost worker › process b7ad6b7169203331', 'failed', 'error'],
      ['clock-skew user-service › GET 00f067aa0ba902b7', 'passed', 'warning'],
      ['hidden-hop user-service › GET 00f067aa0ba902b7', 'passed', 'notice'],
      ['orphan-span order-service › GET /orders b7ad6b7169203331', 'passed', 'notice'],
    ]);
    expect(checks('info').map((c) => c[1])).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(checks('warning').map((c) => c[1])).toEqual(['failed', 'failed', 'passed', 'passed']);
  });

  it('split traces and unanswered calls are reported through their edge, not on their own', () => {
    const report = propagationReportOf(
      propagationReport({ findings: [FINDINGS.splitHop, FINDINGS.unanswered] }),
      {
        failOn: 'info',
        failed: true,
      },
    );
    expect(report.checks.map((c) => c.name)).toEqual(['user-service → order-service', 'web → user-service']);
  });

  it('the JSON is the document and its items the findings; the summary heads the text’s last line', () => {
    const report = propagationReportOf(propagationReport(), { failOn: 'error', failed: true });
    const doc = PropagationDocumentSchema.parse(report.json);
    expect(report.items).toEqual(doc.findings);
    expect(report).toMatchObject({ command: 'otrace check-propagation', title: 'Trace context propagation' });
    expect(report.summary).toBe(doc.summary);
    expect(report.text(PLAIN_STYLE, 200).endsWith(`\n${report.summary}\n`)).toBe(true);
  });

  it('escapes service names in check names', () => {
    const report = propagationReportOf(
      propagationReport({ findings: [], edges: [{ ...BROKEN_EDGE, caller: 'a\u001b' }, WHOLE_EDGE] }),
      { failOn: 'error', failed: false },
    );
    expect(report.checks[0]!.name).toBe('a\\u{1b} → order-service');
  });
});
