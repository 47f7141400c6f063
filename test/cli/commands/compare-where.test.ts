import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CompareWhereDocumentSchema } from '../../../src/render/contracts/compare.js';
import { BAD_POD, writeShopRun } from '../../helpers/compare-runs.js';
import { runCli } from '../../helpers/run-cli.js';

/**
 * `otrace compare --where` (BubbleUp) through the built CLI: in a run where one pod of orders
 * fails most of its requests (60%, against 2% on the others), the failing traces have that pod
 * in common; it comes first, with the shares the run's own traces give.
 *
 *   frontend › GET /checkout ── orders › POST /orders  on order-5d8b | order-7f9c ✗ | order-9a1e
 */
const dir = mkdtempSync(join(tmpdir(), 'otrace-compare-where-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PODS = join(dir, 'pods.otlp.jsonl');
const facts = writeShopRun(PODS, 400, 7, { badPod: 0.6 });
const failing = facts.filter((f) => f.failed);
const rest = facts.filter((f) => !f.failed);
const onBadPod = (list: typeof facts) => list.filter((f) => f.pod === BAD_POD).length;

describe('otrace compare --where', () => {
  it('error: the failing pod comes first, with the shares of the selection and the rest', async () => {
    const { code, stdout, stderr } = await runCli(['compare', '--where', 'error', PODS, '--format', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const doc = CompareWhereDocumentSchema.parse(JSON.parse(stdout));
    expect(doc).toMatchObject({
      mode: 'where',
      where: 'error',
      selection: { traces: failing.length },
      rest: { traces: rest.length },
    });
    const [first] = doc.rows;
    expect(first).toMatchObject({
      scope: 'resource',
      key: 'k8s.pod.name',
      value: { kind: 'text', text: BAD_POD },
      moreIn: 'selection',
      selection: { traces: onBadPod(failing) },
      rest: { traces: onBadPod(rest) },
    });
    expect(first!.selection.share).toBeCloseTo(onBadPod(failing) / failing.length, 3);
    expect(first!.rest.share).toBeCloseTo(onBadPod(rest) / rest.length, 3);
    expect(first!.pValue).toBeLessThan(1e-6);
    // The predicate's own keys differ by construction: never ranked.
    expect(doc.rows.some((r) => r.key === 'error')).toBe(false);
  });

  it('text: the counts, then each value with both shares as bars', async () => {
    const { code, stdout } = await runCli(['compare', '--where', 'error', PODS]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^${failing.length} traces where error, ${rest.length} traces in the rest\\. \\d+% of the selection has k8s\\.pod\\.name = ${BAD_POD}`,
      ),
    );
    const at = lines.findIndex((l) => l.startsWith(`k8s.pod.name = ${BAD_POD}`));
    const share = (n: number, of: number) => `${Math.round((100 * n) / of)}%`;
    expect(lines[at]).toMatch(/ {3}selection [█░]{20} +\d+% {2}\(\d+ of \d+\)$/);
    expect(lines[at]).toContain(
      `${share(onBadPod(failing), failing.length)}  (${onBadPod(failing)} of ${failing.length})`,
    );
    expect(lines[at + 1]).toMatch(/^ +rest {6}[█░]{20} +\d+% {2}\(\d+ of \d+\)$/);
    expect(lines[at + 1]).toContain(`(${onBadPod(rest)} of ${rest.length})`);
    const filled = [...lines[at]!].filter((c) => c === '█').length;
    expect(filled).toBe(Math.round((20 * onBadPod(failing)) / failing.length));
  });

  it('ndjson: a line per value; markdown: a notice per value', async () => {
    const ndjson = await runCli(['compare', '--where', 'error', PODS, '--format', 'ndjson']);
    const items = ndjson.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(items[0]).toMatchObject({ key: 'k8s.pod.name', value: { text: BAD_POD } });
    const markdown = await runCli(['compare', '--where', 'error', PODS, '--format', 'markdown']);
    expect(markdown.stdout).toContain(`k8s.pod.name = ${BAD_POD}`);
  });

  it('a hostile value is escaped in text and markdown', async () => {
    const hostile = join(dir, 'hostile.otlp.jsonl');
    writeShopRun(hostile, 300, 8, { badPod: 0.6, badPodName: 'order-\u001b]0;pwned\u0007' });
    for (const format of ['text', 'markdown']) {
      const { stdout } = await runCli(['compare', '--where', 'error', hostile, '--format', format]);
      expect(stdout, format).toMatch(/order-\\*u\{1b\}\\*\]0;pwned\\*u\{07\}/);
      expect(stdout, format).not.toMatch(/[\u0007\u001b]/);
    }
  });

  it.each([
    [['--where', 'duration>>1s'], /--where "duration>>1s"/],
    [['--where', 'error and'], /--where "error and": nothing after "and"/],
    [['--where', 'error', '--baseline', PODS], /--where and --baseline together/],
    [['--where', 'error', '--fail-on', 'regression'], /--where and --fail-on together/],
  ])('%j: one line, exit 2', async (flags, message) => {
    const { code, stdout, stderr } = await runCli(['compare', ...flags, PODS]);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(code).toBe(2);
  });
});
