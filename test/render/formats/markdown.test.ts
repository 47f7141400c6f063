import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/render/formats/markdown.js';
import type { ReportCheck } from '../../../src/render/report.js';
import { FAILED_ERROR, FAILED_WARNING, PASSED, reportOf, TRACE_ID } from '../../helpers/report.js';

describe('renderMarkdown', () => {
  it('the verdict, a table of the checks with failures first, the details folded away', () => {
    expect(renderMarkdown(reportOf([PASSED, FAILED_WARNING, FAILED_ERROR])).split('\n')).toEqual([
      `### Trace ${TRACE_ID}`,
      '',
      'user-service → order-service failed: HTTP 502 in GET after 5.0ms.',
      '',
      '**2 failed**, 1 passed.',
      '',
      '| | check | result |',
      '|---|---|---|',
      '| ⚠️ | orphan-span 1 | stray (svc): parent 00000000000000ff is not in the trace |',
      `| ❌ | GET (user-service) | user-service → order-service failed: HTTP 502 (\`${TRACE_ID}\`) |`,
      '| ✅ | web → user-service | user-service continued 12 of 12 calls from web |',
      '',
      '<details><summary>Details</summary>',
      '',
      '**GET (user-service)**',
      '',
      '```',
      `trace ${TRACE_ID} span 00f067aa0ba902b7: HTTP 502`,
      'second line',
      '```',
      '',
      '</details>',
      '',
    ]);
  });

  it('no checks: the verdict only', () => {
    expect(
      renderMarkdown(reportOf([], { title: 'Errors', summary: 'No errors in 3 traces analysed.' })),
    ).toBe('### Errors\n\nNo errors in 3 traces analysed.\n\n');
  });

  it('no details section when no failed check has details', () => {
    const md = renderMarkdown(reportOf([FAILED_WARNING, { ...PASSED, details: 'passed checks show none' }]));
    expect(md).not.toContain('<details>');
    expect(md).not.toContain('passed checks show none');
  });

  it('escapes Markdown in text and keeps a table row on one line', () => {
    const md = renderMarkdown(
      reportOf([{ ...FAILED_WARNING, name: 'a|b*c_d', message: 'x <y> [z]\\\r\nw`' }], {
        title: '#1 `t`',
        summary: '**s**',
      }),
    );
    const lines = md.split('\n');
    expect(lines[0]).toBe('### #1 \\`t\\`');
    expect(lines[2]).toBe('\\*\\*s\\*\\*');
    expect(lines[8]).toBe('| ⚠️ | a\\|b\\*c\\_d | x \\<y\\> \\[z\\]\\\\ w\\` |');
  });

  it('a fence in the details cannot close the code block', () => {
    const md = renderMarkdown(reportOf([{ ...FAILED_ERROR, details: 'a\n```\nb' }]));
    expect(md).toContain("```\na\n'''\nb\n```");
  });

  it('shows at most 100 rows and says how many more there are', () => {
    const checks: ReportCheck[] = Array.from({ length: 103 }, (_, i) => ({
      ...PASSED,
      name: `check ${i}`,
    }));
    const lines = renderMarkdown(reportOf(checks)).split('\n');
    expect(lines.filter((l) => l.startsWith('| ✅ |'))).toHaveLength(100);
    expect(lines).toContain('… 3 more checks not shown.');
    expect(lines[4]).toBe('**0 failed**, 103 passed.');
  });
});
