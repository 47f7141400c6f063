import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ShowDocumentSchema } from '../../../src/render/contracts/show.js';
import { otlpDocument, spanHex } from '../../helpers/otlp-doc.js';
import { queryLoop } from '../../helpers/query-loop.js';
import { runCli } from '../../helpers/run-cli.js';
import { SEED_SCENARIOS, seedFile } from '../../helpers/seed.js';

/**
 * `otrace show` through the binary marks the performance findings of its trace: a handler that
 * queries once per order is an N+1 loop, marked on the handler, with the biggest saving in the
 * footer; the seed scenarios (real SDK services) have none.
 *
 *   GET /users/{id}  |--SELECT--||--SELECT--| … ×calls      11 ms each, one after another
 */
const dir = mkdtempSync(join(tmpdir(), 'otrace-show-perf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function usersLoop(calls: number): string {
  const spans = queryLoop({ calls, queryMs: 11, stepMs: 12, rootEndMs: 200, route: true });
  const file = join(dir, `users-${calls}.otlp.json`);
  writeFileSync(file, JSON.stringify(otlpDocument(spans)));
  return file;
}

const TWELVE = usersLoop(12);
const FOUR = usersLoop(4);

function configFile(name: string, content: unknown): string {
  const folder = mkdtempSync(join(dir, 'config-'));
  const file = join(folder, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('otrace show: performance findings', () => {
  it('marks the N+1 loop on its parent, folds the queries, and names the biggest saving', async () => {
    const { code, stdout, stderr } = await runCli(['show', '-f', TWELVE]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(3)).toEqual([
      'GET /users/{id} (user-service) 200ms* (self 68ms)  ◀ N+1 ×12',
      '├─ N+1: SELECT * FROM orders WHERE id = ?',
      '└─ SELECT orders (user-service) ×12  132ms total (11ms–11ms each)',
      '',
      '⚡ Biggest saving: batch the 12 queries of user-service › GET /users/{id} (SELECT * FROM orders WHERE id = ?): ~121ms',
      '',
      '✓ No errors.',
      '',
    ]);
  });

  it('gives the findings as data in --format json, within the show contract (version 1)', async () => {
    const { code, stdout } = await runCli(['show', '-f', TWELVE, '--format', 'json']);
    expect(code).toBe(0);
    const doc = ShowDocumentSchema.parse(JSON.parse(stdout));
    expect(doc.schemaVersion).toBe(1);
    expect(doc.perfFindings).toHaveLength(1);
    expect(doc.perfFindings[0]).toMatchObject({
      kind: 'n-plus-one',
      spanId: spanHex(1),
      service: 'user-service',
      operation: 'GET /users/{id}',
      shape: 'SELECT * FROM orders WHERE id = ?',
      count: 12,
      savedMs: 121,
      family: 'db',
      peer: 'postgresql',
    });
    expect(doc.perfFindings[0]!.callSpanIds).toEqual(Array.from({ length: 12 }, (_, i) => spanHex(16 + i)));
  });

  it('reports the finding as a passed test case in JUnit: the run is not failed by it', async () => {
    const { code, stdout } = await runCli(['show', '-f', TWELVE, '--format', 'junit']);
    expect(code).toBe(0);
    expect(stdout.match(/<testcase /g)).toHaveLength(2);
    expect(stdout).toContain('N+1 1: user-service › GET /users/{id}');
    expect(stdout).not.toContain('<failure');
  });

  it('takes the thresholds from --config: a loop of 4 is N+1 at minCalls 4; at 20, 12 queries are only sequential', async () => {
    expect((await runCli(['show', '-f', FOUR])).stdout).not.toContain('◀');
    const low = configFile('low.json', { perf: { nPlusOne: { minCalls: 4, minTotalMs: 10 } } });
    const lowered = await runCli(['show', '-f', FOUR, '--config', low]);
    expect(lowered.code).toBe(0);
    expect(lowered.stdout).toContain('GET /users/{id} (user-service) 200ms* (self 156ms)  ◀ N+1 ×4');
    const high = configFile('high.json', { perf: { nPlusOne: { minCalls: 20 } } });
    const raised = await runCli(['show', '-f', TWELVE, '--config', high]);
    expect(raised.stdout).not.toContain('◀ N+1');
    expect(raised.stdout).toContain(
      'GET /users/{id} (user-service) 200ms* (self 68ms)  ◀ sequential ×12, 121ms to save',
    );
    expect(raised.stdout).toContain(
      '⚡ Biggest saving: run the 12 calls of user-service › GET /users/{id} at once (SELECT * FROM orders WHERE id = ?): ~121ms',
    );
  });

  it('reads .otrace.json in the current directory, as perf does', async () => {
    const config = configFile('.otrace.json', { perf: { nPlusOne: { minCalls: 20 } } });
    const here = join(config, '..');
    const { code, stdout } = await runCli(['show', '-f', TWELVE], { cwd: here });
    expect(code).toBe(0);
    expect(stdout).toContain('SELECT orders (user-service) ×12');
    expect(stdout).not.toContain('◀ N+1');
    expect(stdout).toContain('◀ sequential ×12');
  });

  it('refuses a config file that is not there or not right, before reading the trace (exit 2)', async () => {
    const missing = await runCli(['show', '-f', TWELVE, '--config', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: no such config file/);
    const bad = configFile('bad.json', { perf: { nPlusOne: { minCals: 3 } } });
    const refused = await runCli(['show', '-f', join(dir, 'absent.json'), '--config', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/bad\.json: perf\.nPlusOne: .*minCals/);
  });

  it('marks nothing in the seed scenarios, which are healthy as far as performance goes', async () => {
    const runs = SEED_SCENARIOS.flatMap((scenario) =>
      scenario === 'broken-propagation'
        ? ['7de09c051203f84f7eb7ca22083e60c9', '8b7e31163c2ac9afe529c2a449437f20'].map((id) => [
            id,
            '-f',
            seedFile(scenario),
          ])
        : [['-f', seedFile(scenario)]],
    );
    for (const args of runs) {
      const text = await runCli(['show', ...args]);
      expect(text.stdout, args.join(' ')).not.toMatch(/◀ (N\+1|sequential|retry|pool|fan-out|redundant)/);
      expect(text.stdout, args.join(' ')).not.toContain('Biggest saving');
      const json = await runCli(['show', ...args, '--format', 'json']);
      expect(ShowDocumentSchema.parse(JSON.parse(json.stdout)).perfFindings, args.join(' ')).toEqual([]);
    }
  });
});
