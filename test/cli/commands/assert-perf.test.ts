import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AssertDocumentSchema } from '../../../src/render/contracts/assert.js';
import { type DocSpan, otlpDocument, spanHex } from '../../helpers/otlp-doc.js';
import { queryLoop } from '../../helpers/query-loop.js';
import { REPO_ROOT, runCli } from '../../helpers/run-cli.js';
import { SEED_SCENARIOS, seedFile } from '../../helpers/seed.js';

/**
 * The performance rules of `otrace assert` through the binary, on two generated traces:
 *
 *   loop     GET /users/{id} (user-service)  |-SELECT-||-SELECT-| … ×8     a query per order
 *   healthy  GET /cart (cart)                |--GET stock--|
 *                                            |--GET price--|               at once
 */
const dir = mkdtempSync(join(tmpdir(), 'otrace-assert-perf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LOOP_ID = '1bf7651916cd43dd8448eb211c80319c';
const HEALTHY_ID = '2cf7651916cd43dd8448eb211c80319c';

function healthyTrace(): DocSpan[] {
  const get = (id: number, url: string): DocSpan => ({
    id,
    parent: 1,
    name: 'GET',
    service: 'cart',
    kind: 3,
    startMs: 5,
    endMs: 25,
    attributes: { 'http.request.method': 'GET', 'url.full': url },
    traceId: HEALTHY_ID,
  });
  return [
    { id: 1, name: 'GET /cart', service: 'cart', kind: 2, startMs: 0, endMs: 30, traceId: HEALTHY_ID },
    get(2, 'http://stock/items/7'),
    get(3, 'http://price/items/7'),
  ];
}

const HEALTHY = join(dir, 'healthy.otlp.jsonl');
writeFileSync(HEALTHY, JSON.stringify(otlpDocument(healthyTrace())));
const BOTH = join(dir, 'both.otlp.jsonl');
writeFileSync(
  BOTH,
  [queryLoop({ calls: 8, queryMs: 11, stepMs: 12, rootEndMs: 150, traceId: LOOP_ID }), healthyTrace()]
    .map((t) => JSON.stringify(otlpDocument(t)))
    .join('\n'),
);

function write(name: string, content: string): string {
  const path = join(mkdtempSync(join(dir, 'rules-')), name);
  writeFileSync(path, content);
  return path;
}

const RULES = write(
  'otrace.rules.yaml',
  [
    'rules:',
    '  - type: no-n-plus-one',
    '  - type: max-calls',
    '    max: 5',
    '  - name: the users endpoint makes at most 4 calls',
    '    type: max-calls',
    '    select: { operation: "GET /users/{id}" }',
    '    max: 4',
    '  - type: max-sequential',
    '    max: 3',
  ].join('\n'),
);

async function assertJson(file: string, rules: string, extra: string[] = []) {
  const result = await runCli(['assert', file, '--rules', rules, '--format', 'json', ...extra]);
  return { ...result, doc: AssertDocumentSchema.parse(JSON.parse(result.stdout)) };
}

describe('otrace assert: performance rules', () => {
  it('passes a trace without loops, with few calls and none one after another (exit 0)', async () => {
    const rules = write(
      'r.yaml',
      [
        'rules:',
        '  - type: no-n-plus-one',
        '  - type: max-calls',
        '    max: 2',
        '  - type: max-sequential',
        '    max: 1',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await runCli(['assert', HEALTHY, '--rules', rules]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        '✓ 1: no-n-plus-one: no N+1 loops made by 3 spans',
        '✓ 2: max-calls: the busiest of 1 trace makes 2 calls (at most 2 wanted)',
        '✓ 3: max-sequential: the longest run of calls one after another under one of 3 spans: 1 (at most 1 wanted)',
        '',
        '3 rules over 1 trace: all passed.',
        '',
      ].join('\n'),
    );
  });

  it('fails each rule on a query per order, with the trace, the span and what was counted (exit 1)', async () => {
    const { code, doc } = await assertJson(BOTH, RULES);
    expect(code).toBe(1);
    expect(doc.failed).toBe(4);
    const [loops, perTrace, perOperation, sequential] = doc.rules;
    expect(loops).toMatchObject({
      type: 'no-n-plus-one',
      status: 'failed',
      message: '1 N+1 loop made by 12 spans',
      evidence: [
        {
          traceId: LOOP_ID,
          spanId: spanHex(1),
          // The statement survived the compaction of spans: the rule reads calls as perf does.
          detail:
            'user-service › GET /users/{id}: 8 calls one by one, 77.0 ms to save by batching: SELECT * FROM orders WHERE id = ?',
        },
      ],
    });
    expect(perTrace).toMatchObject({
      type: 'max-calls',
      status: 'failed',
      matched: 2,
      measured: { most: 8, per: 'trace' },
      message: 'the busiest of 2 traces makes 8 calls (at most 5 wanted)',
      evidence: [
        {
          traceId: LOOP_ID,
          spanId: null,
          detail: '8 calls (the commonest: SELECT * FROM orders WHERE id = ? ×8)',
        },
      ],
    });
    expect(perOperation).toMatchObject({
      name: 'the users endpoint makes at most 4 calls',
      status: 'failed',
      matched: 1,
      message: 'the busiest of 1 span has 8 calls below it (at most 4 wanted)',
      evidence: [{ traceId: LOOP_ID, spanId: spanHex(1) }],
    });
    expect(sequential).toMatchObject({
      type: 'max-sequential',
      status: 'failed',
      measured: { longest: 8 },
      message: 'the longest run of calls one after another under one of 12 spans: 8 (at most 3 wanted)',
      evidence: [
        {
          traceId: LOOP_ID,
          spanId: spanHex(1),
          detail:
            'user-service › GET /users/{id}: 8 calls one after another: SELECT * FROM orders WHERE id = ?',
        },
      ],
    });
  });

  it('prints the evidence under each failed rule in text, one JUnit failure per failed rule', async () => {
    const text = await runCli(['assert', BOTH, '--rules', RULES]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      [
        '✗ 1: no-n-plus-one: 1 N+1 loop made by 12 spans',
        `    trace ${LOOP_ID} span ${spanHex(1)}: user-service › GET /users/{id}: 8 calls one by one, 77.0 ms to save by batching: SELECT * FROM orders WHERE id = ?`,
      ].join('\n'),
    );
    const junit = await runCli(['assert', BOTH, '--rules', RULES, '--format', 'junit']);
    expect(junit.stdout.match(/<testcase /g)).toHaveLength(4);
    expect(junit.stdout.match(/<failure /g)).toHaveLength(4);
  });

  it('takes the N+1 thresholds from --config, as perf does', async () => {
    const config = write('otrace.json', JSON.stringify({ perf: { nPlusOne: { minCalls: 20 } } }));
    const rules = write('r.json', JSON.stringify({ rules: [{ type: 'no-n-plus-one' }] }));
    expect((await assertJson(BOTH, rules)).code).toBe(1);
    const { code, doc } = await assertJson(BOTH, rules, ['--config', config]);
    expect(code).toBe(0);
    expect(doc.rules[0]).toMatchObject({ status: 'passed', measured: { count: 0 } });
  });

  it('finds no N+1 loop in the seed scenarios, which perf finds healthy', async () => {
    const rules = write('r.json', JSON.stringify({ rules: [{ type: 'no-n-plus-one' }] }));
    const seeds = SEED_SCENARIOS.map((s) => join(REPO_ROOT, seedFile(s)));
    const { code, doc } = await assertJson(seeds[0]!, rules, seeds.slice(1));
    expect(doc.rules[0]).toMatchObject({ status: 'passed', evidence: [] });
    expect(doc.tracesAnalysed).toBeGreaterThanOrEqual(7);
    expect(code).toBe(0);
  });
});
