import { describe, expect, it } from 'vitest';
import { type DocSpan, otlpDocument } from '../../helpers/otlp-doc.js';
import { runCli, tempFile } from '../../helpers/run-cli.js';

const FANOUT = 'fixtures/seed/db-error-fanout.otlp.json';

/** The tree part of `show` output: from the first span line to the blank line before the footer. */
const treeOf = (stdout: string) => stdout.split('\n\n')[1]!.split('\n');

describe('show options', () => {
  it('--errors-only keeps failing spans and their ancestors', async () => {
    const { stdout } = await runCli(['show', '-f', FANOUT, '--errors-only']);
    const tree = treeOf(stdout).join('\n');
    expect(tree).toContain('query_recommendations (order-service)');
    expect(tree).not.toContain('get_user_data');
    expect(tree).not.toContain('query_orders');
    expect(stdout).toContain('(6 of 11 spans shown)');
  });

  it('--depth cuts the tree and says how much is below', async () => {
    const { stdout } = await runCli(['show', '-f', FANOUT, '--depth', '1']);
    expect(treeOf(stdout).filter((l) => /\(\S+-service\)/.test(l))).toHaveLength(2);
    expect(stdout).toContain('└─ … 9 span(s) below --depth 1');
  });

  it('--service keeps that service and the ancestors that lead to it', async () => {
    const { stdout } = await runCli(['show', '-f', FANOUT, '--service', 'order-service']);
    const tree = treeOf(stdout).join('\n');
    expect(tree).toContain('query_orders (order-service)');
    expect(tree).toContain('get_user_orders (user-service)');
    expect(tree).not.toContain('get_user_data');
  });

  it('--min-duration hides short spans but never failures', async () => {
    const { stdout } = await runCli(['show', '-f', FANOUT, '--min-duration', '90ms']);
    const tree = treeOf(stdout).join('\n');
    expect(tree).toContain('get_user_data (user-service)');
    expect(tree).toContain('query_recommendations (order-service)');
    expect(tree).not.toContain('query_orders');
  });

  it('--max-spans stops and says what was left out', async () => {
    const { stdout } = await runCli(['show', '-f', FANOUT, '--max-spans', '3']);
    expect(stdout).toContain('… 8 more span(s) not shown (--max-spans 3)');
    expect(stdout).toContain('(3 of 11 spans shown)');
  });

  it('--timeline draws proportional bars inside the terminal width', async () => {
    const { stdout } = await runCli(['show', '-f', FANOUT, '--timeline'], { env: { COLUMNS: '100' } });
    const bars = treeOf(stdout).filter((l) => l.includes('│') && l.includes('█'));
    expect(bars.length).toBe(11);
    for (const line of bars) expect(line.length).toBeLessThanOrEqual(100);
    // The root spans the whole trace: its bar is (almost) all filled.
    expect((bars[0]!.match(/█/g) ?? []).length).toBeGreaterThan(30);
  });

  it('folds runs of similar healthy siblings, and --no-fold shows them all', async () => {
    const spans: DocSpan[] = [{ id: 1, name: 'handler', startMs: 0, endMs: 100 }];
    for (let i = 0; i < 12; i++) {
      spans.push({
        id: 10 + i,
        parent: 1,
        name: 'SELECT users',
        service: 'svc',
        startMs: i * 5,
        endMs: i * 5 + 4,
      });
    }
    spans.push({ id: 50, parent: 1, name: 'render', startMs: 70, endMs: 90 });
    const file = tempFile('fold.json', JSON.stringify(otlpDocument(spans)));
    const folded = await runCli(['show', '-f', file]);
    expect(treeOf(folded.stdout)).toEqual([
      'handler (svc) 100ms* (self 32ms)',
      '├─ SELECT users (svc) ×12  48ms total (4.0ms–4.0ms each)',
      '└─ render (svc) 20ms*',
    ]);
    const unfolded = await runCli(['show', '-f', file, '--no-fold']);
    expect(treeOf(unfolded.stdout)).toHaveLength(14);
  });

  it('shows a 100,000-level chain without overflowing the stack', async () => {
    const spans: DocSpan[] = [];
    for (let i = 1; i <= 100_000; i++)
      spans.push({
        id: i,
        parent: i > 1 ? i - 1 : undefined,
        name: `level ${i}`,
        startMs: i / 1000,
        endMs: 1000 - i / 1000,
      });
    const file = tempFile('deep.json', JSON.stringify(otlpDocument(spans)));
    const text = await runCli(['show', '-f', file, '--max-spans', '5']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('… 99995 more span(s) not shown (--max-spans 5)');
    const json = await runCli(['show', '-f', file, '--format', 'json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { spans: { depth: number }[] };
    expect(doc.spans).toHaveLength(100_000);
    expect(doc.spans[99_999]!.depth).toBe(99_999);
  });

  it('merges several files and quoted globs by trace id', async () => {
    const { code, stdout } = await runCli([
      'list',
      '-f',
      'fixtures/seed/healthy.otlp.jsonl',
      '-f',
      'fixtures/seed/order-*.otlp.jsonl',
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { traces: unknown[] }).traces).toHaveLength(3);
  });

  it('reads a gzip-compressed export', async () => {
    const { gzipSync } = await import('node:zlib');
    const { readFileSync } = await import('node:fs');
    const file = tempFile('export.jsonl.gz', gzipSync(readFileSync('fixtures/seed/healthy.otlp.jsonl')));
    const { code, stdout } = await runCli(['show', '-f', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('query_orders (order-service)');
  });

  it('documents the exit codes in --help', async () => {
    const { code, stdout } = await runCli(['show', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '1  findings: show: the trace has errors or timeouts; errors: more than --max-errors',
    );
    expect(stdout).toContain('3  source unavailable');
  });
});
