import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorsDocumentSchema } from '../../../src/render/contracts/errors.js';
import { type FakeBackend, json, startFakeBackend } from '../../helpers/fake-backend.js';
import { runCli } from '../../helpers/run-cli.js';
import { SEED_SCENARIOS, seedFile } from '../../helpers/seed.js';

/** `otrace errors` on our real-SDK scenarios, from files and from a Jaeger search. */
/** Every seed scenario but the broken propagation (no errors there, and two traces). */
const SCENARIOS = SEED_SCENARIOS.filter((s) => s !== 'broken-propagation');
const seed = (name: string) => seedFile(name);
const FILES = SCENARIOS.map(seed);

async function errorsJson(args: string[]) {
  const result = await runCli(['errors', ...args, '--format', 'json']);
  return { ...result, doc: ErrorsDocumentSchema.parse(JSON.parse(result.stdout)) };
}

let backend: FakeBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

describe('otrace errors', () => {
  it('groups the failures of every scenario, with classes, origins and example ids (JSON)', async () => {
    const { code, doc, stderr } = await errorsJson(FILES);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(doc).toMatchObject({ tracesAnalysed: 5, tracesWithErrors: 4, failOn: 'any', failed: true });
    const classes = new Set(doc.groups.map((g) => g.class));
    expect([...classes].sort()).toEqual(['origin', 'propagated', 'recovered', 'timeout']);
    const refused = doc.groups.find((g) => g.errorType === 'ECONNREFUSED' && g.class === 'origin')!;
    expect(refused).toMatchObject({
      service: 'user-service',
      operation: 'GET',
      message: 'connect ECONNREFUSED <ip>',
    });
    const slow = doc.groups.find((g) => g.class === 'timeout')!;
    expect(slow).toMatchObject({ service: 'order-service', operation: 'query_orders' });
    const db = doc.groups.find((g) => g.errorType === '42P01')!;
    expect(db).toMatchObject({ class: 'origin', message: 'relation <str> does not exist' });
    for (const group of doc.groups.filter((g) => g.class === 'propagated'))
      expect(group.origin).not.toBeNull();
    expect(doc.groups.every((g) => g.traceShare === g.traces / 5)).toBe(true);
    // Recovered spans are reported but never counted against the run.
    const recovered = doc.groups.filter((g) => g.class === 'recovered').reduce((n, g) => n + g.count, 0);
    expect(doc.failingSpans).toBe(doc.errorSpans - recovered);
  });

  it('prints a table, the example ids and the summary paragraph', async () => {
    const { code, stdout } = await runCli([
      'errors',
      seed('order-service-slow'),
      '--service',
      'user-service',
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^#\s+count\s+traces\s+class\s+where\s+error\s+p50 \/ max$/m);
    expect(stdout).toMatch(/timeout\s+↓ order-service › query_orders\s+slow span behind a timeout/);
    expect(stdout).toContain('← order-service › query_orders');
    expect(stdout).toContain('Examples (otrace show <trace-id>):\n   1  8ef5f11da6111ac0ede2738ab9c67be4');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      '4 failing spans in user-service and 1 below it in 1 trace (100% of 1 trace analysed). 100% of the 1 trace where user-service failed trace back to order-service › query_orders → 127.0.0.1:5432: slow span behind a timeout.',
    );
  });

  it('--fail-on origin passes a service whose failures all start downstream', async () => {
    const any = await runCli(['errors', seed('order-service-slow'), '--service', 'user-service']);
    const origin = await runCli([
      'errors',
      seed('order-service-slow'),
      '--service',
      'user-service',
      '--fail-on',
      'origin',
    ]);
    expect(any.code).toBe(1);
    expect(origin.code).toBe(0);
    expect(origin.stdout).toContain('Nothing at or above --fail-on.');
    // order-service-down: the refused call is user-service's own span, an origin there.
    const down = await runCli([
      'errors',
      seed('order-service-down'),
      '--service',
      'user-service',
      '--fail-on',
      'origin',
    ]);
    expect(down.code).toBe(1);
  });

  it('--max-errors tolerates that many failing spans', async () => {
    const { doc } = await errorsJson([seed('order-service-down')]);
    expect(doc.failingSpans).toBe(4);
    expect((await runCli(['errors', seed('order-service-down'), '--max-errors', '4'])).code).toBe(0);
    expect((await runCli(['errors', seed('order-service-down'), '--max-errors', '3'])).code).toBe(1);
  });

  it('a recovered retry and a healthy trace exit 0', async () => {
    const recovered = await runCli(['errors', seed('retry-recovers'), seed('healthy')]);
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toMatch(/recovered/);
    const healthy = await runCli(['errors', seed('healthy')]);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toBe('No errors in 1 trace analysed.\n');
  });

  it('--top cuts the groups and says how many more; --group-by exception merges across services', async () => {
    const top = await errorsJson([...FILES, '--top', '2']);
    expect(top.doc.groups).toHaveLength(2);
    expect(top.doc.groupsTotal).toBeGreaterThan(2);
    const text = await runCli(['errors', ...FILES, '--top', '2']);
    expect(text.stdout).toMatch(
      new RegExp(`… ${top.doc.groupsTotal - 2} more groups \\(--top ${top.doc.groupsTotal}\\)`),
    );
    const byException = await errorsJson([...FILES, '--group-by', 'exception']);
    expect(byException.doc.groups.every((g) => g.service === null && g.operation === null)).toBe(true);
    expect(byException.doc.groupBy).toBe('exception');
  });

  it('rejects a bad --fail-on, --top or --max-errors (exit 2)', async () => {
    for (const flags of [
      ['--fail-on', 'some'],
      ['--top', '0'],
      ['--max-errors', '-1'],
      ['--group-by', 'host'],
    ]) {
      const { code, stderr } = await runCli(['errors', seed('healthy'), ...flags]);
      expect(code, flags.join(' ')).toBe(2);
      expect(stderr).not.toMatch(/at .*\.js:\d+/);
    }
  });

  it('works on a Jaeger search the same as on the files', async () => {
    const all = {
      resourceSpans: SCENARIOS.flatMap((s) => JSON.parse(readFileSync(seed(s), 'utf8')).resourceSpans),
    };
    backend = await startFakeBackend((req, res) => {
      if (req.url?.startsWith('/api/v3/traces?')) json(res, 200, { result: all });
      else json(res, 404, '404 page not found\n', 'text/plain');
    });
    const fromJaeger = await errorsJson(['--jaeger', backend.url, '--service', 'user-service']);
    const fromFiles = await errorsJson([...FILES, '--service', 'user-service']);
    expect(fromJaeger.code).toBe(1);
    expect(fromJaeger.doc.groups).toEqual(fromFiles.doc.groups);
    expect(backend.requests.map((r) => r.path.split('?')[0])).toEqual(['/api/v3/traces']);
  });
});
