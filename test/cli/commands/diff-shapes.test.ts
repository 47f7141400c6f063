import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiffDocumentSchema } from '../../../src/render/contracts/diff.js';
import { type DocSpan, otlpDocument } from '../../helpers/otlp-doc.js';
import { queryLoop } from '../../helpers/query-loop.js';
import { runCli } from '../../helpers/run-cli.js';
import { seedFile } from '../../helpers/seed.js';
import { H, H_ESCAPED, RAW_CONTROL } from '../../robustness/hostile-trace.js';

/**
 * `otrace diff` through the built CLI on made-up pairs, for the shapes the seed scenarios do not
 * have: an N+1 loop, hostile span names, a 10,000-level chain (diff.test.ts has the seed).
 */
const dir = mkdtempSync(join(tmpdir(), 'otrace-diff-shapes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, spans: readonly DocSpan[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(otlpDocument(spans)));
  return path;
}

async function diffJson(args: string[]) {
  const result = await runCli(['diff', ...args, '--format', 'json']);
  return { ...result, doc: DiffDocumentSchema.parse(JSON.parse(result.stdout)) };
}

const rawControls = (text: string) => [...text.matchAll(RAW_CONTROL)].map((m) => m.index);

describe('otrace diff on made-up pairs', () => {
  it('shows an N+1 as a call count, ×1 → ×12, and --changed-only keeps only the changes and their ancestors', async () => {
    const once = write('once.json', queryLoop({ calls: 1, queryMs: 12, stepMs: 13, rootEndMs: 100 }));
    const loop = write('loop.json', [
      ...queryLoop({ calls: 12, queryMs: 12, stepMs: 13, rootEndMs: 200 }),
      { id: 99, parent: 1, name: 'render', service: 'user-service', startMs: 190, endMs: 191 },
    ]);
    const { code, stdout } = await runCli(['diff', once, loop]);
    expect(code).toBe(0);
    expect(stdout).toContain('~ ├─ SELECT orders (user-service) ×1 → ×12 12ms → 144ms +132ms ×12');
    expect(stdout).toContain('+ └─ render (user-service) 1.0ms');
    expect(stdout).toContain(
      'B is 100ms slower on the critical path (100ms → 200ms): SELECT orders (user-service) +132ms',
    );
    const unchanged = write('unchanged-sibling.json', [
      ...queryLoop({ calls: 1, queryMs: 12, stepMs: 13, rootEndMs: 100 }),
      { id: 98, parent: 1, name: 'auth', service: 'user-service', startMs: 1, endMs: 5 },
    ]);
    const moreQueries = write('more-queries.json', [
      ...queryLoop({ calls: 3, queryMs: 12, stepMs: 13, rootEndMs: 100 }),
      { id: 98, parent: 1, name: 'auth', service: 'user-service', startMs: 1, endMs: 5 },
    ]);
    const all = await runCli(['diff', unchanged, moreQueries]);
    expect(all.stdout).toContain('auth (user-service)');
    const changed = await runCli(['diff', unchanged, moreQueries, '--changed-only']);
    expect(changed.stdout).not.toContain('auth (user-service)');
    expect(changed.stdout).toContain('SELECT orders (user-service) ×1 → ×3');
    expect(changed.stdout).toContain('(1 unchanged place not shown: --changed-only)');
  });

  it('pairs roots named apart, and marks a place whose spans lost their parent', async () => {
    const request = (path: string, orphan: boolean): DocSpan[] => [
      { id: 1, name: `GET ${path}`, service: 'web', kind: 2, startMs: 0, endMs: 50 },
      { id: 2, parent: 1, name: 'load', service: 'web', startMs: 5, endMs: 45 },
      // A span whose parent was never collected: a root of its own in B.
      { id: 3, parent: orphan ? 0xdead : 2, name: 'read', service: 'web', startMs: 10, endMs: 20 },
    ];
    const a = write('users-1.json', request('/users/1', false));
    const b = write('users-2.json', request('/users/2', true));
    const { code, stdout } = await runCli(['diff', a, b]);
    expect(code).toBe(0);
    expect(stdout).toContain('~ GET /users/1 → GET /users/2 (web) 50ms → 50ms');
    expect(stdout).toContain('-    └─ read (web) 10ms');
    expect(stdout).toContain('+ read (web) 10ms  ⚠ parent missing');
  });

  it('escapes hostile span data in text, Markdown and GitHub output, and keeps it whole in JSON', async () => {
    const spans = (failing: boolean): DocSpan[] => [
      {
        id: 1,
        name: `GET /users/${H}`,
        service: `user${H}`,
        kind: 2,
        startMs: 0,
        endMs: failing ? 900 : 100,
      },
      {
        id: 2,
        parent: 1,
        name: `call${H}`,
        service: `user${H}`,
        kind: 3,
        startMs: 10,
        endMs: failing ? 890 : 90,
        ...(failing
          ? { status: { code: 2, message: `boom${H}` }, exception: { type: `Err${H}`, message: `msg${H}` } }
          : {}),
      },
    ];
    const a = write('hostile-a.json', spans(false));
    const b = write('hostile-b.json', spans(true));
    for (const format of ['text', 'markdown', 'github', 'junit']) {
      const { stdout, stderr } = await runCli(['diff', a, b, '--format', format], {
        env: { COLUMNS: '4000' },
      });
      expect(rawControls(stdout), format).toEqual([]);
      expect(rawControls(stderr), format).toEqual([]);
      expect(stdout, format).toContain('\\u{1b}[2J');
    }
    const text = await runCli(['diff', a, b]);
    expect(text.stdout).toContain(`✗ new: Err${H_ESCAPED}: msg${H_ESCAPED}`);
    expect(text.stdout).toContain(`call${H_ESCAPED} (user${H_ESCAPED})`);
    const { doc } = await diffJson([a, b]);
    expect(doc.places[1]!.operation).toBe(`call${H}`);
    expect(doc.places[1]!.changes).toContainEqual(
      expect.objectContaining({ kind: 'exception', type: `Err${H}` }),
    );
  });

  it('diffs two 10,000-level chains, the tree cut at --max-lines', async () => {
    const chain = (extraMs: number): DocSpan[] =>
      Array.from({ length: 10_000 }, (_, i) => ({
        id: i + 1,
        ...(i === 0 ? {} : { parent: i }),
        name: `s${i}`,
        startMs: i,
        endMs: 300_000 - i + (i === 9_999 ? 0 : extraMs),
      }));
    const a = write('chain-a.json', chain(0));
    const b = write(
      'chain-b.json',
      chain(0).map((s) => (s.id === 10_000 ? { ...s, name: 'renamed' } : s)),
    );
    const { code, stdout, stderr } = await runCli(['diff', a, b, '--changed-only', '--max-lines', '50']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('… 9951 more places not shown (--max-lines 50)');
    expect(stdout).toContain('0 changed, 1 added, 1 removed, 9999 unchanged.');
  });

  it('honours NO_COLOR and FORCE_COLOR', async () => {
    const forced = await runCli(['diff', seedFile('healthy'), seedFile('order-service-down')], {
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(forced.stdout).toMatch(/\u001b\[/);
    const plain = await runCli(['diff', seedFile('healthy'), seedFile('order-service-down'), '--no-color'], {
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
  });
});
