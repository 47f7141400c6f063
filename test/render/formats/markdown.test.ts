import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/render/formats/markdown.js';
import type { ReportCheck } from '../../../src/render/report.js';
import { sanitize } from '../../../src/render/sanitize.js';
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
    expect(lines[0]).toBe('### \\#1 \\`t\\`');
    expect(lines[2]).toBe('\\*\\*s\\*\\*');
    // Line breaks show as the text formats show them, which keeps the row on one line.
    expect(lines[8]).toBe('| ⚠️ | a\\|b\\*c\\_d | x \\<y\\> \\[z\\]\\\\\\\\r\\\\nw\\` |');
  });

  it('escapes & (a character reference) and ~ (strikethrough)', () => {
    const md = renderMarkdown(reportOf([], { summary: '&amp; &#64;ops ~~gone~~' }));
    expect(md.split('\n')[2]).toBe('\\&amp; \\&\\#64;ops \\~\\~gone\\~\\~');
  });

  it('escapes controls itself, whoever built the report', () => {
    const md = renderMarkdown(
      reportOf(
        [{ ...FAILED_ERROR, name: 'n\u001b[2J', message: 'm\u202e', details: 'd\u009b\nsecond\u2066' }],
        {
          title: 't\u0007',
          summary: 's\u200b',
        },
      ),
    );
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b\u202a-\u202e\u2066-\u2069]/);
    expect(md).toContain('### t\\\\u{07}\n\ns\\\\u{200b}\n');
    expect(md).toContain('| ❌ | n\\\\u{1b}\\[2J | m\\\\u{202e} (`');
    expect(md).toContain('```\nd\\u{9b}\nsecond\\u{2066}\n```');
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

/**
 * The text a reader sees in one line of our Markdown, and the parts of it outside code spans: `\X`
 * is X, a code span (which never holds a backtick: see markdown.ts) is its content as it is.
 */
function rendered(line: string): { text: string; outsideCode: string } {
  let text = '';
  let outsideCode = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      text += line[i + 1];
      outsideCode += line[i + 1];
      i++;
    } else if (c === '`') {
      const end = line.indexOf('`', i + 1);
      expect(end, `an unclosed code span in ${line}`).toBeGreaterThan(i);
      text += line.slice(i + 1, end);
      outsideCode += ' ';
      i = end;
    } else {
      text += c;
      outsideCode += c;
    }
  }
  return { text, outsideCode };
}

describe('renderMarkdown: nothing GitHub would link or notify', () => {
  const summaryOf = (summary: string) => renderMarkdown(reportOf([], { summary })).split('\n')[2]!;

  it('puts bare URLs, www. addresses, emails and @mentions in code spans; the text reads the same', () => {
    expect(summaryOf('see https://evil.example/a_b?x=1 now')).toBe('see `https://evil.example/a_b?x=1` now');
    expect(summaryOf('ftp://files.example and www.example.com')).toBe(
      '`ftp://files.example` and `www.example.com`',
    );
    expect(summaryOf('cc @octocat, @acme/oncall and ops@example.com')).toBe(
      'cc `@octocat,` `@acme/oncall` and `ops@example.com`',
    );
    expect(summaryOf('plain_text *stays* escaped')).toBe('plain\\_text \\*stays\\* escaped');
  });

  it('a code span ends before a backtick or a pipe, which stay escaped outside it', () => {
    expect(summaryOf('http://a|b@c`d e')).toBe('`http://a`\\|`b@c`\\`d e');
    const [row] = renderMarkdown(reportOf([{ ...FAILED_WARNING, name: 'GET http://x|y', message: '@a|@b' }]))
      .split('\n')
      .filter((l) => l.startsWith('| ⚠️'));
    expect(row).toBe('| ⚠️ | GET `http://x`\\|y | `@a`\\|`@b` |');
  });

  it('in every line, whatever the text: the reader sees the text escaped as in a terminal, and no @, :// or www. outside code spans', () => {
    const piece = fc.constantFrom(
      ...[
        '@',
        'http',
        '://',
        'www.',
        '.',
        '/',
        ':',
        'a',
        '_',
        '*',
        '`',
        '``',
        '|',
        ' ',
        '\\',
        '<',
        '&',
        '~',
        '\n',
        '\u001b',
        '\u202e',
        'é',
        '🚚',
        '#',
        '-',
        '+',
        '1.',
        '2)',
        '    ',
        '>',
        '=',
      ],
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }).map((p) => p.join('')),
        (text) => {
          const md = renderMarkdown(
            reportOf([{ ...FAILED_WARNING, name: text, message: text }], { title: text, summary: text }),
          );
          const lines = md.split('\n');
          const row = lines.find((l) => l.startsWith('| ⚠️ | '))!;
          const cells = row.slice('| ⚠️ | '.length, -' |'.length).split(/(?<!\\)\|/);
          for (const line of [lines[0]!.slice('### '.length), lines[2]!, ...cells.map((c) => c.trim())]) {
            const { text: seen, outsideCode } = rendered(line);
            expect(seen).toBe(sanitize(text).trim());
            expect(line).not.toMatch(/^([+-]|\d+[.)])(\s|$)/);
            expect(outsideCode).not.toMatch(/@|:\/\/|www\./i);
          }
        },
      ),
    );
  });
});
