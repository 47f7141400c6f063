import { describe, expect, it } from 'vitest';
import { renderGithub, renderGithubSummary } from '../../../src/render/formats/github.js';
import { renderMarkdown } from '../../../src/render/formats/markdown.js';
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

  it('escapes %, CR and LF in messages so that one annotation stays one line', () => {
    const out = renderGithub(
      reportOf([{ ...FAILED_WARNING, message: '100% of\r\ncalls\nfailed' }], { summary: 'a%b' }),
    );
    expect(out.split('\n')).toEqual([
      '::warning title=otrace show%3A orphan-span 1::100%25 of%0D%0Acalls%0Afailed',
      `::notice title=Trace ${TRACE_ID}::a%25b`,
      '',
    ]);
  });

  it('escapes : and , in properties as well, but not in messages', () => {
    const out = renderGithub(
      reportOf([{ ...FAILED_WARNING, name: 'a: b, c%\nd', message: 'x: y, z' }], { title: 'T: 1, 2' }),
    );
    expect(out.split('\n')).toEqual([
      '::warning title=otrace show%3A a%3A b%2C c%25%0Ad::x: y, z',
      '::notice title=T%3A 1%2C 2::user-service → order-service failed: HTTP 502 in GET after 5.0ms.',
      '',
    ]);
  });
});

describe('renderGithubSummary', () => {
  it('is the Markdown report', () => {
    const report = reportOf([FAILED_ERROR, PASSED]);
    expect(renderGithubSummary(report)).toBe(renderMarkdown(report));
    expect(renderGithubSummary(report).startsWith(`### Trace ${TRACE_ID}\n`)).toBe(true);
  });
});
