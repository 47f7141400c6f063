import { describe, expect, it } from 'vitest';
import { ShowDocumentSchema } from '../../../src/render/contracts/show.js';
import { showReport } from '../../../src/render/show/report.js';
import { PLAIN_STYLE } from '../../../src/render/style.js';
import { TEST_TRACE_ID } from '../../helpers/make-span.js';
import { analyse, CHECKOUT, REFUSED, TREE_OPTIONS } from '../../helpers/show-scenarios.js';

const { style: _style, width: _width, ...TEXT_OPTIONS } = TREE_OPTIONS;

describe('showReport', () => {
  it('a healthy trace: one passed check named after the root and the trace', () => {
    const report = showReport(analyse(CHECKOUT), TEXT_OPTIONS);
    expect(report).toMatchObject({
      command: 'otrace show',
      title: `Trace ${TEST_TRACE_ID}`,
      summary: 'No errors.',
    });
    expect(report.checks).toEqual([
      {
        name: `GET /checkout (web) ${TEST_TRACE_ID}`,
        status: 'passed',
        severity: 'error',
        message: 'No errors.',
        traceId: TEST_TRACE_ID,
      },
    ]);
  });

  it('a failed trace: the check fails with the diagnosis', () => {
    const report = showReport(analyse(REFUSED), TEXT_OPTIONS);
    const verdict =
      'user-service → 127.0.0.1:4001 failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4001 in get_user_orders › GET after 6.0ms.';
    expect(report.summary).toBe(verdict);
    expect(report.checks).toEqual([
      {
        name: `get_user_profile (user-service) ${TEST_TRACE_ID}`,
        status: 'failed',
        severity: 'error',
        message: verdict,
        traceId: TEST_TRACE_ID,
      },
    ]);
  });

  it('orphans, truncation and cycles add failed warnings; other findings add no check', () => {
    const report = showReport(
      analyse(
        [
          { id: '1', name: 'root', startMs: 0, endMs: 10 },
          { id: '2', parent: 'ff', name: 'stray', startMs: 1, endMs: 2 },
          { id: '3', parent: 'ee', name: 'lost', startMs: 3, endMs: 4 },
          { id: '3', parent: 'ee', name: 'same id', startMs: 5, endMs: 6, warnings: ['clock skew adjusted'] },
        ],
        [],
        ['trace has more than 10000 spans'],
      ),
      TEXT_OPTIONS,
    );
    expect(report.checks.map((c) => [c.name, c.status, c.severity])).toEqual([
      [`root (svc) ${TEST_TRACE_ID}`, 'passed', 'error'],
      ['orphan-span 1', 'failed', 'warning'],
      ['orphan-span 2', 'failed', 'warning'],
      ['orphan-span 3', 'failed', 'warning'],
      ['truncated-trace 4', 'failed', 'warning'],
    ]);
    expect(report.checks[4]!.message).toBe(
      'the backend truncated this trace: trace has more than 10000 spans',
    );
  });

  it('the JSON is the show document and its items are the spans', () => {
    const report = showReport(analyse(REFUSED), TEXT_OPTIONS);
    const doc = ShowDocumentSchema.parse(report.json);
    expect(report.items).toEqual(doc.spans);
    expect(report.items).toHaveLength(4);
  });

  it('the text is the show text, with the style and width given', () => {
    const report = showReport(analyse(CHECKOUT), { ...TEXT_OPTIONS, timeline: true });
    const lines = report.text(PLAIN_STYLE, 60).split('\n');
    expect(lines[0]).toBe(`Trace ${TEST_TRACE_ID}  100ms  5 spans  2 services  no failed spans`);
    expect(lines[3]).toMatch(/^GET \/checkout \(web\) 100ms\* +│█+│$/);
  });

  it('escapes the root name in the check name', () => {
    const report = showReport(analyse([{ name: 'x\u001by', startMs: 0, endMs: 1 }]), TEXT_OPTIONS);
    expect(report.checks[0]!.name).toBe(`x\\u{1b}y (svc) ${TEST_TRACE_ID}`);
  });
});
