import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PerfDocumentSchema } from '../../../src/render/contracts/perf.js';
import { otlpDocument } from '../../helpers/otlp-doc.js';
import { queryLoop } from '../../helpers/query-loop.js';
import { runCli } from '../../helpers/run-cli.js';
import { SEED_SCENARIOS, seedFile } from '../../helpers/seed.js';

/**
 * `otrace perf` through the binary: the seed scenarios (real SDK services) are healthy as far as
 * performance goes; a handler that queries once per order is an N+1 loop, reported with what
 * batching would save, and gates CI with --fail-on.
 *
 *   GET /users/{id}  |--SELECT--||--SELECT--||--SELECT--||--SELECT--||--SELECT--||--SELECT--|
 *                       12 ms each, one after another, one per order
 */
const dir = mkdtempSync(join(tmpdir(), 'otrace-perf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loops = join(dir, 'n-plus-one.otlp.jsonl');
writeFileSync(
  loops,
  ['0af7651916cd43dd8448eb211c80319c', '1bf7651916cd43dd8448eb211c80319c']
    .map((id) =>
      JSON.stringify(
        otlpDocument(
          queryLoop({ calls: 6, queryMs: 12, stepMs: 13, rootEndMs: 100, traceId: id, route: true }),
        ),
      ),
    )
    .join('\n'),
);

async function perfJson(args: string[]) {
  const result = await runCli(['perf', ...args, '--format', 'json']);
  return { ...result, doc: PerfDocumentSchema.parse(JSON.parse(result.stdout)) };
}

describe('otrace perf', () => {
  it('finds nothing to fix in the seed scenarios, and says where their time goes', async () => {
    const { code, doc, stderr } = await perfJson(SEED_SCENARIOS.map((s) => seedFile(s)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(doc.groups).toEqual([]);
    expect(doc.tracesAnalysed).toBeGreaterThanOrEqual(6);
    // The slow scenario: order-service's query holds 5 s of user-service's GET.
    const slowRoot = doc.breakdown.find((b) => b.parts.some((p) => p.operation === 'query_orders'))!;
    expect(slowRoot.service).toBe('user-service');
    const query = slowRoot.parts.find((p) => p.operation === 'query_orders')!;
    expect(query.share).toBeGreaterThan(0.5);
    for (const root of doc.breakdown)
      expect(root.parts.reduce((n, p) => n + p.share, 0)).toBeLessThanOrEqual(1.0001);
  });

  it('reports a query per item as N+1 with the saving, grouped across traces', async () => {
    const { code, doc } = await perfJson([loops]);
    expect(code).toBe(0);
    expect(doc.groups).toHaveLength(1);
    expect(doc.groups[0]).toMatchObject({
      kind: 'n-plus-one',
      service: 'user-service',
      operation: 'GET /users/{id}',
      shape: 'SELECT * FROM orders WHERE id = ?',
      family: 'db',
      count: 2,
      traces: 2,
      traceShare: 1,
      calls: 12,
      // Six 12 ms queries in one: 60 ms saved per trace.
      savedMs: 120,
    });
    const text = await runCli(['perf', loops]);
    expect(text.stdout).toContain('N+1');
    expect(text.stdout).toContain(
      'user-service › GET /users/{id} makes 6 queries one by one: SELECT * FROM orders WHERE id = ?',
    );
  });

  it('exits 1 with --fail-on naming the kind found, 0 when it names another', async () => {
    expect((await runCli(['perf', loops, '--fail-on', 'n-plus-one'])).code).toBe(1);
    expect((await runCli(['perf', loops, '--fail-on', 'any'])).code).toBe(1);
    expect((await runCli(['perf', loops, '--fail-on', 'retry-storm,fan-out'])).code).toBe(0);
    const bad = await runCli(['perf', loops, '--fail-on', 'slowness']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^otrace: --fail-on: "slowness" is not a finding kind — use none, any/);
  });

  it('takes the thresholds from the config file', async () => {
    const config = join(dir, 'otrace.json');
    writeFileSync(config, JSON.stringify({ perf: { nPlusOne: { minCalls: 7 } } }));
    const { doc } = await perfJson([loops, '--config', config]);
    expect(doc.groups).toEqual([]);
    writeFileSync(config, JSON.stringify({ perf: { nPlusOne: { minCalls: 1 } } }));
    const refused = await runCli(['perf', loops, '--config', config]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('perf.nPlusOne.minCalls');
  });
});
