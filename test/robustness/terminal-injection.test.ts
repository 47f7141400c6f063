import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { normalizeMessage } from '../../src/analysis/normalize-message.js';
import { type CliResult, REPO_ROOT, runCli } from '../helpers/run-cli.js';
import {
  BAD_ID_DOC,
  BAD_ID_QUOTED,
  EXCEPTION,
  H,
  H_ESCAPED,
  HOSTILE_DOC,
  ORDER,
  RAW_CONTROL,
  RULES,
  resourceSpans,
  span,
  TRACE_ID,
  USER,
} from './hostile-trace.js';

/**
 * Span data is untrusted. The trace of hostile-trace.ts carries, in every field a user can set, ESC
 * CSI (clear screen, colour), OSC (title, OSC 8 hyperlink), C1 controls, BEL, BS, CR, NUL, DEL, bidi
 * overrides and isolates, and a GitHub workflow command behind a URL-encoded newline: ‹H›.
 * Every text output must show ‹H› escaped (sanitize's `\u{1b}` form) and hold no raw control; the
 * JSON outputs must keep ‹H› exactly. NO_COLOR is set, so not even otrace's own SGR codes are there.
 */

const dir = mkdtempSync(join(tmpdir(), 'otrace-injection-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TRACE_FILE = join(dir, 'hostile.otlp.json');
const RULES_FILE = join(dir, 'rules.json');
writeFileSync(TRACE_FILE, JSON.stringify(HOSTILE_DOC));
writeFileSync(RULES_FILE, JSON.stringify(RULES));

/** Wide, so that tables print ‹H› whole instead of cutting it with an ellipsis. */
const run = (args: readonly string[]) => runCli([...args, '-f', TRACE_FILE], { env: { COLUMNS: '4000' } });

/** Each raw control found, with where: an empty list is the pass. */
const rawControls = (text: string): string[] =>
  [...text.matchAll(RAW_CONTROL)]
    .slice(0, 5)
    .map((m) => `U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${m.index}`);

function expectInert(result: CliResult, exitCode: number): void {
  expect(result.code).toBe(exitCode);
  expect(result.stdout.length).toBeGreaterThan(0);
  expect(rawControls(result.stdout), 'stdout').toEqual([]);
  expect(rawControls(result.stderr), 'stderr').toEqual([]);
  // The one diagnostic is the link with unusable ids, named by its path, not by its value.
  expect(result.stderr).toMatch(/links\[1\]: link ids are not usable ids; link ignored\n$/);
}

const COMMANDS: readonly [string, readonly string[], number][] = [
  ['show', ['show'], 1],
  ['list', ['list'], 0],
  ['errors', ['errors'], 1],
  ['check-propagation', ['check-propagation', '--fail-on', 'warn'], 1],
  ['assert', ['assert', '--rules', RULES_FILE], 1],
];

describe.concurrent('text outputs escape every control from span data', () => {
  it.each([
    ...COMMANDS,
    ['show --stack --timeline', ['show', '--stack', '--timeline'], 1] as const,
    ['show --errors-only --no-fold', ['show', '--errors-only', '--no-fold'], 1] as const,
  ])('%s: no raw control, ‹H› visible escaped', async (_title, args, exitCode) => {
    const result = await run(args);
    expectInert(result, exitCode);
    expect(result.stdout).toContain(H_ESCAPED);
  });

  it('show prints the exception, its stack lines and the attribute reasons escaped', async () => {
    const { stdout } = await run(['show', '--stack']);
    expect(stdout).toContain(`Err${H_ESCAPED}: msg${H_ESCAPED}`);
    expect(stdout).toMatch(new RegExp(`^[│ ]+at f${escapeRegExp(H_ESCAPED)}$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^[│ ]+at g${escapeRegExp(H_ESCAPED)}$`, 'm'));
    expect(stdout).toContain(`→ ${ORDER.replace(H, H_ESCAPED)}`);
    expect(stdout).toContain(`status: upstream${H_ESCAPED}`);
  });
});

describe.concurrent('CI formats escape span data for their readers', () => {
  // ‹H› holds a URL (http://x), so each run of text holding it is a code span: GitHub links nothing
  // there and shows the text as it is, ‹H› escaped as in a terminal, with no Markdown escapes.
  const inCodeSpan = new RegExp(`\`[^\`\\s|]*${escapeRegExp(H_ESCAPED)}[^\`\\s|]*\``);

  it.each(COMMANDS)(
    '%s --format markdown: no raw control, ‹H› shown escaped in a code span',
    async (_t, args, code) => {
      const result = await run([...args, '--format', 'markdown']);
      expectInert(result, code);
      expect(result.stdout).toMatch(inCodeSpan);
    },
  );

  it.each(COMMANDS)(
    '%s --format junit: well-formed XML 1.0 with no illegal character',
    async (_t, args, code) => {
      const result = await run([...args, '--format', 'junit']);
      expectInert(result, code);
      expect(XMLValidator.validate(result.stdout)).toBe(true);
      expect(result.stdout).not.toMatch(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
      expect(result.stdout).toContain(H_ESCAPED);
    },
  );

  it.each(COMMANDS)(
    '%s --format github: one annotation a line, percent-escaped, no injected command',
    async (_t, args, code) => {
      const result = await run([...args, '--format', 'github']);
      expectInert(result, code);
      const lines = result.stdout.trimEnd().split('\n');
      for (const line of lines) expect(line).toMatch(/^::(error|warning|notice) title=[^\n]*?::/);
      expect(lines.at(-1)).toMatch(/^::notice /);
      // The URL-encoded newline in ‹H› stays text: its % is escaped, so the runner cannot decode it.
      expect(result.stdout).not.toMatch(/%(?!25|0A|0D|3A|2C)/);
      expect(result.stdout).not.toContain('%0A::warning::injected');
      // Check names are titles, where `:` and `,` are escaped too.
      expect(result.stdout).toContain(
        H_ESCAPED.replace(/%/g, '%25').replace(/:/g, '%3A').replace(/,/g, '%2C'),
      );
    },
  );
});

describe.concurrent('JSON outputs keep span data exactly, every control as a \\u escape', () => {
  const json = async (args: readonly string[], code: number) => {
    const result = await run([...args, '--format', 'json']);
    expectInert(result, code);
    return JSON.parse(result.stdout);
  };

  it('show', async () => {
    const doc = await json(['show'], 1);
    const byId = (id: string) => doc.spans.find((s: { spanId: string }) => s.spanId.endsWith(id));
    expect(byId('1')).toMatchObject({
      name: `GET /users/${H}`,
      service: USER,
      status: { message: `root failed${H}` },
    });
    expect(byId('3')).toMatchObject({ name: `GET /orders/${H}`, service: ORDER, exceptions: [EXCEPTION] });
    expect(doc.services).toEqual(expect.arrayContaining([USER, ORDER]));
  });

  it('show --format ndjson, one span a line', async () => {
    const result = await run(['show', '--format', 'ndjson']);
    expectInert(result, 1);
    const names = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).name);
    expect(names).toEqual(expect.arrayContaining([`call order${H}`, `call again${H}`, `orphan${H}`]));
  });

  it('list', async () => {
    const doc = await json(['list'], 0);
    expect(doc.traces).toMatchObject([{ traceId: TRACE_ID, rootName: `GET /users/${H}`, rootService: USER }]);
  });

  it('errors (messages normalised as documented, nothing else changed)', async () => {
    const doc = await json(['errors'], 1);
    const origin = doc.groups.find((g: { class: string }) => g.class === 'origin');
    expect(origin).toMatchObject({
      service: ORDER,
      operation: `GET /orders/${H}`,
      errorType: EXCEPTION.type,
    });
    expect(origin.message).toBe(normalizeMessage(EXCEPTION.message));
    expect(origin.message).toContain('pwned\u0007D\u001b]');
    expect(origin.message).toContain('\u202eL\u2066M');
  });

  it('check-propagation', async () => {
    const doc = await json(['check-propagation', '--fail-on', 'warn'], 1);
    expect(doc.edges).toMatchObject([{ caller: USER, callee: ORDER, calls: 2, continued: 1, unanswered: 1 }]);
    const kinds = doc.findings.map((f: { kind: string }) => f.kind).sort();
    expect(kinds).toEqual(['orphan-span', 'unanswered-client']);
    const unanswered = doc.findings.find((f: { kind: string }) => f.kind === 'unanswered-client');
    expect(unanswered).toMatchObject({ service: USER, operation: `call again${H}`, peerService: ORDER });
  });

  it('assert', async () => {
    const doc = await json(['assert', '--rules', RULES_FILE], 1);
    expect(doc.rules[0].name).toBe(`no origins in ${ORDER}`);
    expect(doc.rules.map((r: { status: string }) => r.status)).toEqual([
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
    expect(doc.rules[3].evidence[0].detail).toContain(`orphan${H}`);
  });
});

describe('diagnostics on stderr', () => {
  it('quote a hostile value escaped, in one line (JSON.stringify leaves C1 and bidi raw)', async () => {
    const file = join(dir, 'bad-id.json');
    writeFileSync(file, JSON.stringify(BAD_ID_DOC));
    const result = await runCli(['show', '-f', file]);
    expect(result.code).toBe(2);
    expect(rawControls(result.stderr)).toEqual([]);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`spanId: expected 16 hex chars, got ${BAD_ID_QUOTED}`);
  });

  it('list the traces of a many-trace input escaped when show is not told which', async () => {
    const other = resourceSpans(USER, [
      { ...span(9, undefined, `other${H}`, 2, 0, 5), traceId: '1'.repeat(32) },
    ]);
    const file = join(dir, 'two-traces.json');
    writeFileSync(file, JSON.stringify({ resourceSpans: [...HOSTILE_DOC.resourceSpans, other] }));
    const result = await runCli(['show', '-f', file], { env: { COLUMNS: '4000' } });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(rawControls(result.stderr)).toEqual([]);
    expect(result.stderr).toContain(`other${H_ESCAPED}`);
  });
});

describe('otrace receive', () => {
  it('--format text prints a received hostile trace escaped; a refused request leaves stderr clean', async () => {
    const { code, stdout, stderr } = await receiveHostile('text');
    expect(code).toBe(0);
    expect(rawControls(stdout)).toEqual([]);
    expect(rawControls(stderr)).toEqual([]);
    expect(stdout).toContain(`${TRACE_ID}  GET /users/${H_ESCAPED} (${USER.replace(H, H_ESCAPED)})`);
    expect(stderr).toContain(`spanId: expected 16 hex chars, got ${BAD_ID_QUOTED}`);
  });

  it('--format ndjson keeps the names exactly, with no raw control on the line', async () => {
    const { code, stdout, stderr } = await receiveHostile('ndjson');
    expect(code).toBe(0);
    expect(rawControls(stdout)).toEqual([]);
    expect(rawControls(stderr)).toEqual([]);
    expect(JSON.parse(stdout)).toMatchObject({
      traceId: TRACE_ID,
      rootName: `GET /users/${H}`,
      rootService: USER,
    });
  });
});

/** Receivers started by a test, killed after it should it fail or time out before they stop. */
const receivers = new Set<ChildProcess>();
afterEach(() => {
  for (const child of receivers)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  receivers.clear();
});

/**
 * `otrace receive` on a free port of 127.0.0.1 until one trace is complete: a request it must refuse
 * (a hostile span id), then the hostile trace, one export request. It stops by `--count 1`, not by
 * a clock; should it hang, the test's timeout ends the test and afterEach the process.
 */
async function receiveHostile(format: 'text' | 'ndjson'): Promise<CliResult> {
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'bin/otrace.js'),
      'receive',
      '--grpc',
      'off',
      '--http',
      '0',
      '--idle',
      '200ms',
      '--count',
      '1',
      '--format',
      format,
    ],
    { env: { ...process.env, NO_COLOR: '1', COLUMNS: '4000' } },
  );
  receivers.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  const address = new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /OTLP\/HTTP on (127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`receive exited early: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    const where = await address;
    expect(await post(where, JSON.stringify(BAD_ID_DOC))).toBe(400);
    expect(await post(where, JSON.stringify(HOSTILE_DOC))).toBe(200);
    return { code: await exited, stdout, stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function post(address: string, body: string): Promise<number> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port: Number(port),
        method: 'POST',
        path: '/v1/traces',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
