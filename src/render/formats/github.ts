import { LINE_LIMIT, truncate } from '../quote.js';
import type { Report } from '../report.js';
import { sanitize } from '../sanitize.js';
import { renderMarkdown } from './markdown.js';

/**
 * GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` line per failed check,
 * titled with the check, then the summary as a notice. Every string is escaped here, whoever built
 * the report: controls as the text formats show them (a raw ESC would reach the log viewer; CR and LF
 * become `\r` and `\n`, so that an annotation stays one line), then as the runner expects (`%`, CR
 * and LF in messages; also `:` and `,` in properties).
 */
export function renderGithub(report: Report): string {
  const lines = report.checks
    .filter((c) => c.status === 'failed')
    .map(
      (c) =>
        `::${c.severity} title=${property(`${report.command}: ${c.name}`)}::${data(
          c.traceId ? `${c.message} (trace ${c.traceId})` : c.message,
        )}`,
    );
  lines.push(`::notice title=${property(report.title)}::${data(report.summary)}`);
  return `${lines.join('\n')}\n`;
}

/** The Markdown to append to `$GITHUB_STEP_SUMMARY`. */
export function renderGithubSummary(report: Report): string {
  return renderMarkdown(report);
}

function data(text: string): string {
  return sanitize(truncate(text, LINE_LIMIT))
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A');
}

function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
