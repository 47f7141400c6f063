import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PageData } from '../../../src/render/html/page-data.js';
import { type CliResult, runCli } from '../../helpers/run-cli.js';

/** The html tests' reports: written by the CLI, then read back as markup and as the page's data. */

export interface HtmlReport extends CliResult {
  readonly path: string;
  readonly html: string;
  readonly data: PageData;
}

const folder = mkdtempSync(join(tmpdir(), 'otrace-html-'));
let written = 0;

/** Runs the CLI with `--output <file>.html` added, and reads the page it wrote. */
export async function writeHtmlReport(
  args: readonly string[],
  options: { input?: string } = {},
): Promise<HtmlReport> {
  written++;
  const path = join(folder, `report-${written}.html`);
  const result = await runCli([...args, '--output', path], options);
  const html = readFileSync(path, 'utf8');
  return { ...result, path, html, data: pageData(html) };
}

/** The JSON block the page script reads. */
export function pageData(html: string): PageData {
  const match = /<script type="application\/json" id="otrace-data">([^<]*)<\/script>/.exec(html);
  if (!match) throw new Error('no data block in the page');
  return JSON.parse(match[1]!) as PageData;
}

/** The page's inline blocks: its script and its style, as the browser hashes them. */
export function inlineBlocks(html: string): { script: string; style: string } {
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
  if (script === undefined || style === undefined) throw new Error('no inline script or style');
  return { script, style };
}
