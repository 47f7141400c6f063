import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CompareBaselineDocumentSchema } from '../../../src/render/contracts/compare.js';
import { writeShopRun } from '../../helpers/compare-runs.js';
import { json, useFakeBackend } from '../../helpers/fake-backend.js';
import { runCli } from '../../helpers/run-cli.js';

/**
 * `otrace compare` against a backend: a Jaeger on 127.0.0.1 holds a baseline run and, later, a
 * candidate whose inventory is slower; the candidate is the search's window (--start/--end), the
 * baseline the same search over --baseline-start/--baseline-end, or a file.
 *
 *   1790001000 s ── baseline (300 traces, 15 s) ──   …   1790002000 s ── candidate ──
 */
const dir = mkdtempSync(join(tmpdir(), 'otrace-compare-backend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const serve = useFakeBackend();

const BASELINE = join(dir, 'baseline.otlp.jsonl');
const CANDIDATE = join(dir, 'candidate.otlp.jsonl');
writeShopRun(BASELINE, 300, 1);
writeShopRun(CANDIDATE, 300, 2, { slower: 1.55 });

/** A run's lines as the one OTLP document an api_v3 search answers. */
const documentOf = (file: string) => ({
  resourceSpans: readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .flatMap((line) => (JSON.parse(line) as { resourceSpans: unknown[] }).resourceSpans),
});
const RUNS = { baseline: documentOf(BASELINE), candidate: documentOf(CANDIDATE) };
const SPLIT_SECONDS = 1_790_001_500;
const SEARCH = ['--service', 'frontend', '--limit', '1000', '--start', '1790002000', '--end', '1790002100'];

async function jaeger() {
  return serve((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/api/v3/traces') return json(res, 404, 'not found', 'text/plain');
    const from = Date.parse(url.searchParams.get('query.start_time_min') ?? '') / 1000;
    json(res, 200, { result: from < SPLIT_SECONDS ? RUNS.baseline : RUNS.candidate });
  });
}

describe('otrace compare against a backend', () => {
  it('--baseline-start/--baseline-end: the same search over another window', async () => {
    const server = await jaeger();
    const window = ['--baseline-start', '1790001000', '--baseline-end', '1790001100'];
    const { code, stdout, stderr } = await runCli([
      'compare',
      '--jaeger',
      server.url,
      ...SEARCH,
      ...window,
      '--fail-on',
      'regression',
      '--format',
      'json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const doc = CompareBaselineDocumentSchema.parse(JSON.parse(stdout));
    expect(doc.baseline.traces).toBe(300);
    expect(doc.candidate.traces).toBe(300);
    expect(doc.findings).toContainEqual(
      expect.objectContaining({ kind: 'duration-regression', service: 'inventory', operation: 'GET /stock' }),
    );
    // Two searches, the same filters, each its own window.
    const searches = server.requests
      .map((r) => new URL(r.path, 'http://127.0.0.1'))
      .filter((u) => u.pathname === '/api/v3/traces');
    expect(searches.map((u) => u.searchParams.get('query.service_name'))).toEqual(['frontend', 'frontend']);
    expect(searches.map((u) => u.searchParams.get('query.start_time_min'))).toEqual([
      new Date(1_790_001_000_000).toISOString().replace('.000', ''),
      new Date(1_790_002_000_000).toISOString().replace('.000', ''),
    ]);
  });

  it('--baseline <file>: the candidate from the backend, the baseline from a file', async () => {
    const server = await jaeger();
    const args = ['compare', '--jaeger', server.url, ...SEARCH, '--baseline', BASELINE, '--format', 'json'];
    const { code, stdout } = await runCli(args);
    expect(code).toBe(0);
    const doc = CompareBaselineDocumentSchema.parse(JSON.parse(stdout));
    expect(doc.summary.verdict).toBe('regression');
    // The file is read, not searched: one search, the candidate's.
    expect(server.requests.filter((r) => r.path.startsWith('/api/v3/traces?'))).toHaveLength(1);
  });
});
