import { describe, expect, it } from 'vitest';
import { renderGithub, renderGithubSummary } from '../../../src/render/formats/github.js';
import { renderMarkdown } from '../../../src/render/formats/markdown.js';
import { LINE_LIMIT } from '../../../src/render/quote.js';
import { FAILED_ERROR, FAILED_WARNING, PASSED, reportOf, TRACE_ID } from '../../helpers/report.js';

describe('renderGithub', () => {
  it('one workflow command per failed check, at its severity, then the summary as a notice', () => {
    expect(renderGithub(reportOf([FAILED_ERROR, PASSED, FAILED_WARNING])).split('\n')).toEqual([
      `::error title=otrace show%3A GET (user-service)::user-service → order-service failed: HTTP 502 (trace ${TRACE_ID})`,
      '::warning title=otrace show%3A orphan-span 1::stray (svc): parent 00000000000000ff is not in the trace',
      `::notice title=Trace ${TRACE_ID}::user-service → order-service failed: HTTP 502 in GET after 5.0ms.`,
      '',
    ]);
  });

  it('a notice severity stays a notice', () => {
    const lines = renderGithub(reportOf([{ ...FAILED_WARNING, severity: 'notice' }])).split('\n');
    expect(lines[0]).toMatch(/^::notice title=otrace show%3A orphan-span 1::stray/);
  });

  it('nothing failed: only the summary', () => {
    expect(renderGithub(reportOf([PASSED], { summary: 'No errors.' }))).toBe(
      `::notice title=Trace ${TRACE_ID}::No errors.\n`,
    );
  });

  it('escapes % in messages, and line breaks as the text formats show them, so that one annotation stays one line', () => {
    const out = renderGithub(
      reportOf([{ ...FAILED_WARNING, message: '100% of\r\ncalls\nfailed' }], { summary: 'a%b' }),
    );
    expect(out.split('\n')).toEqual([
      '::warning title=otrace show%3A orphan-span 1::100%25 of\\r\\ncalls\\nfailed',
      `::notice title=Trace ${TRACE_ID}::a%25b`,
      '',
    ]);
  });

  it('escapes : and , in properties as well, but not in messages', () => {
    const out = renderGithub(
      reportOf([{ ...FAILED_WARNING, name: 'a: b, c%\nd', message: 'x: y, z' }], { title: 'T: 1, 2' }),
    );
    expect(out.split('\n')).toEqual([
      '::warning title=otrace show%3A a%3A b%2C c%25\\nd::x: y, z',
      '::notice title=T%3A 1%2C 2::user-service → order-service failed: HTTP 502 in GET after 5.0ms.',
      '',
    ]);
  });

  it('escapes controls itself, whoever built the report: nothing raw reaches the log', () => {
    const out = renderGithub(
      reportOf([{ ...FAILED_WARNING, name: 'n\u001b[2J', message: 'm\u009b31m\u202e', traceId: 't\u0007' }], {
        title: 'T\u001b]0;x\u0007',
        summary: 's\u2066',
      }),
    );
    expect(out.split('\n')).toEqual([
      '::warning title=otrace show%3A n\\u{1b}[2J::m\\u{9b}31m\\u{202e} (trace t\\u{07})',
      '::notice title=T\\u{1b}]0;x\\u{07}::s\\u{2066}',
      '',
    ]);
  });

  it('cuts a line past LINE_LIMIT, with the marker, and never inside an escape', () => {
    // A caller that left a 30 MB value whole: the annotation is cut, not 30 MB long.
    const out = renderGithub(reportOf([{ ...FAILED_WARNING, message: 'x'.repeat(30_000_000) }]));
    const [line] = out.split('\n');
    expect(line).toBe(
      `::warning title=otrace show%3A orphan-span 1::${'x'.repeat(LINE_LIMIT)}…(+29,996,000 chars)`,
    );
    // Already escaped by the caller: the cut falls before `\u{202e}`, not inside it.
    const escaped = `${'x'.repeat(LINE_LIMIT - 3)}\\u{202e}tail`;
    const [cutLine] = renderGithub(reportOf([{ ...FAILED_WARNING, message: escaped }])).split('\n');
    expect(cutLine!.endsWith(`${'x'.repeat(LINE_LIMIT - 3)}…(+12 chars)`)).toBe(true);
  });
});

describe('renderGithubSummary', () => {
  it('is the Markdown report', () => {
    const report = reportOf([FAILED_ERROR, PASSED]);
    expect(renderGithubSummary(report)).toBe(renderMarkdown(report));
    expect(renderGithubSummary(report).startsWith(`### Trace ${TRACE_ID}\n`)).toBe(true);
  });
});
