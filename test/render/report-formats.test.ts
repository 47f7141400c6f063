import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { JSON_CONTRACTS, jsonSchemaOf } from '../../src/render/json-schemas.js';
import { runCli } from '../helpers/run-cli.js';
import { seedFile } from '../helpers/seed.js';

/** Every command's report in the CI formats, on our fixtures. */
const BROKEN = seedFile('broken-propagation');
const DOWN = seedFile('order-service-down');
const scratch = () => mkdtempSync(join(tmpdir(), 'otrace-report-'));

describe('junit', () => {
  it('check-propagation: a test case per edge, the broken one failed with its message and trace', async () => {
    const { code, stdout } = await runCli(['check-propagation', BROKEN, '--format', 'junit']);
    expect(code).toBe(1);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(stdout);
    const suite = doc.testsuites.testsuite;
    expect(suite).toMatchObject({ name: 'otrace check-propagation', tests: '1', failures: '1' });
    expect(suite.testcase.name).toBe('user-service → order-service');
    expect(suite.testcase.failure.message).toBe(
      'order-service continued 0 of 1 call from user-service (1 split, 0 unanswered)',
    );
    expect(suite.testcase.failure['#text']).toContain('trace 7de09c051203f84f7eb7ca22083e60c9');
  });

  it('errors: a test case per group, recovered ones passed', async () => {
    const { stdout } = await runCli(['errors', seedFile('retry-recovers'), DOWN, '--format', 'junit']);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(stdout);
    const cases = [doc.testsuites.testsuite.testcase].flat() as { name: string; failure?: unknown }[];
    expect(cases.length).toBeGreaterThan(3);
    for (const c of cases) expect(c.failure === undefined, c.name).toBe(c.name.includes(' recovered '));
  });
});

describe('github', () => {
  it('one annotation per failed check, then the verdict as a notice', async () => {
    const { stdout } = await runCli(['show', DOWN, '--format', 'github']);
    expect(stdout.trimEnd().split('\n')).toEqual([
      '::error title=otrace show%3A GET (user-service) 3cbc29e5cc8dbb8bc33bfc66a9a02f4c::user-service → 127.0.0.1:35073 failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:35073 in get_user_orders › GET after 5.6ms. (trace 3cbc29e5cc8dbb8bc33bfc66a9a02f4c)',
      '::notice title=Trace 3cbc29e5cc8dbb8bc33bfc66a9a02f4c::user-service → 127.0.0.1:35073 failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:35073 in get_user_orders › GET after 5.6ms.',
    ]);
  });

  it('appends the Markdown summary to GITHUB_STEP_SUMMARY', async () => {
    const summary = join(scratch(), 'summary.md');
    writeFileSync(summary, '# before\n');
    await runCli(['check-propagation', BROKEN, '--format', 'github'], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# before\n### Trace context propagation\n')).toBe(true);
  });
});

describe('markdown and ndjson', () => {
  it('markdown: the report to post on a pull request', async () => {
    const { stdout } = await runCli(['check-propagation', BROKEN, '--format', 'markdown']);
    await expect(stdout).toMatchFileSnapshot('__snapshots__/check-propagation.md');
  });

  it('ndjson: one JSON value per line, the document items', async () => {
    const { stdout } = await runCli([
      'list',
      ...['healthy', 'order-service-slow'].map((s) => seedFile(s)),
      '--format',
      'ndjson',
    ]);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { traceId: string });
    expect(lines.map((l) => l.traceId)).toEqual([
      '4f8607aa8aebae659b1880bcb3729145',
      '8ef5f11da6111ac0ede2738ab9c67be4',
    ]);
  });
});

describe('--output', () => {
  it('writes other formats to files while the text goes to the terminal', async () => {
    const dir = scratch();
    const { code, stdout } = await runCli([
      'errors',
      DOWN,
      '--output',
      `junit=${join(dir, 'report.xml')}`,
      '--output',
      join(dir, 'report.md'),
      '--output',
      join(dir, 'report.json'),
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^#\s+count/);
    expect(readFileSync(join(dir, 'report.xml'), 'utf8')).toContain('<testsuite name="otrace errors"');
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/^### Errors\n/);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).schemaVersion).toBe(1);
  });

  it('refuses a file whose format it cannot tell (exit 2, before reading input)', async () => {
    const { code, stderr } = await runCli(['show', DOWN, '--output', 'report.bin']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--output "report\.bin": which format\?/);
  });
});

describe('JSON Schemas in schemas/', () => {
  it.each(Object.keys(JSON_CONTRACTS) as (keyof typeof JSON_CONTRACTS)[])(
    '%s: up to date with its zod schema',
    (name) => {
      expect(readFileSync(`schemas/${name}.schema.json`, 'utf8')).toBe(jsonSchemaOf(name));
    },
  );

  it('the JSON of every command validates against its schema file', async () => {
    const ajv = new Ajv2020({ strict: false });
    const rules = join(scratch(), 'rules.json');
    writeFileSync(rules, JSON.stringify({ rules: [{ type: 'no-timeouts' }] }));
    const runs: [keyof typeof JSON_CONTRACTS, string[]][] = [
      ['show', ['show', DOWN]],
      ['list', ['list', DOWN, BROKEN]],
      ['errors', ['errors', DOWN, BROKEN]],
      ['check-propagation', ['check-propagation', BROKEN]],
      ['assert', ['assert', DOWN, '--rules', rules]],
    ];
    for (const [name, args] of runs) {
      const validate = ajv.compile(JSON.parse(readFileSync(`schemas/${name}.schema.json`, 'utf8')));
      const { stdout } = await runCli([...args, '--format', 'json']);
      expect(validate(JSON.parse(stdout)), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});
