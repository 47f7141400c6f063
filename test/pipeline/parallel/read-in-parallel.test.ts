import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExport } from '../../../bench/make-export.mjs';
import { toProtobuf } from '../../../bench/make-formats.mjs';
import { runCli } from '../../helpers/run-cli.js';

// OTRACE_THREADS=3 with no size floor sends even a small export through the worker threads; the
// single-thread path must give the very same bytes on stdout and stderr, and the same exit code.
const PARALLEL = { OTRACE_THREADS: '3', OTRACE_PARALLEL_MIN_BYTES: '0', OTRACE_DEBUG: '1' };
const THREADS_USED = /^otrace: debug: reading .* with (\d+) threads\n/m;
const SERIAL = { OTRACE_THREADS: '1' };

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otrace-parallel-'));
  file = join(dir, 'export.jsonl');
  // 6,000 spans over 300 traces, each trace spread over five lines (one per service): every cut
  // between two workers' ranges falls among lines holding parts of the same traces.
  await makeExport(file, 6_000);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The same command on one thread and on three; `threads` is how many the second one used. */
async function bothWays(args: string[], input?: Buffer) {
  const [serial, run] = await Promise.all([
    runCli(args, { env: SERIAL, input }),
    runCli(args, { env: PARALLEL, input }),
  ]);
  const threads = Number(THREADS_USED.exec(run.stderr)?.[1] ?? 1);
  return { serial, parallel: { ...run, stderr: run.stderr.replace(THREADS_USED, '') }, threads };
}

describe('reading a big export with worker threads', () => {
  it.each([
    ['errors', '--format', 'json'],
    ['errors'],
    ['errors', '--service', 'order-service', '--format', 'json'],
    ['errors', '--limit', '40', '--format', 'json'],
    ['errors', '--group-by', 'service', '--fail-on', 'origin', '--format', 'json'],
    ['list', '--format', 'json'],
    ['list', '--tag', 'http.response.status_code=500', '--format', 'json'],
    ['check-propagation', '--format', 'json'],
    ['check-propagation', '--service', 'order-service', '--external', 'api.payments.example:443'],
  ])('gives what one thread gives: %s', async (...args) => {
    const { serial, parallel, threads } = await bothWays([...args, '-f', file]);
    expect(threads).toBe(3);
    expect(serial.stderr).toBe('');
    expect(parallel).toEqual(serial);
    // Not a vacuous comparison: the export has failing traces that errors reports.
    if (args[0] === 'errors' && args.includes('json'))
      expect(JSON.parse(serial.stdout).errorSpans).toBeGreaterThan(0);
  });

  // Each of these has its line split between two workers; together they find every kind of break
  // (split traces, a hidden hop, context lost in a callback: the spans asked for in a second round).
  it.each([
    ['fixtures/propagation/b3-vs-w3c.otlp.jsonl', 'split-trace'],
    ['fixtures/propagation/proxy-drops-headers.otlp.jsonl', 'split-trace'],
    ['fixtures/propagation/proxy-forwards-headers.otlp.jsonl', 'hidden-hop'],
    ['fixtures/propagation/lost-in-callback.otlp.jsonl', 'context-lost'],
    ['fixtures/propagation/linked-consumer.otlp.jsonl', undefined],
  ])('check-propagation on %s finds what one thread finds (%s)', async (fixture, kind) => {
    const { serial, parallel, threads } = await bothWays([
      'check-propagation',
      '-f',
      fixture,
      '--format',
      'json',
    ]);
    expect(threads).toBe(2);
    expect(parallel).toEqual(serial);
    const kinds = JSON.parse(serial.stdout).findings.map((f: { kind: string }) => f.kind);
    if (kind) expect(kinds).toContain(kind);
    else expect(kinds).toEqual([]);
  });

  it('counts every trace once, including those cut between two ranges', async () => {
    const { parallel, threads } = await bothWays(['list', '-f', file, '--format', 'json']);
    expect(threads).toBe(3);
    const traces: { traceId: string; spanCount: number }[] = JSON.parse(parallel.stdout).traces;
    expect(new Set(traces.map((t) => t.traceId)).size).toBe(traces.length);
    // Each synthetic request has 20 spans; a split request has 8 in its caller's trace, 12 in its own.
    for (const t of traces) expect([8, 12, 20]).toContain(t.spanCount);
    expect(traces.reduce((n, t) => n + t.spanCount, 0)).toBe(6_000);
  });

  it("names a bad line in the second half by the file's own line number", async () => {
    const lines = readFileSync(file, 'utf8').split('\n');
    const bad = lines.length - 5; // 0-based index: line bad + 1 of the file
    lines[bad] = lines[bad]!.slice(0, 100);
    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, lines.join('\n'));
    const { serial, parallel, threads } = await bothWays(['errors', '-f', broken]);
    expect(threads).toBe(3);
    expect(serial.code).toBe(2);
    expect(serial.stderr).toContain(`${broken}:${bad + 1}:`);
    expect(parallel).toEqual(serial);
  });

  it('leaves out a last line cut short (a crash, a full disk) with a warning, and reads the rest', async () => {
    const whole = readFileSync(file, 'utf8').trimEnd();
    const torn = join(dir, 'torn.jsonl');
    const lines = whole.split('\n');
    writeFileSync(torn, `${whole}\n${lines[0]!.slice(0, 300)}`);
    const { serial, parallel, threads } = await bothWays(['list', '-f', torn, '--format', 'json']);
    expect(threads).toBe(3);
    expect(serial.code).toBe(0);
    expect(serial.stderr).toBe(
      `otrace: warning: ${torn}:${lines.length + 1}: the last line is cut short (300 characters, no newline after it) and is left out: was the file still being written, or cut by a crash or a full disk?\n`,
    );
    const intact = await runCli(['list', '-f', file, '--format', 'json'], { env: SERIAL });
    expect(serial.stdout).toBe(intact.stdout);
    expect(parallel).toEqual(serial);
  });

  it("relocates warnings to the file's own lines, in file order", async () => {
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const at of [3, lines.length - 4])
      lines[at] = lines[at]!.replaceAll(/"(start|end)TimeUnixNano":"\d+",?/g, '');
    const gappy = join(dir, 'no-times.jsonl');
    writeFileSync(gappy, lines.join('\n'));
    const { serial, parallel, threads } = await bothWays(['list', '-f', gappy, '--format', 'json']);
    expect(threads).toBe(3);
    expect(serial.stderr).toMatch(new RegExp(`${gappy}:4: .*no start/end time`));
    expect(serial.stderr).toMatch(new RegExp(`${gappy}:${lines.length - 3}: .*no start/end time`));
    expect(parallel).toEqual(serial);
  });

  it('leaves one big document, gzip and stdin to the single thread, with the same answers', async () => {
    const document = 'fixtures/seed/order-service-slow.otlp.json';
    const gzipped = join(dir, 'export.jsonl.gz');
    writeFileSync(gzipped, gzipSync(readFileSync(file)));
    for (const input of [document, gzipped]) {
      const { serial, parallel, threads } = await bothWays(['errors', '-f', input, '--format', 'json']);
      expect(threads).toBe(1);
      expect(serial.code).toBe(1);
      expect(parallel).toEqual(serial);
    }
    const { serial, parallel, threads } = await bothWays(['errors', '--format', 'json'], readFileSync(file));
    expect(threads).toBe(1);
    expect(JSON.parse(serial.stdout).errorSpans).toBeGreaterThan(0);
    expect(parallel).toEqual(serial);
  });
});

describe("the Collector's protobuf (`format: proto`), cut at messages", () => {
  let proto: string;
  beforeAll(async () => {
    // The same export, each line one length-delimited message: message N is line N.
    proto = join(dir, 'export.pb');
    await toProtobuf(file, proto);
  });

  it.each([
    ['errors', '--format', 'json'],
    ['list', '--format', 'json'],
    ['check-propagation', '--format', 'json'],
  ])('gives what one thread gives, and what the JSON Lines give: %s', async (...args) => {
    const { serial, parallel, threads } = await bothWays([...args, '-f', proto]);
    expect(threads).toBe(3);
    expect(parallel).toEqual(serial);
    const fromJson = await runCli([...args, '-f', file], { env: SERIAL });
    expect(serial.stdout).toBe(fromJson.stdout);
    expect(serial.code).toBe(fromJson.code);
  });

  it('names a corrupt message in the last range by its number and byte in the file', async () => {
    const bytes = readFileSync(proto);
    // Walk the lengths to the last message; make its first span's length run past the message.
    const starts: number[] = [];
    for (let at = 0; at < bytes.length; at += 4 + bytes.readUInt32BE(at)) starts.push(at);
    const last = starts.at(-1)!;
    const broken = Buffer.from(bytes);
    broken[last + 5] = 0xff;
    broken[last + 6] = 0xff;
    broken[last + 7] = 0x7f;
    const path = join(dir, 'broken.pb');
    writeFileSync(path, broken);
    const { serial, parallel, threads } = await bothWays(['errors', '-f', path]);
    expect(threads).toBe(3);
    expect(serial.code).toBe(2);
    expect(serial.stderr).toBe(
      `otrace: ${path}: protobuf message ${starts.length} (byte ${last}): not an OTLP ExportTraceServiceRequest (a length-delimited field runs past its message)\n`,
    );
    expect(parallel).toEqual(serial);
  });

  it('leaves a file whose lengths do not add up to the single thread, which says where', async () => {
    const cut = join(dir, 'cut.pb');
    const bytes = readFileSync(proto);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    const { serial, parallel, threads } = await bothWays(['errors', '-f', cut]);
    expect(threads).toBe(1);
    expect(serial.code).toBe(2);
    expect(serial.stderr).toMatch(/is cut short: \d+ bytes of it/);
    expect(parallel).toEqual(serial);
  });
});

describe("the workers' young generation", () => {
  it('grows with the longest line: 8 MB for the usual lines, up to 64 MB for lines of several MB', async () => {
    const { youngGenerationMb } = await import('../../../src/pipeline/parallel/read-in-parallel.js');
    const kb = 1024;
    expect(youngGenerationMb(80 * kb)).toBe(8);
    expect(youngGenerationMb(512 * kb)).toBe(8);
    expect(youngGenerationMb(650 * kb)).toBe(16);
    expect(youngGenerationMb(1300 * kb)).toBe(32);
    expect(youngGenerationMb(1900 * kb)).toBe(32);
    expect(youngGenerationMb(3000 * kb)).toBe(64);
  });
});
