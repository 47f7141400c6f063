import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorsDocumentSchema } from '../../src/render/contracts/errors.js';
import { ListDocumentSchema } from '../../src/render/contracts/list.js';
import { runCli } from '../helpers/run-cli.js';
import { seedFile } from '../helpers/seed.js';

/**
 * One unreadable file among several does not wipe out the run: the others are read, the bad one
 * gets a line on stderr, the report says it is partial in every format, and the exit code is 2
 * unless findings make it 1.
 */
const dir = mkdtempSync(join(tmpdir(), 'otrace-partial-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const exports = join(dir, 'exports');
mkdirSync(exports);
copyFileSync(seedFile('healthy'), join(exports, 'a-healthy.json'));
copyFileSync(seedFile('order-service-down'), join(exports, 'b-down.json'));
// A line cut short after a whole first line of healthy's spans, with more after it: what it held before the break must not
// count either (healthy's trace would hold those spans twice).
const healthyLine = readFileSync(seedFile('healthy', 'otlp.jsonl'), 'utf8').split('\n')[0]!;
writeFileSync(
  join(exports, 'c-cut.jsonl'),
  `${healthyLine}\n{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId"\n{"resourceSpans":[]}\n`,
);
const glob = join(exports, '*.json*');

describe('an unreadable input among several', () => {
  it('list reads the others, names the bad one on stderr, says partial, exits 2', async () => {
    const { code, stdout, stderr } = await runCli(['list', '-f', glob]);
    expect(code).toBe(2);
    expect(stdout).toMatch(
      /^⚠ Partial result: 1 input could not be read and is left out \(.*c-cut\.jsonl\)\./,
    );
    expect(stdout.match(/GET \(user-service\)/g)).toHaveLength(2);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^otrace: .*c-cut\.jsonl:2(:\d+)?: invalid JSON: .*\(skipped: the result leaves this input out\)$/,
    );
  });

  it('--format json carries the skipped inputs; the document still meets its contract', async () => {
    const { code, stdout } = await runCli(['list', '-f', glob, '--format', 'json']);
    expect(code).toBe(2);
    const doc = ListDocumentSchema.parse(JSON.parse(stdout));
    const readable = await runCli([
      'list',
      '-f',
      join(exports, 'a-healthy.json'),
      '-f',
      join(exports, 'b-down.json'),
      '--format',
      'json',
    ]);
    expect(doc.traces).toEqual(ListDocumentSchema.parse(JSON.parse(readable.stdout)).traces);
    expect(doc.skippedInputs).toEqual([
      { input: join(exports, 'c-cut.jsonl'), reason: expect.stringMatching(/c-cut\.jsonl:2.*invalid JSON/) },
    ]);
  });

  it('findings still exit 1, and CI formats fail a check for the input', async () => {
    const json = await runCli(['errors', '-f', glob, '--format', 'json']);
    expect(json.code).toBe(1);
    const doc = ErrorsDocumentSchema.parse(JSON.parse(json.stdout));
    expect(doc.tracesAnalysed).toBe(2);
    expect(doc.skippedInputs).toHaveLength(1);
    const junit = await runCli(['errors', '-f', glob, '--format', 'junit']);
    expect(junit.stdout).toMatch(
      /<testcase [^>]*name="input [^"]*c-cut\.jsonl">\s*<failure type="error" message="could not be read, left out: /,
    );
  });

  it('show finds its trace in the files that can be read', async () => {
    const { code, stdout } = await runCli(['show', '3cbc29e5', '-f', glob]);
    expect(code).toBe(1);
    expect(stdout).toContain('ECONNREFUSED');
    expect(stdout).toContain('Partial result');
  });

  it('every input unreadable, or one alone, is the error itself', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"nope": 1}');
    const alone = await runCli(['list', '-f', bad]);
    expect(alone.code).toBe(2);
    expect(alone.stdout).toBe('');
    expect(alone.stderr).toMatch(/^otrace: .*bad\.json:1: \(document\): not a trace document/);
    const both = await runCli(['list', '-f', bad, '-f', join(exports, 'c-cut.jsonl')]);
    expect(both.code).toBe(2);
    expect(both.stdout).toBe('');
    expect(both.stderr).toMatch(/^otrace: .*bad\.json:1: \(document\): not a trace document[^\n]*\n$/);
  });
});
