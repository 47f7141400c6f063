import { LINE_LIMIT, truncate } from '../quote.js';
import type { Report } from '../report.js';
import { sanitize } from '../sanitize.js';

/**
 * A report to post on a pull request: the verdict, a table of the checks (failed first), and the
 * failures' details folded away. Every string is escaped here, whoever built the report.
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
      out.push(`| ${icon} | ${md(c.name)} | ${md(c.message)}${c.traceId ? ` (${code(c.traceId)})` : ''} |`);
    }
    if (sorted.length > MAX_ROWS) out.push('', `… ${sorted.length - MAX_ROWS} more checks not shown.`);
    const detailed = failed.filter((c) => c.details);
    if (detailed.length > 0) {
      out.push('', '<details><summary>Details</summary>', '');
      for (const c of detailed.slice(0, MAX_ROWS))
        out.push(`**${md(c.name)}**`, '', '```', ...codeBlockLines(c.details!), '```', '');
      out.push('</details>');
    }
  }
  return `${out.join('\n')}\n`;
}

const MAX_ROWS = 100;

/** One line of text: controls escaped (sanitize), cut past LINE_LIMIT. */
const oneLine = (text: string): string => sanitize(truncate(text, LINE_LIMIT));

/**
 * Runs of characters a code span holds as they are, in a table cell too: no space (a span would
 * trim it), no backtick (it would close the span), no pipe (it would end the cell).
 */
const RUN = /([^\s`|]+)/;

/**
 * What GitHub turns into a link or a notification: a URL (`https://…`, `ftp://…`, `www.…`), an
 * email address, an `@mention` (one that pings a person or a team). Backslash escapes do not stop
 * it: GitHub links URLs and mentions again after rendering, in the text it shows, and a character
 * reference (`&#64;`) would come back as `@` there. It links nothing inside a code span, and the
 * text still reads the same, so each run holding one is printed as code: `` `@ops` ``.
 */
const LINKED_BY_GITHUB = /:\/\/|www\.|@/i;

/**
 * Markdown for one line of text: punctuation escaped, what GitHub would link put in code spans.
 * Trimmed (Markdown trims it anyway, and four spaces first would make it a code block), and a list
 * marker at its start escaped (`- `, `+ `, `1. `: the summary is a paragraph of its own).
 */
function md(text: string): string {
  return spans(oneLine(text).trim(), (run) => LINKED_BY_GITHUB.test(run))
    .replace(/^([+-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** One line of text in code spans, every run of it (a trace id). */
function code(text: string): string {
  return spans(oneLine(text).trim(), () => true);
}

function spans(text: string, asCode: (run: string) => boolean): string {
  return text
    .split(RUN)
    .map((part, i) => (i % 2 === 1 && asCode(part) ? `\`${part}\`` : escapeMarkdown(part)))
    .join('');
}

/**
 * Backslash before what Markdown reads as syntax: emphasis, code, links, HTML, table cells, `&`
 * (which would start a character reference), `~` (strikethrough) and `#` (which would close a
 * heading at the end of a title).
 */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|&~#])/g, '\\$1');
}

/** The lines of a fenced code block, where nothing is markup: only a fence could close it early. */
function codeBlockLines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => oneLine(line).replace(/```/g, "'''"));
}
