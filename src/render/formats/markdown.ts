import type { Report } from '../report.js';

/**
 * A report to post on a pull request: the verdict, a table of the checks (failed first), and the
 * failures' details folded away.
 */
export function renderMarkdown(report: Report): string {
  const failed = report.checks.filter((c) => c.status === 'failed');
  const passed = report.checks.length - failed.length;
  const out = [`### ${md(report.title)}`, '', md(report.summary), ''];
  if (report.checks.length > 0) {
    out.push(`**${failed.length} failed**, ${passed} passed.`, '', '| | check | result |', '|---|---|---|');
    const sorted = [...failed, ...report.checks.filter((c) => c.status === 'passed')];
    for (const c of sorted.slice(0, MAX_ROWS)) {
      const icon = c.status === 'passed' ? '✅' : c.severity === 'error' ? '❌' : '⚠️';
      out.push(`| ${icon} | ${cell(c.name)} | ${cell(c.message)}${c.traceId ? ` (\`${c.traceId}\`)` : ''} |`);
    }
    if (sorted.length > MAX_ROWS) out.push('', `… ${sorted.length - MAX_ROWS} more checks not shown.`);
    const detailed = failed.filter((c) => c.details);
    if (detailed.length > 0) {
      out.push('', '<details><summary>Details</summary>', '');
      for (const c of detailed.slice(0, MAX_ROWS))
        out.push(`**${md(c.name)}**`, '', '```', c.details!.replace(/```/g, "'''"), '```', '');
      out.push('</details>');
    }
  }
  return `${out.join('\n')}\n`;
}

const MAX_ROWS = 100;

function md(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

function cell(text: string): string {
  return md(text).replace(/\r?\n/g, ' ');
}
