import type { Report, ReportFormat } from '../report.js';
import { escapeJsonControls } from '../sanitize.js';
import type { Style } from '../style.js';
import { renderGithub } from './github.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';

/** A report in any format: the one place formats are chosen, so every command has them all. */
export function renderReport(report: Report, format: ReportFormat, style: Style, width: number): string {
  const formats = {
    text: () => report.text(style, width),
    json: () => `${escapeJsonControls(JSON.stringify(report.json, null, 2))}\n`,
    ndjson: () => report.items.map((item) => `${escapeJsonControls(JSON.stringify(item))}\n`).join(''),
    markdown: () => renderMarkdown(report),
    junit: () => renderJunit(report),
    github: () => renderGithub(report),
  } satisfies Record<ReportFormat, () => string>;
  return formats[format]();
}
