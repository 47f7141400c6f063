import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { DiffDocumentSchema, DiffPlaceSchema } from '../../../src/render/contracts/diff.js';
import { json, useFakeBackend } from '../../helpers/fake-backend.js';
import { runCli } from '../../helpers/run-cli.js';
import { seedFile } from '../../helpers/seed.js';

/**
 * `otrace diff` through the built CLI: the seed scenarios (real SDK services) against each other,
 * every format, bad input, and a backend on 127.0.0.1 (diff-shapes.test.ts has made-up pairs).
 */
const dir = mkdtempSync(join(tmpdir(), 'otrace-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEALTHY = seedFile('healthy');
const DOWN = seedFile('order-service-down');
const SLOW = seedFile('order-service-slow');
const BROKEN = seedFile('broken-propagation');
const ids = (file: string) => [
  ...new Set([...readFileSync(file, 'utf8').matchAll(/"traceId":\s*"([0-9a-f]{32})"/g)].map((m) => m[1]!)),
];
const [HEALTHY_ID] = ids(HEALTHY);
const [SLOW_ID] = ids(SLOW);

async function diffJson(args: string[]) {
  const result = await runCli(['diff', ...args, '--format', 'json']);
  return { ...result, doc: DiffDocumentSchema.parse(JSON.parse(result.stdout)) };
}

describe('otrace diff on the seed scenarios', () => {
  it('healthy → order-service down: the failing call, the new exception, the removed callee', async () => {
    const { code, stdout, stderr } = await runCli(['diff', HEALTHY, DOWN]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // Timings and ports change when the fixtures are recorded again; the shape does not.
    const lines = stdout.split('\n');
    const call = lines.find((l) => l.startsWith('~       └─ GET (user-service)'))!;
    expect(call).toMatch(
      / \S+ms → \S+ms -\S+ms ×0\.\d+ {2}✗ ok → error {2}✗ new: ECONNREFUSED: connect ECONNREFUSED /,
    );
    expect(call).toMatch(/✂ order-service \(127\.0\.0\.1:\d+\) no longer continues the trace$/);
    expect(lines).toContainEqual(expect.stringMatching(/^- {10}└─ GET \(order-service\) \S+ms$/));
    expect(lines).toContainEqual(expect.stringMatching(/^- {13}└─ query_orders \(order-service\) \S+ms$/));
    // get_user_data did the same work: unchanged, no mark.
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {5}├─ get_user_data \(user-service\) 10\dms → 10\dms$/),
    );
    expect(stdout).toMatch(/\nB is \S+ms faster on the critical path \(\S+ms → \S+ms\)/);
    expect(stdout).toContain('4 changed, 0 added, 2 removed, 1 unchanged; new errors at 4 places.');
  });

  it('healthy → order-service slow: B slower, blamed on the query; --fail-on slower and error exit 1', async () => {
    const files = ['-f', HEALTHY, '-f', SLOW];
    const { code, doc } = await diffJson([HEALTHY_ID!.slice(0, 8), SLOW_ID!.slice(0, 8), ...files]);
    expect(code).toBe(0);
    expect(doc.a.traceId).toBe(HEALTHY_ID);
    expect(doc.b.traceId).toBe(SLOW_ID);
    expect(doc.summary.verdict).toBe('slower');
    expect(doc.summary.deltaMs).toBeGreaterThan(4900);
    expect(doc.criticalPath[0]).toMatchObject({ service: 'order-service', operation: 'query_orders' });
    expect(doc.summary.text).toMatch(
      /^B is \S+s slower on the critical path \(\S+ms → \S+s\): query_orders \(order-service\) \+\S+s\./,
    );
    const orders = doc.places.find((p) => p.operation === 'get_user_orders')!;
    expect(orders.state).toBe('changed');
    expect(orders.newError).toBe(true);
    expect(orders.changes.map((c) => c.kind)).toEqual(['duration', 'status', 'exception']);
    expect(orders.changes[2]).toMatchObject({
      direction: 'new',
      type: 'TimeoutError',
      message: 'order-service did not answer within 5000 ms',
    });
    expect(doc.failed).toBe(false);
    for (const failOn of ['slower', 'error', 'any', 'slower,error']) {
      const gated = await runCli(['diff', HEALTHY_ID!, SLOW_ID!, ...files, '--fail-on', failOn]);
      expect(gated.code, failOn).toBe(1);
    }
    // The other way round B is faster and recovers: nothing to fail on but "any".
    for (const [failOn, exit] of [
      ['slower', 0],
      ['error', 0],
      ['any', 1],
    ] as const) {
      const back = await runCli(['diff', SLOW_ID!, HEALTHY_ID!, ...files, '--fail-on', failOn]);
      expect(back.code, failOn).toBe(exit);
    }
  });

  it('a trace against itself, and two traces of one shape: no change, whatever --fail-on says', async () => {
    const self = await diffJson([HEALTHY_ID!, HEALTHY_ID!, '-f', HEALTHY, '--fail-on', 'slower,error,any']);
    expect(self.code).toBe(0);
    expect(self.doc.counts).toEqual({ added: 0, removed: 0, changed: 0, unchanged: 7, newErrors: 0 });
    expect(self.doc.summary.text).toMatch(/^No change: /);
    expect(self.doc.places.every((p) => p.changes.length === 0)).toBe(true);
  });

  it('healthy → broken propagation: order-service no longer continues the trace', async () => {
    // The file holds user-service's trace and order-service's, split apart.
    const listed = JSON.parse((await runCli(['list', BROKEN, '--format', 'json'])).stdout) as {
      traces: { traceId: string; rootService: string }[];
    };
    const userTrace = listed.traces.find((t) => t.rootService === 'user-service')?.traceId;
    const { doc } = await diffJson([HEALTHY_ID!, userTrace!, '-f', HEALTHY, '-f', BROKEN]);
    const call = doc.places.find((p) => p.service === 'user-service' && p.depth === 3)!;
    expect(call.changes).toContainEqual(
      expect.objectContaining({ kind: 'propagation', direction: 'lost', callee: 'order-service' }),
    );
    expect(doc.places.filter((p) => p.state === 'removed').map((p) => p.operation)).toEqual([
      'GET',
      'query_orders',
    ]);
  });

  it('writes every format: NDJSON places, JUnit and GitHub checks failed as --fail-on says, --output files', async () => {
    const ndjson = await runCli(['diff', HEALTHY, DOWN, '--format', 'ndjson']);
    const places = ndjson.stdout
      .trimEnd()
      .split('\n')
      .map((line) => DiffPlaceSchema.parse(JSON.parse(line)));
    expect(places.map((p) => p.state)).toEqual([
      'changed',
      'changed',
      'unchanged',
      'changed',
      'changed',
      'removed',
      'removed',
    ]);
    const junitFile = join(dir, 'diff.xml');
    const github = await runCli([
      'diff',
      HEALTHY,
      DOWN,
      '--format',
      'github',
      '--fail-on',
      'error',
      '--output',
      junitFile,
    ]);
    expect(github.code).toBe(1);
    const errors = github.stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/^::error title=otrace diff%3A #1 changed user-service › GET::/);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      readFileSync(junitFile, 'utf8'),
    );
    expect(junit.testsuites.testsuite).toMatchObject({ name: 'otrace diff', tests: '7', failures: '4' });
  });

  it('writes JSON that validates against schemas/diff.schema.json', async () => {
    const validate = new Ajv2020({ strict: false }).compile(
      JSON.parse(readFileSync('schemas/diff.schema.json', 'utf8')),
    );
    for (const pair of [
      [HEALTHY, DOWN],
      [SLOW, HEALTHY],
    ]) {
      const { stdout } = await runCli(['diff', ...pair, '--format', 'json']);
      expect(validate(JSON.parse(stdout)), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});

describe('otrace diff: bad input and sources', () => {
  it('refuses bad options in one line with exit 2, before reading input', async () => {
    for (const [args, message] of [
      [['--min-ratio', '0.5'], /^otrace: --min-ratio "0\.5": expected a number of at least 1 — /],
      [['--min-delta', 'soon'], /^otrace: --min-delta "soon": not a duration — /],
      [['--fail-on', 'slow'], /^otrace: --fail-on: "slow" is not something diff can fail on — /],
      [['--max-lines', '0'], /^otrace: --max-lines "0": expected a whole number ≥ 1/],
    ] as const) {
      const { code, stdout, stderr } = await runCli([
        'diff',
        'abcd',
        'ef01',
        '-f',
        'no/such/file.json',
        ...args,
      ]);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    const notAnId = await runCli(['diff', HEALTHY_ID!, 'later.json', '-f', HEALTHY]);
    expect(notAnId.code).toBe(2);
    expect(notAnId.stderr).toMatch(/^otrace: "later\.json" is not a trace id — /);
  });

  it('exits 3 for a trace or a file that is not there', async () => {
    const missing = await runCli(['diff', HEALTHY_ID!, 'abcdef12', '-f', HEALTHY]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(
      /^otrace: trace abcdef12 not found in .*healthy\.otlp\.json \(1 trace\(s\)\) — /,
    );
    const noFile = await runCli(['diff', HEALTHY, 'no/such/file.json']);
    expect(noFile.code).toBe(3);
    expect(noFile.stderr).toMatch(/^otrace: no\/such\/file\.json: no such file — /);
    const several = await runCli(['diff', HEALTHY, BROKEN]);
    expect(several.code).toBe(2);
    expect(several.stderr).toContain('holds 2 traces; say which one: otrace diff <traceA> <traceB> -f FILE…');
  });

  const serve = useFakeBackend();

  it('fetches both traces from a backend, and exits 3 when one is not there', async () => {
    const documents = new Map(
      [HEALTHY, SLOW].map((file) => [ids(file)[0]!, JSON.parse(readFileSync(file, 'utf8')) as unknown]),
    );
    const server = await serve((req, res) => {
      const id = req.url?.match(/^\/api\/v3\/traces\/([0-9a-f]+)$/)?.[1];
      const document = id === undefined ? undefined : documents.get(id);
      if (document === undefined) json(res, 404, { error: { httpCode: 404, message: 'No traces found' } });
      else json(res, 200, { result: document });
    });
    const { code, doc } = await diffJson([HEALTHY_ID!, SLOW_ID!, '--jaeger', server.url]);
    expect(code).toBe(0);
    expect(doc.summary.verdict).toBe('slower');
    expect(server.requests.map((r) => r.path)).toEqual([
      `/api/v3/traces/${HEALTHY_ID}`,
      `/api/v3/traces/${SLOW_ID}`,
    ]);
    const missing = await runCli(['diff', HEALTHY_ID!, 'ab'.repeat(16), '--jaeger', server.url]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^otrace: trace (ab){16} not found: /);
  });
});
