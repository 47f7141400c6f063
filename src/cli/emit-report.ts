import { appendFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { SourceError, UsageError } from '../errors.js';
import { renderGithubSummary } from '../render/formats/github.js';
import { loadRenderer } from '../render/formats/render-report.js';
import { withSkippedInputs } from '../render/partial.js';
import { REPORT_FORMATS, type Report, type ReportFormat } from '../render/report.js';
import { PLAIN_STYLE } from '../render/style.js';
import { loadTextWidths } from '../render/width.js';
import type { CommandContext } from './context.js';
import type { ExampleSource } from './example-traces.js';

export interface ReportOutput {
  readonly format: ReportFormat;
  readonly path: string;
}

const BY_EXTENSION: Readonly<Record<string, ReportFormat>> = {
  '.xml': 'junit',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.md': 'markdown',
  '.txt': 'text',
  '.html': 'html',
  '.htm': 'html',
};

/** `--output junit=report.xml`, or `--output report.xml` with the format read from the extension. */
export function parseOutputs(values: readonly string[]): ReportOutput[] {
  return values.map((value) => {
    const eq = value.indexOf('=');
    const named = eq > 0 ? value.slice(0, eq) : undefined;
    if (named !== undefined && (REPORT_FORMATS as readonly string[]).includes(named))
      return { format: named as ReportFormat, path: value.slice(eq + 1) };
    const format = BY_EXTENSION[extname(value).toLowerCase()];
    if (format === undefined) {
      throw new UsageError(
        `--output ${JSON.stringify(value)}: which format?`,
        `write it as format=file (${REPORT_FORMATS.join(', ')}), or use a .xml, .json, .ndjson, .md, .txt or .html file`,
      );
    }
    return { format, path: value };
  });
}

/**
 * The report in `--format` on stdout, and in each `--output` format to its file (plain text, no
 * colour), said to be partial when inputs were left out (render/partial.ts). With the github format anywhere and `GITHUB_STEP_SUMMARY` set, the Markdown summary is
 * appended there too. With html anywhere, a report over many traces draws the traces its document
 * names, read again from `examples` (example-traces.ts, loaded only then).
 */
export async function emitReport(
  ctx: CommandContext,
  whole: Report,
  format: ReportFormat,
  outputs: readonly ReportOutput[],
  examples?: ExampleSource,
): Promise<void> {
  let report = withSkippedInputs(whole, ctx.skippedInputs);
  const formats = [format, ...outputs.map((o) => o.format)];
  if (formats.includes('html') && examples !== undefined && report.drawing === undefined) {
    const { drawExampleTraces } = await import('./example-traces.js');
    report = { ...report, drawing: await drawExampleTraces(ctx, report.json, examples) };
  }
  if (formats.includes('text')) await loadTextWidths();
  ctx.out((await loadRenderer(format))(report, ctx.styleFor(format), ctx.width));
  for (const output of outputs) {
    const render = await loadRenderer(output.format);
    try {
      writeFileSync(output.path, render(report, PLAIN_STYLE, 120));
    } catch (error) {
      throw new SourceError(
        `${output.path}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  const summaryFile = ctx.terminal.env.GITHUB_STEP_SUMMARY;
  if (summaryFile && (format === 'github' || outputs.some((o) => o.format === 'github')))
    appendFileSync(summaryFile, renderGithubSummary(report));
}
