import type { Report } from '../report.js';

/**
 * JUnit XML as CI test reporters read it (GitHub, GitLab, Jenkins): one suite per report, one
 * test case per check; a failed check is a `<failure>` with its message and the trace id.
 */
export function renderJunit(report: Report): string {
  const failures = report.checks.filter((c) => c.status === 'failed').length;
  const cases = report.checks.map((check) => {
    const open = `    <testcase classname="${xml(report.command)}" name="${xml(check.name)}"`;
    if (check.status === 'passed') return `${open}/>`;
    const body = [check.message, check.traceId ? `trace ${check.traceId}` : undefined, check.details]
      .filter((line): line is string => line !== undefined && line !== '')
      .join('\n');
    return `${open}>\n      <failure type="${xml(check.severity)}" message="${xml(check.message)}">${xml(body)}</failure>\n    </testcase>`;
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

/** XML text and attribute escaping; characters XML 1.0 cannot hold at all become U+FFFD. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
