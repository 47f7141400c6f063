import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../../../src/analysis/assert-rules.js';
import { AssertDocumentSchema } from '../../../src/render/contracts/assert.js';
import { REPO_ROOT, runCli } from '../../helpers/run-cli.js';
import { SEED_SCENARIOS, seedFile } from '../../helpers/seed.js';

/** `otrace assert` on the seed scenarios with rules files written by the tests. */
const ALL = SEED_SCENARIOS.map((s) => join(REPO_ROOT, seedFile(s)));

function rulesFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'otrace-rules-')), name);
  writeFileSync(path, content);
  return path;
}

async function assertJson(files: string[], rules: string) {
  const result = await runCli(['assert', ...files, '--rules', rules, '--format', 'json']);
  return { ...result, doc: AssertDocumentSchema.parse(JSON.parse(result.stdout)) };
}

describe('otrace assert', () => {
  it('passes a healthy trace against every kind of rule (YAML), exit 0', async () => {
    const rules = rulesFile(
      'otrace.rules.yaml',
      [
        'rules:',
        '  - type: no-error-origins',
        '    select: { service: user-service }',
        '  - type: no-timeouts',
        '  - type: duration',
        '    select: { service: order-service, operation: "query_*" }',
        '    p95: 500ms',
        '  - type: span-count',
        '    max: 20',
        '  - type: required-attributes',
        '    select: { kind: server }',
        '    attributes: [http.request.method, url.path]',
        '  - type: propagation',
        '    from: user-service',
        '    to: order-service',
        '  - type: no-orphans',
      ].join('\n'),
    );
    const { code, doc } = await assertJson([join(REPO_ROOT, seedFile('healthy'))], rules);
    expect(doc.rules.map((r) => r.status)).toEqual(Array(7).fill('passed'));
    expect(code).toBe(0);
  });

  it('fails with evidence: the failing trace and span ids (JSON rules), exit 1', async () => {
    const rules = rulesFile(
      'rules.json',
      JSON.stringify({
        rules: [
          { type: 'no-timeouts', select: { service: 'user-service' } },
          { type: 'propagation', from: 'user-service', to: 'order-service' },
          { type: 'duration', select: { operation: 'query_orders' }, max: '1s' },
          {
            name: 'a service that is not there',
            type: 'no-error-origins',
            select: { service: 'user-servise' },
          },
        ],
      }),
    );
    const { code, doc } = await assertJson(ALL, rules);
    expect(code).toBe(1);
    const [timeouts, propagation, duration, typo] = doc.rules;
    expect(timeouts).toMatchObject({ status: 'failed' });
    expect(timeouts!.evidence.every((e) => e.traceId === '8ef5f11da6111ac0ede2738ab9c67be4')).toBe(true);
    expect(propagation).toMatchObject({
      status: 'failed',
      message: 'order-service continued 6 of 7 calls from user-service',
      evidence: [{ traceId: '7de09c051203f84f7eb7ca22083e60c9', detail: 'split-trace' }],
    });
    expect(duration!.evidence.map((e) => e.detail)).toEqual([
      expect.stringMatching(/query_orders: 600\d\.\d ms$/),
    ]);
    expect(typo).toMatchObject({
      status: 'failed',
      matched: 0,
      message: 'no spans matched the selector: check it',
    });
  });

  it('reports one JUnit test case per rule', async () => {
    const rules = rulesFile(
      'r.json',
      JSON.stringify({ rules: [{ type: 'no-timeouts' }, { type: 'no-orphans' }] }),
    );
    const { stdout } = await runCli(['assert', ...ALL, '--rules', rules, '--format', 'junit']);
    expect(stdout.match(/<testcase /g)).toHaveLength(2);
    expect(stdout.match(/<failure /g)).toHaveLength(1);
  });

  it('finds otrace.rules.json in the current directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otrace-rules-'));
    writeFileSync(join(dir, 'otrace.rules.json'), JSON.stringify({ rules: [{ type: 'no-orphans' }] }));
    const { code, stdout } = await runCli(['assert', join(REPO_ROOT, seedFile('healthy'))], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toContain('✓ 1: no-orphans: no orphans among 7 spans');
  });

  it('refuses a bad rules file with the file, the path in it and what is expected (exit 2)', async () => {
    const cases: [string, string, RegExp][] = [
      [
        'a.json',
        '{"rules": [{"type": "no-bugs"}]}',
        /a\.json: rules\[0\]\.type: .*— rule types: no-error-origins/,
      ],
      [
        'b.json',
        '{"rules": [{"type": "duration", "max": "fast"}]}',
        /b\.json: rules\[0\]\.max: a duration such as 5s, 250ms/,
      ],
      ['c.yaml', 'rules:\n  - type: no-orphans\n    selct: {}\n', /c\.yaml: rules\[0\]: .*selct/],
      ['d.json', '{"rules": [', /d\.json: cannot be read/],
      ['e.json', '{"rules": [{"type": "span-count"}]}', /e\.json: rules\[0\]\.max: /],
    ];
    for (const [name, content, message] of cases) {
      const { code, stderr } = await runCli(['assert', ...ALL, '--rules', rulesFile(name, content)]);
      expect(code, name).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
    const none = await runCli(['assert', ...ALL], { cwd: mkdtempSync(join(tmpdir(), 'otrace-rules-')) });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no rules file — pass --rules FILE, or create otrace\.rules\.json/);
  });
});

describe('globToRegExp', () => {
  it('makes * and ? wild and everything else literal', () => {
    expect(globToRegExp('GET /orders/*').test('GET /orders/42')).toBe(true);
    expect(globToRegExp('GET /orders/*').test('POST /orders/42')).toBe(false);
    expect(globToRegExp('a.b?').test('a.bc')).toBe(true);
    expect(globToRegExp('a.b?').test('axbc')).toBe(false);
  });
});
