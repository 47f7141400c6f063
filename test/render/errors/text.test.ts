import { describe, expect, it } from 'vitest';
import { type ErrorsTextOptions, renderErrorsText } from '../../../src/render/errors/text.js';
import { createStyle, PLAIN_STYLE } from '../../../src/render/style.js';
import { errorGroup, errorReport, propagatedGroup } from '../../helpers/error-report.js';
import { tid } from '../../helpers/make-span.js';

const OPTIONS: ErrorsTextOptions = { style: PLAIN_STYLE, width: 100, top: 10, failingSpans: 4 };

/**
 * A borderless table row as the layout promises it: each column as wide as its widest cell,
 * left-aligned but for #, count and p50 / max, columns two spaces apart, no trailing spaces.
 */
const WIDTHS = [1, 5, 7, 10, 25, 25, 13];
const RIGHT = [true, true, false, false, false, false, true];
const row = (...cells: string[]) =>
  cells
    .map((c, i) => (RIGHT[i] ? c.padStart(WIDTHS[i]!) : c.padEnd(WIDTHS[i]!)))
    .join('  ')
    .trimEnd();

describe('renderErrorsText', () => {
  it('a table of the groups, cut to the width, then examples and the summary', () => {
    // width 100: the short columns take 3 + 7 + 9 + 12 + 15 = 46, leaving 100 - 46 - 4 = 50 for
    // `where` (up to half: 25) and `error` (the rest: 25)
    expect(renderErrorsText(errorReport(), OPTIONS).split('\n')).toEqual([
      row('#', 'count', 'traces', 'class', 'where', 'error', 'p50 / max'),
      row('1', '2', '2 (29%)', 'origin', 'user-service › GET', 'ECONNREFUSED: connect EC…', '4.0ms / 6.0ms'),
      row('2', '2', '2 (29%)', 'propagated', 'user-service › get_user_…', 'HTTP 502', '4.0ms / 6.0ms'),
      row('', '', '', '', '', '← user-service › GET → 1…', ''),
      '',
      'Examples (otrace show <trace-id>):',
      `   1  ${tid('a1')}  ${tid('a2')}`,
      `   2  ${tid('a1')}  ${tid('a2')}`,
      '',
      '4 failing spans in 2 traces (29% of 7 traces analysed). 100% of the 2 traces with an unrecovered failure trace back to user-service › GET → 127.0.0.1:4001: ECONNREFUSED.',
      '',
    ]);
  });

  it('cuts nothing that fits: `where` and `error` are only as wide as their cells need', () => {
    const lines = renderErrorsText(errorReport({ groups: [errorGroup()] }), { ...OPTIONS, width: 120 }).split(
      '\n',
    );
    // short columns: 3 + 7 + 9 + 8 + 15 = 42; flexible 120 - 42 - 4 = 74: room for both in full
    expect(lines[1]).toBe(
      [
        '1',
        '    2',
        '2 (29%)',
        'origin',
        'user-service › GET',
        'ECONNREFUSED: connect ECONNREFUSED <ip>:<n>',
        '4.0ms / 6.0ms',
      ].join('  '),
    );
  });

  it('never narrower than 40 columns for `where` and `error` together', () => {
    const lines = renderErrorsText(errorReport(), { ...OPTIONS, width: 20 }).split('\n');
    // where max(16, 20) = 20, error 20
    expect(lines[2]).toContain('  user-service › get_…  HTTP 502  ');
    expect(lines[1]).toContain('  ECONNREFUSED: conne…  ');
  });

  it('says how many groups --top left out', () => {
    const lines = renderErrorsText(errorReport(), { ...OPTIONS, top: 1 }).split('\n');
    expect(lines[2]).toBe('… 1 more groups (--top 2)');
    expect(lines.filter((l) => /^ {3}\d {2}/.test(l))).toHaveLength(1);
  });

  it('marks the spans of other services below the one in view', () => {
    const report = errorReport({
      service: 'user-service',
      groups: [errorGroup({ service: 'order-service', operation: 'query', where: 'downstream' })],
    });
    const lines = renderErrorsText(report, OPTIONS).split('\n');
    expect(lines[1]).toContain('  ↓ order-service › query  ');
    expect(lines[2]).toBe("↓ another service's span, failing below user-service");
  });

  it('(all) when grouped by exception only; the message alone, or the grouping, when there is no type', () => {
    const report = errorReport({
      groupBy: 'exception',
      groups: [
        errorGroup({ service: undefined, operation: undefined }),
        errorGroup({ service: undefined, operation: undefined, errorType: undefined }),
        errorGroup({ service: undefined, operation: undefined, errorType: '', message: '' }),
      ],
    });
    const cells = renderErrorsText(report, OPTIONS)
      .split('\n')
      .slice(1, 4)
      .map((l) => l.split(/ {2,}/).slice(4, 6));
    expect(cells).toEqual([
      ['(all)', 'ECONNREFUSED: connect ECONNREFUSED <ip>:<n>'],
      ['(all)', 'connect ECONNREFUSED <ip>:<n>'],
      ['(all)', '(grouped by service)'],
    ]);
  });

  it('no groups: just the summary', () => {
    expect(
      renderErrorsText(
        errorReport({ tracesWithErrors: 0, errorSpans: 0, groups: [], topOrigin: undefined }),
        {
          ...OPTIONS,
          failingSpans: 0,
        },
      ),
    ).toBe('No errors in 7 traces analysed.\n');
  });

  it('escapes span data in every cell', () => {
    const report = errorReport({
      groups: [
        propagatedGroup({
          service: 'svc\u001b[2J',
          errorType: 'E\u0007',
          origin: { service: 'o\n', operation: 'op', errorType: 'T\u202e', peer: undefined, count: 1 },
        }),
      ],
      topOrigin: undefined,
    });
    const text = renderErrorsText(report, { ...OPTIONS, width: 200 });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(text).toContain('svc\\u{1b}[2J › get_user_orders');
    expect(text).toContain('E\\u{07}');
    expect(text).toContain('← o\\n › op: T\\u{202e}');
  });

  it('colours the class: origins as errors, propagated as warnings, recovered as ok; the origin line dim', () => {
    const report = errorReport({
      groups: [errorGroup(), propagatedGroup(), errorGroup({ errorClass: 'recovered', operation: 'retry' })],
    });
    const text = renderErrorsText(report, { ...OPTIONS, style: createStyle(true) });
    expect(text).toContain('\u001b[31m\u001b[1morigin\u001b[22m\u001b[39m');
    expect(text).toContain('\u001b[33mpropagated\u001b[39m');
    expect(text).toContain('\u001b[32mrecovered\u001b[39m');
    expect(text).toContain('\u001b[2m← user-service › GET → 1…\u001b[22m');
  });
});
