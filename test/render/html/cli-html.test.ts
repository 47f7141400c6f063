import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_DRAWN_TRACES } from '../../../src/cli/example-traces.js';
import { namedTraceIds } from '../../../src/render/html/named-traces.js';
import { otlpDocument } from '../../helpers/otlp-doc.js';
import { REPO_ROOT, runCli, tempFile } from '../../helpers/run-cli.js';
import { SEED_SCENARIOS, seedFile } from '../../helpers/seed.js';
import { pageData, writeHtmlReport } from './html-report.js';

/**
 * `--format html` and `--output report.html` through the CLI: every command writes the page, a
 * report over many traces draws the traces its document names (read again, whole), standard input
 * (which cannot be read twice) is said to be left out, and the page's code is loaded only when
 * html is asked for.
 */
const SEED = SEED_SCENARIOS.map((s) => seedFile(s, 'otlp.jsonl'));

async function jsonDocument(args: readonly string[]): Promise<unknown> {
  return JSON.parse((await runCli([...args, '--format', 'json'])).stdout);
}

describe('the html format from the CLI', () => {
  it('show: --output report.html beside the text, the trace drawn instead of tables', async () => {
    const args = ['show', seedFile('order-service-down')];
    const plain = await runCli(args);
    const report = await writeHtmlReport(args);
    expect(report.code).toBe(plain.code);
    expect(report.stdout).toBe(plain.stdout);
    expect(report.html.startsWith('<!DOCTYPE html>\n')).toBe(true);
    expect(report.data.document).toBeNull();
    const doc = (await jsonDocument(args)) as { spans: { spanId: string }[] };
    expect(report.data.traces).toHaveLength(1);
    expect(report.data.traces[0]!.spanIds).toBe(doc.spans.map((s) => s.spanId).join(''));
  });

  it('--format html on stdout, and html=file for any extension', async () => {
    const args = ['show', seedFile('healthy')];
    const stdout = await runCli([...args, '--format', 'html']);
    expect(stdout.code).toBe(0);
    expect(stdout.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    const path = join(mkdtempSync(join(tmpdir(), 'otrace-html-')), 'page.txt');
    await runCli([...args, '--output', `html=${path}`]);
    expect(pageData(readFileSync(path, 'utf8')).traces[0]!.id).toBe(pageData(stdout.stdout).traces[0]!.id);
  });

  it.each([
    ['errors', [...SEED]],
    ['check-propagation', [...SEED]],
    ['assert', [...SEED, '--rules', 'examples/ci/otrace.rules.yaml']],
    ['perf', [...SEED]],
    ['list', [...SEED]],
  ])('%s: the tables, and every trace they name drawn in the page', async (command, args) => {
    const named = namedTraceIds(await jsonDocument([command, ...args]));
    const report = await writeHtmlReport([command, ...args]);
    expect(report.stderr).toBe('');
    expect(report.data.document).not.toBeNull();
    expect(report.data.notes).toEqual([]);
    if (command !== 'perf') expect(named.length).toBeGreaterThan(0);
    expect(report.data.traces.map((t) => t.id)).toEqual(named);
    // Drawn whole: every span of the trace, with every attribute (the first read keeps few).
    for (const trace of report.data.traces) expect(trace.attributes.some((a) => a !== 0)).toBe(true);
  });

  it('says why traces are not drawn: standard input is read once, a page holds at most 50', async () => {
    const seed = readFileSync(join(REPO_ROOT, seedFile('order-service-down')), 'utf8');
    const piped = await runCli(['errors', '--format', 'html'], { input: seed });
    const data = pageData(piped.stdout);
    expect(data.traces).toEqual([]);
    expect(data.notes).toEqual([expect.stringContaining('standard input')]);
    const many = MAX_DRAWN_TRACES + 7;
    const file = tempFile(
      'many.otlp.json',
      JSON.stringify(
        otlpDocument(
          Array.from({ length: many }, (_, i) => ({
            id: 1,
            name: 'GET',
            startMs: i,
            endMs: i + 1,
            traceId: (i + 1).toString(16).padStart(32, '0'),
          })),
        ),
      ),
    );
    const list = await writeHtmlReport(['list', file]);
    expect(list.data.traces).toHaveLength(MAX_DRAWN_TRACES);
    expect(list.data.notes).toEqual([expect.stringMatching(/^7 more trace\(s\)/)]);
  });
});

describe('start-up', () => {
  /** The modules a run of the CLI loaded, through a resolve hook writing each URL to a file. */
  function modulesLoaded(args: readonly string[]): string[] {
    const dir = mkdtempSync(join(tmpdir(), 'otrace-loaded-'));
    const log = join(dir, 'loaded.txt');
    writeFileSync(log, '');
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}
`,
    );
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
    );
    const run = spawnSync(
      process.execPath,
      ['--import', join(dir, 'register.mjs'), 'bin/otrace.js', ...args],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(run.error).toBeUndefined();
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  }
  const html = (urls: string[]) => urls.filter((u) => u.includes('/render/html/'));

  it('--version and show in text never load the html page; show --format html does', () => {
    expect(html(modulesLoaded(['--version']))).toEqual([]);
    const text = modulesLoaded(['show', seedFile('healthy')]);
    expect(text.some((u) => u.endsWith('/dist/cli/commands/show.js'))).toBe(true);
    expect(html(text)).toEqual([]);
    expect(html(modulesLoaded(['show', seedFile('healthy'), '--format', 'html']))).toEqual(
      expect.arrayContaining([expect.stringMatching(/\/dist\/render\/html\/render-html\.js$/)]),
    );
  });
});
