import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ShowDocumentSchema } from '../../../src/render/contracts/show.js';
import { type DocSpan, otlpDocument } from '../../helpers/otlp-doc.js';
import { REPO_ROOT, runCli, tempFile } from '../../helpers/run-cli.js';

/** Processes a test started, killed after it should it fail or time out before they end. */
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

/**
 *   get_user_profile (user-service) 5.1s ✗
 *   ├─ get_user_data (user-service) 100ms
 *   └─ get_user_orders (user-service) 5.0s ✗ TIMEOUT
 *      └─ ConnectionRefusedError: [Errno 111] Connection refused
 */
const SEED: DocSpan[] = [
  {
    id: 1,
    name: 'get_user_profile',
    service: 'user-service',
    kind: 2,
    startMs: 0,
    endMs: 5100,
    status: { code: 2 },
  },
  { id: 2, parent: 1, name: 'get_user_data', service: 'user-service', startMs: 0, endMs: 100 },
  {
    id: 3,
    parent: 1,
    name: 'get_user_orders',
    service: 'user-service',
    startMs: 100,
    endMs: 5100,
    status: { code: 2, message: 'Connection refused' },
    exception: {
      type: 'ConnectionRefusedError',
      message: '[Errno 111] Connection refused',
      stacktrace: 'Traceback (most recent call last):\n  File "app.py", line 12, in get_user_orders',
    },
  },
];

const seedFile = () => tempFile('seed.otlp.json', JSON.stringify(otlpDocument(SEED), null, 2));

describe('otrace show', () => {
  it('prints the seed failure as the tree in the brief, and exits 1', async () => {
    const { code, stdout, stderr } = await runCli(['show', '-f', seedFile()]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const tree = stdout.split('\n').slice(3, 7).join('\n');
    expect(tree).toBe(
      [
        'get_user_profile (user-service) 5.1s*  ✗',
        '├─ get_user_data (user-service) 100ms',
        '└─ get_user_orders (user-service) 5.0s*  ✗ TIMEOUT (failed just after 5.0s, a common timeout) ◀ origin',
        '   └─ ConnectionRefusedError: [Errno 111] Connection refused',
      ].join('\n'),
    );
    expect(stdout).toContain(
      '✗ user-service timed out: ConnectionRefusedError: [Errno 111] Connection refused in get_user_orders after 5.0s (failed just after 5.0s, a common timeout).',
    );
  });

  it('prints stack traces with --stack', async () => {
    const { stdout } = await runCli(['show', '-f', seedFile(), '--stack']);
    expect(stdout).toContain('         File "app.py", line 12, in get_user_orders');
  });

  it('reads stdin when no file is given', async () => {
    const { code, stdout } = await runCli(['show'], { input: JSON.stringify(otlpDocument(SEED)) });
    expect(code).toBe(1);
    expect(stdout).toContain('get_user_orders (user-service)');
  });

  it('writes JSON that validates against its schema', async () => {
    const { code, stdout } = await runCli(['show', '-f', seedFile(), '--format', 'json']);
    expect(code).toBe(1);
    const doc = ShowDocumentSchema.parse(JSON.parse(stdout));
    expect(doc.spans.map((s) => [s.name, s.depth, s.markers])).toEqual([
      ['get_user_profile', 0, ['error', 'propagated', 'critical-path']],
      ['get_user_data', 1, []],
      ['get_user_orders', 1, ['error', 'timeout', 'error-origin', 'critical-path']],
    ]);
    expect(doc.findings.map((f) => f.kind)).toEqual(['error-origin', 'timeout']);
    expect(doc.diagnosis.kind).toBe('timed-out');
  });

  it('exits 0 for a healthy trace', async () => {
    const file = tempFile(
      'ok.json',
      JSON.stringify(otlpDocument([{ id: 1, name: 'ok', startMs: 0, endMs: 5 }])),
    );
    const { code, stdout } = await runCli(['show', '-f', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('✓ No errors.');
  });

  it('escapes control characters from span data instead of sending them to the terminal', async () => {
    const hostile = 'evil\u001b[2J\u001b]0;pwned\u0007name\u009b31m';
    const file = tempFile(
      'hostile.json',
      JSON.stringify(
        otlpDocument([
          {
            id: 1,
            name: hostile,
            service: 'svc\u001b[31m',
            startMs: 0,
            endMs: 5,
            status: { code: 2, message: 'bad\rthing' },
            exception: { type: 'E\u001b[1m', message: 'line1\u0007' },
          },
        ]),
      ),
    );
    const { stdout } = await runCli(['show', '-f', file], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    // Colour is on (FORCE_COLOR), so ESC appears only in otrace's own SGR sequences.
    const withoutOurColours = stdout.replace(/\u001b\[[0-9;]*m/g, '');
    expect(withoutOurColours).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(withoutOurColours).toContain('evil\\u{1b}[2J\\u{1b}]0;pwned\\u{07}name\\u{9b}31m');
    expect(withoutOurColours).toContain('E\\u{1b}[1m: line1\\u{07}');
  });

  it('honours NO_COLOR, --no-color and FORCE_COLOR', async () => {
    const file = seedFile();
    const forced = await runCli(['show', '-f', file], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\u001b\[/);
    const noColorFlag = await runCli(['show', '-f', file, '--no-color'], {
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(noColorFlag.stdout).not.toMatch(/\u001b\[/);
    const noColorEnv = await runCli(['show', '-f', file], { env: { NO_COLOR: '1', FORCE_COLOR: undefined } });
    expect(noColorEnv.stdout).not.toMatch(/\u001b\[/);
    // Not a TTY and nothing forced: plain.
    const piped = await runCli(['show', '-f', file], {
      env: { NO_COLOR: undefined, FORCE_COLOR: undefined },
    });
    expect(piped.stdout).not.toMatch(/\u001b\[/);
  });

  it('lists the traces and exits 2 when the input holds several and no id is given', async () => {
    const two = otlpDocument([
      { id: 1, name: 'a', startMs: 0, endMs: 5 },
      { id: 2, name: 'b', startMs: 10, endMs: 15, traceId: '11111111111111111111111111111111' },
    ]);
    const file = tempFile('two.json', JSON.stringify(two));
    const { code, stdout, stderr } = await runCli(['show', '-f', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('holds 2 traces; say which one: otrace show <trace-id>');
    expect(stderr).toContain('11111111111111111111111111111111');
    const picked = await runCli(['show', '1111', '-f', file]);
    expect(picked.code).toBe(0);
    expect(picked.stdout).toContain('Trace 11111111111111111111111111111111');
  });

  it('holds only the traces an id or prefix names, and still counts the others', async () => {
    const three = otlpDocument([
      { id: 1, name: 'a', startMs: 0, endMs: 5, traceId: 'abcd1111111111111111111111111111' },
      { id: 2, name: 'b', startMs: 10, endMs: 15, traceId: 'abcd2222222222222222222222222222' },
      { id: 3, name: 'c', startMs: 20, endMs: 25, traceId: '33333333333333333333333333333333' },
    ]);
    const file = tempFile('three.json', JSON.stringify(three));
    const ambiguous = await runCli(['show', 'ABCD', '-f', file]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/^otrace: trace id prefix abcd matches 2 traces — /);
    const picked = await runCli(['show', 'abcd2', '-f', file, '--format', 'json']);
    expect(picked.code).toBe(0);
    expect(JSON.parse(picked.stdout)).toMatchObject({
      traceId: 'abcd2222222222222222222222222222',
      spanCount: 1,
    });
    const missing = await runCli(['show', 'ffff', '-f', file]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/not found in .*three\.json \(3 trace\(s\)\)/);
  });

  it('exits 3 when the trace is not there or the file is missing', async () => {
    const missingTrace = await runCli(['show', 'abcdef12', '-f', seedFile()]);
    expect(missingTrace.code).toBe(3);
    expect(missingTrace.stderr).toMatch(
      /^otrace: trace abcdef12 not found in .*seed\.otlp\.json \(1 trace\(s\)\) — /,
    );
    const missingFile = await runCli(['show', '-f', 'no/such/file.json']);
    expect(missingFile.code).toBe(3);
    expect(missingFile.stderr).toBe(
      'otrace: no/such/file.json: no such file — check the path, or pass - to read standard input\n',
    );
  });

  it('gives malformed input one line, exit 2, and no stack trace', async () => {
    const bad = tempFile(
      'bad.jsonl',
      // Ended by a newline: a line broken, not a last line torn (that one is left out with a warning).
      `${JSON.stringify(otlpDocument(SEED))}\n{"resourceSpans": [{"scopeSpans": [\n`,
    );
    const { code, stderr, stdout } = await runCli(['show', '-f', bad]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^otrace: .*bad\.jsonl:2:\d+: invalid JSON: .* — the line is cut short/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects bad option values with exit 2 before reading input', async () => {
    const { code, stderr } = await runCli(['show', '-f', 'no/such/file.json', '--timeout', 'soon']);
    expect(code).toBe(2);
    expect(stderr).toBe('otrace: --timeout "soon": not a duration — write it like 5s, 250ms, 1.5s or 2m\n');
    const badFormat = await runCli(['show', '--format', 'yaml']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain("argument 'yaml' is invalid");
  });

  it('never cuts a large JSON report written to a slow pipe', async () => {
    const many: DocSpan[] = [{ id: 1, name: 'root', startMs: 0, endMs: 10_000 }];
    for (let i = 2; i < 6000; i++)
      many.push({ id: i, parent: 1, name: `step-${i}`, startMs: i, endMs: i + 1 });
    const file = tempFile('many.json', JSON.stringify(otlpDocument(many)));
    // The reader reads nothing until the writer has met a full pipe: a write to stdout the pipe
    // could not take whole, which a preload in the writer says on fd 3 (or "exit" should it end
    // first). Then the writer must wait for the reader, not exit: however slow the machine, the
    // report meets a full pipe, and a writer that exited with it pending would have cut it.
    const preload = tempFile(
      'say-full-pipe.mjs',
      `import { writeSync } from 'node:fs';
let said = false;
const say = (what) => {
  if (!said) writeSync(3, \`\${what}\\n\`);
  said = true;
};
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (...args) => {
  const accepted = write(...args);
  if (process.stdout.writableLength > 0) say('full');
  return accepted;
};
process.on('exit', () => say('exit'));
`,
    );
    const child = spawn(
      process.execPath,
      ['--import', pathToFileURL(preload).href, 'bin/otrace.js', 'show', '-f', file, '--format', 'json'],
      { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] },
    );
    children.add(child);
    child.stderr!.resume();
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const said = await new Promise<string>((resolve, reject) => {
      let text = '';
      (child.stdio[3] as Readable).setEncoding('utf8').on('data', (d: string) => {
        text += d;
        if (text.includes('\n')) resolve(text.split('\n')[0]!);
      });
      child.on('error', reject);
    });
    expect(said).toBe('full');
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    expect(await closed).toBe(0);
    expect(stdout.length).toBeGreaterThan(1024 * 1024);
    expect((JSON.parse(stdout) as { spans: unknown[] }).spans).toHaveLength(5999);
  });

  it('ends quietly when the reader goes away (| head)', async () => {
    const many: DocSpan[] = [{ id: 1, name: 'root', startMs: 0, endMs: 10_000 }];
    for (let i = 2; i < 5000; i++)
      many.push({ id: i, parent: 1, name: `step-${i}`, startMs: i, endMs: i + 1 });
    const file = tempFile('many.json', JSON.stringify(otlpDocument(many)));
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(
      'bash',
      [
        '-c',
        `node bin/otrace.js show -f '${file}' --no-fold --max-spans 100000 | head -n 2; echo "exit=\${PIPESTATUS[0]}" >&2`,
      ],
      {
        cwd: new URL('../../../', import.meta.url),
        env: { ...process.env, NO_COLOR: '1' },
        encoding: 'utf8',
      },
    );
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect(result.stderr.trim()).toBe('exit=0');
  });
});
