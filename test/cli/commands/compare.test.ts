import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CompareBaselineDocument,
  CompareBaselineDocumentSchema,
  CompareDocumentSchema,
} from '../../../src/render/contracts/compare.js';
import { writeShopRun } from '../../helpers/compare-runs.js';
import { REPO_ROOT, runCli } from '../../helpers/run-cli.js';

/**
 * `otrace compare --baseline` through the built CLI, on runs of a made-up shop (compare-runs.ts):
 * a candidate with one change planted at a time is told apart from the baseline with the right
 * kind, and gates CI with --fail-on; every format; bad flags. compare-clean.test.ts runs unchanged
 * code against itself; compare-where.test.ts is BubbleUp.
 */
const dir = mkdtempSync(join(tmpdir(), 'otrace-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRACES = 300;
const run = (name: string, seed: number, plants: Parameters<typeof writeShopRun>[3] = {}) => {
  const path = join(dir, `${name}.otlp.jsonl`);
  writeShopRun(path, TRACES, seed, plants);
  return path;
};
const BASELINE = run('baseline', 1);
// inventory's own time ×1.55: with its query, the operation some 40% slower.
const SLOWER = run('slower', 2, { slower: 1.55 });
const LOOP = run('loop', 3, { loop: 8 });
const NEW_ERROR = run('new-error', 4, { newError: 0.15 });

async function compareJson(args: string[]) {
  const result = await runCli(['compare', ...args, '--format', 'json']);
  const doc: CompareBaselineDocument = CompareBaselineDocumentSchema.parse(JSON.parse(result.stdout));
  return { ...result, doc };
}

const findingsOf = (doc: CompareBaselineDocument, kind: string) =>
  doc.findings.filter((f) => f.kind === kind);

describe('otrace compare --baseline: what a change planted in the candidate does', () => {
  it('one operation ~40% slower: a duration regression there, with its shift; --fail-on regression exits 1', async () => {
    const { code, doc, stderr } = await compareJson([
      '--baseline',
      BASELINE,
      SLOWER,
      '--fail-on',
      'regression',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(doc.failed).toBe(true);
    expect(doc.summary.verdict).toBe('regression');
    const slower = findingsOf(doc, 'duration-regression').find(
      (f) => f.scope === 'operation' && f.service === 'inventory' && f.operation === 'GET /stock',
    )!;
    expect(slower).toBeDefined();
    expect(slower.effectShare).toBeGreaterThan(0.25);
    expect(slower.effectShare).toBeLessThan(0.6);
    expect(slower.adjustedPValue).toBeLessThanOrEqual(0.01);
    expect(slower.interval!.lowMs).toBeGreaterThan(0);
    expect(slower.candidate!.p50Ms).toBeGreaterThan(slower.baseline!.p50Ms);
    // The example is a trace of the candidate.
    expect(readFileSync(SLOWER, 'utf8')).toContain(slower.traceId!);
    // Only durations changed: no other kind of regression, nothing new.
    expect(doc.findings.every((f) => f.kind === 'duration-regression')).toBe(true);
    expect(doc.errors.new.filter((g) => g.beyondNoise)).toEqual([]);
    expect(doc.rows[0]!.verdict).toBe('regression');
    expect(doc.rowsTotal).toBe(doc.rows.length);
  });

  it('an N+1 loop: more calls per trace of the query, and a new N+1 performance finding', async () => {
    const { code, doc } = await compareJson(['--baseline', BASELINE, LOOP, '--fail-on', 'regression']);
    expect(code).toBe(1);
    const calls = findingsOf(doc, 'calls-regression').find(
      (f) => f.scope === 'operation' && f.operation === 'SELECT items',
    )!;
    expect(calls).toMatchObject({ service: 'orders', effect: 7 });
    expect(calls.candidate!.callsPerTrace.median).toBe(8);
    expect(doc.perf.new).toContainEqual(
      expect.objectContaining({
        kind: 'n-plus-one',
        service: 'orders',
        operation: 'POST /orders',
        beyondNoise: true,
      }),
    );
    expect(doc.perf.new[0]!.shape).toBe('SELECT * FROM items WHERE order_id = ?');
  });

  it('a new error type: an error-rate regression and a new error group; --fail-on new-errors exits 1', async () => {
    const { code, doc } = await compareJson(['--baseline', BASELINE, NEW_ERROR, '--fail-on', 'new-errors']);
    expect(code).toBe(1);
    expect(findingsOf(doc, 'error-rate-regression')).toContainEqual(
      expect.objectContaining({ scope: 'operation', service: 'users', operation: 'GET /user' }),
    );
    const origin = doc.errors.new.find((g) => g.class === 'origin')!;
    expect(origin).toMatchObject({
      service: 'users',
      operation: 'GET /user',
      errorType: 'RateLimitError',
      baseline: { count: 0, traces: 0 },
      beyondNoise: true,
    });
    expect(origin.candidate.traces).toBeGreaterThan(20);
    expect(readFileSync(NEW_ERROR, 'utf8')).toContain(origin.examples[0]!);
    // --fail-on regression fails on it too; none does not.
    expect(
      (await runCli(['compare', '--baseline', BASELINE, NEW_ERROR, '--fail-on', 'regression'])).code,
    ).toBe(1);
    expect((await runCli(['compare', '--baseline', BASELINE, NEW_ERROR])).code).toBe(0);
  });

  it('text: the verdict first, the regressions with their evidence, the table', async () => {
    const { code, stdout } = await runCli(['compare', '--baseline', BASELINE, LOOP]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^\d+ regressions?: /);
    expect(stdout).toContain('\nRegressions\n');
    expect(stdout).toMatch(/more calls per trace +orders › SELECT items\n +calls per trace 1 → 8 \(median; /);
    expect(stdout).toMatch(/adjusted p \d/);
    expect(stdout).toContain('New performance findings');
    expect(stdout).toContain('orders › POST /orders makes 8 queries one by one');
    expect(stdout).toContain('Operations and edges');
  });

  it('the same files as the baseline and the candidate: nothing changed', async () => {
    const { code, doc } = await compareJson([
      '--baseline',
      BASELINE,
      BASELINE,
      '--fail-on',
      'regression,new-errors',
    ]);
    expect(code).toBe(0);
    expect(doc.findings).toEqual([]);
    expect(doc.summary.text).toMatch(
      /^No regression: \d+ operations and \d+ edges compared, none changed beyond the noise at 99% confidence\./,
    );
    expect(doc.summary.compared.operations).toBeGreaterThan(5);
  });

  it('a baseline window of the candidate files: --baseline-start/--baseline-end and --start', async () => {
    const both = join(dir, 'both.otlp.jsonl');
    writeFileSync(both, readFileSync(BASELINE, 'utf8') + readFileSync(SLOWER, 'utf8'));
    // compare-runs.ts starts seed n's traces n × 1,000 s after 1,790,000,000 s; a run lasts 15 s.
    const window = [
      '--baseline-start',
      '1790001000',
      '--baseline-end',
      '1790001100',
      '--start',
      '1790002000',
    ];
    const { code, doc } = await compareJson([both, ...window]);
    expect(code).toBe(0);
    expect(doc.baseline.traces).toBe(TRACES);
    expect(doc.candidate.traces).toBe(TRACES);
    expect(findingsOf(doc, 'duration-regression').length).toBeGreaterThan(0);
  });

  it('.otrace.json "compare": thresholds the flags override', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ compare: { minSamples: 10_000 } }));
    const strict = await compareJson(['--baseline', BASELINE, SLOWER, '--config', config]);
    expect(strict.doc.findings).toEqual([]);
    expect(strict.doc.thresholds.minSamples).toBe(10_000);
    expect(strict.doc.rows.every((r) => r.verdict === 'too-few-samples')).toBe(true);
    const flagged = await compareJson([
      '--baseline',
      BASELINE,
      SLOWER,
      '--config',
      config,
      '--min-samples',
      '20',
    ]);
    expect(findingsOf(flagged.doc, 'duration-regression').length).toBeGreaterThan(0);
    // A slowdown under --min-effect is not a regression.
    const lenient = await compareJson(['--baseline', BASELINE, SLOWER, '--min-effect', '500%']);
    expect(findingsOf(lenient.doc, 'duration-regression')).toEqual([]);
    writeFileSync(config, JSON.stringify({ compare: { confidance: 0.9 } }));
    const bad = await runCli(['compare', '--baseline', BASELINE, SLOWER, '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('otrace compare --baseline in every format', () => {
  const args = ['compare', '--baseline', BASELINE, SLOWER];

  it('json validates against the contract and its JSON Schema; ndjson is its rows', async () => {
    const json = await runCli([...args, '--format', 'json']);
    const doc = CompareDocumentSchema.parse(JSON.parse(json.stdout));
    const validate = new Ajv2020({ strict: false }).compile(
      JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'compare.schema.json'), 'utf8')),
    );
    expect(validate(JSON.parse(json.stdout)), JSON.stringify(validate.errors)).toBe(true);
    const ndjson = await runCli([...args, '--format', 'ndjson']);
    const items = ndjson.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(doc.mode).toBe('baseline');
    expect(items).toEqual(doc.rows);
    expect(items.length).toBe(doc.rowsTotal);
  });

  it('junit: a failed test case per regression with --fail-on regression, passed without', async () => {
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
    const { doc } = await compareJson(args.slice(1));
    const regressions = doc.findings.filter((f) => f.kind.endsWith('-regression')).length;
    const failing = parser.parse(
      (await runCli([...args, '--format', 'junit', '--fail-on', 'regression'])).stdout,
    );
    expect(failing.testsuites.testsuite).toMatchObject({
      name: 'otrace compare',
      failures: String(regressions),
    });
    const cases = [failing.testsuites.testsuite.testcase].flat();
    expect(cases.filter((c: { failure?: unknown }) => c.failure)).toHaveLength(regressions);
    expect(cases.length).toBeGreaterThan(regressions);
    const passing = parser.parse((await runCli([...args, '--format', 'junit'])).stdout);
    expect(passing.testsuites.testsuite.failures).toBe('0');
  });

  it('github: an error annotation per regression with --fail-on regression; markdown: the verdict and the table', async () => {
    const github = await runCli([...args, '--format', 'github', '--fail-on', 'regression']);
    expect(github.code).toBe(1);
    const errors = github.stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/^::error title=otrace compare%3A regression%3A .* slower::p50 /);
    const markdown = await runCli([...args, '--format', 'markdown', '--fail-on', 'regression']);
    expect(markdown.stdout).toMatch(/^### Compared with the baseline\n\n\d+ regressions?: /);
    expect(markdown.stdout).toContain('| ❌ | regression: inventory › GET /stock slower |');
    expect(markdown.stdout).toContain('<details><summary>Details</summary>');
  });

  it('hostile span names are escaped in text and markdown, whole in JSON', async () => {
    const name = 'GET /\u001b[31mred\u0007\u202eevil';
    const hostileBase = run('hostile-baseline', 5, { rootName: name });
    // The loop makes the root (named `name`) slower: a regression every format names.
    const hostile = run('hostile', 6, { rootName: name, loop: 8 });
    for (const format of ['text', 'markdown', 'github', 'junit']) {
      const flags = ['--format', format, '--fail-on', 'regression'];
      const { stdout } = await runCli(['compare', '--baseline', hostileBase, hostile, ...flags]);
      // Escaped as `\u{1b}`, then as the format escapes a backslash and a bracket (Markdown: `\\u{1b}\[31m`).
      expect(stdout, format).toMatch(/u\{1b\}\\*\[31mred\\*u\{07\}\\*u\{202e\}evil/);
      expect(stdout, format).not.toMatch(/[\u0007\u001b\u202e]/);
    }
    const { doc } = await compareJson(['--baseline', hostileBase, hostile]);
    expect(doc.rows.some((r) => r.operation === name)).toBe(true);
  });
});

describe('otrace compare: bad flags', () => {
  it.each([
    [
      ['--baseline', BASELINE, SLOWER, '--confidence', '2'],
      /--confidence "2": expected a number between 0 and 1/,
    ],
    [['--baseline', BASELINE, SLOWER, '--min-effect', 'lots'], /--min-effect "lots": expected a percentage/],
    [
      ['--baseline', BASELINE, SLOWER, '--min-samples', '0'],
      /--min-samples "0": expected a whole number ≥ 1/,
    ],
    [
      ['--baseline', BASELINE, SLOWER, '--fail-on', 'slower'],
      /--fail-on: "slower" is not something compare can fail on/,
    ],
    [[SLOWER], /compare needs a baseline/],
    [[SLOWER, '--baseline-start', '1790001000'], /--baseline-start alone/],
    [
      [SLOWER, '--baseline-start', 'yesterday', '--baseline-end', '1790001000'],
      /--baseline-start "yesterday": not a time/,
    ],
    [
      [SLOWER, '--baseline-start', '1790001000', '--baseline-end', '1790000000'],
      /baseline window ends before it starts/,
    ],
    [
      [SLOWER, '--baseline-start', '1790001000', '--baseline-end', '1790001100'],
      /the candidate is every trace of the files/,
    ],
    [['--baseline', BASELINE, SLOWER, '--where', 'error'], /--where and --baseline together/],
    [['--baseline', join(dir, 'missing.jsonl'), SLOWER], /missing\.jsonl/],
  ])('%j: one line, exit 2 or 3', async (flags, message) => {
    const { code, stdout, stderr } = await runCli(['compare', ...flags]);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(String(flags).includes('missing') ? 3 : 2);
  });
});
