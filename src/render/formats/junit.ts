import { LINE_LIMIT, truncate } from '../quote.js';
import type { Report } from '../report.js';
import { sanitize } from '../sanitize.js';

/**
 * JUnit XML as CI test reporters read it (GitHub, GitLab, Jenkins): one suite per report, one
 * test case per check; a failed check is a `<failure>` with its message and the trace id. Every
 * string is escaped here, whoever built the report: controls as the text formats show them, then XML.
 */
export function renderJunit(report: Report): string {
  const failures = report.checks.filter((c) => c.status === 'failed').length;
  const cases = report.checks.map((check) => {
    const open = `    <testcase classname="${xml(report.command)}" name="${xml(check.name)}"`;
    if (check.status === 'passed') return `${open}/>`;
    // The message and the trace a line each; the details keep their lines.
    const body = [
      ...[check.message, check.traceId ? `trace ${check.traceId}` : ''].filter((line) => line !== ''),
      ...(check.details ? check.details.split(/\r?\n/) : []),
    ]
      .map(xml)
      .join('\n');
    return `${open}>\n      <failure type="${xml(check.severity)}" message="${xml(check.message)}">${body}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="otrace" tests="${report.checks.length}" failures="${failures}">`,
    `  <testsuite name="${xml(report.command)}" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * One line as XML text or attribute: controls escaped (sanitize: `\u{1b}`), cut past LINE_LIMIT,
 * then the XML escapes; what XML 1.0 cannot hold at all (a lone surrogate, U+FFFE) becomes U+FFFD.
 */
function xml(text: string): string {
  return sanitize(truncate(text, LINE_LIMIT))
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
