import type { Report, ReportFormat } from '../report.js';
import { escapeJsonControls } from '../sanitize.js';
import type { Style } from '../style.js';
import { renderGithub } from './github.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';

export type Renderer = (report: Report, style: Style, width: number) => string;

/** The formats rendered by code every run loads; html's renderer is loaded only when asked for. */
export type InlineFormat = Exclude<ReportFormat, 'html'>;

const INLINE = {
  text: (report, style, width) => report.text(style, width),
  json: (report) => `${escapeJsonControls(JSON.stringify(report.json, null, 2))}\n`,
  ndjson: (report) => report.items.map((item) => `${escapeJsonControls(JSON.stringify(item))}\n`).join(''),
  markdown: renderMarkdown,
  junit: renderJunit,
  github: renderGithub,
} satisfies Record<InlineFormat, Renderer>;

/**
 * The renderer of a format: the one place formats are chosen, so every command has them all. The
 * html page (its script, its styles) is imported here only for html: `otrace --version` and `show`
 * in text never load it.
 */
export async function loadRenderer(format: ReportFormat): Promise<Renderer> {
  if (format !== 'html') return INLINE[format];
  const { renderHtml } = await import('../html/render-html.js');
  return renderHtml;
}

/** A report in a format other than html, at once. */
export function renderReport(report: Report, format: InlineFormat, style: Style, width: number): string {
  return INLINE[format](report, style, width);
}
