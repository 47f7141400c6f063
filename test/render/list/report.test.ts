import { describe, expect, it } from 'vitest';
import type { TraceSummary } from '../../../src/model/summary.js';
import { ListDocumentSchema } from '../../../src/render/contracts/list.js';
import { listReport } from '../../../src/render/list/report.js';
import { PLAIN_STYLE } from '../../../src/render/style.js';
import { tid } from '../../helpers/make-span.js';
import { traceSummary } from '../../helpers/trace-summary.js';

const summary = (overrides: Partial<TraceSummary> = {}) =>
  traceSummary({ start: 1_700_000_000_000_000_000n, durationMs: 12, ...overrides });

describe('listReport', () => {
  const report = listReport([summary(), summary({ traceId: tid('b2'), errorCount: 0, spanCount: 1 })]);

  it('counts the traces and those with errors', () => {
    expect(report).toMatchObject({
      command: 'otrace list',
      title: '2 trace(s)',
      summary: '2 trace(s), 1 with errors.',
    });
  });

  it('a check per trace: failed (a warning) when it has failing spans', () => {
    expect(report.checks).toEqual([
      {
        name: `GET /users (user-service) ${tid('a1')}`,
        status: 'failed',
        severity: 'warning',
        message: '3 failing span(s) of 7',
        traceId: tid('a1'),
      },
      {
        name: `GET /users (user-service) ${tid('b2')}`,
        status: 'passed',
        severity: 'warning',
        message: '1 span(s), no errors',
        traceId: tid('b2'),
      },
    ]);
  });

  it('the JSON is the list document and its items are the traces', () => {
    const doc = ListDocumentSchema.parse(report.json);
    expect(report.items).toEqual(doc.traces);
    expect(doc.traces).toHaveLength(2);
  });

  it('the text is the table', () => {
    expect(report.text(PLAIN_STYLE, 120)).toContain('│ 000000000000000000000000000000b2 │');
  });

  it('escapes span data in check names', () => {
    const [check] = listReport([summary({ rootName: 'a\nb' })]).checks;
    expect(check!.name).toBe(`a\\nb (user-service) ${tid('a1')}`);
  });
});
