import { appendFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { SourceError, UsageError } from '../errors.js';
import { renderGithubSummary } from '../render/formats/github.js';
import { renderReport } from '../render/formats/render-report.js';
import { withSkippedInputs } from '../render/partial.js';
import { REPORT_FORMATS, type Report, type ReportFormat } from '../render/report.js';
import { PLAIN_STYLE } from '../render/style.js';
import { loadTextWidths } from '../render/width.js';
import type { CommandContext } from './context.js';

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
        `write it as format=file (${REPORT_FORMATS.join(', ')}), or use a .xml, .json, .ndjson, .md or .txt file`,
      );
    }
    return { format, path: value };
  });
}

/**
 * The report in `--format` on stdout, and in each `--output` format to its file (plain text, no
 * colour), said to be partial when inputs were left out (render/partial.ts). With the github format anywhere and `GITHUB_STEP_SUMMARY` set, the Markdown summary is
 * appended there too.
 */
export async function emitReport(
  ctx: CommandContext,
  whole: Report,
  format: ReportFormat,
  outputs: readonly ReportOutput[],
): Promise<void> {
  const report = withSkippedInputs(whole, ctx.skippedInputs);
  if (format === 'text' || outputs.some((o) => o.format === 'text')) await loadTextWidths();
  ctx.out(renderReport(report, format, ctx.styleFor(format), ctx.width));
  for (const output of outputs) {
    try {
      writeFileSync(output.path, renderReport(report, output.format, PLAIN_STYLE, 120));
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
