import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import {
  nestedArrays,
  span as protoSpan,
  request,
  resourceSpans,
  scopeSpans,
  spanMessage,
} from '../helpers/encode-otlp-protobuf.js';
import { type CliResult, REPO_ROOT, runCli, spawnCli } from '../helpers/run-cli.js';
import { seedFile } from '../helpers/seed.js';

/**
 * What otrace does with inputs at the edges, end to end through the built binary: every case is run
 * through `show` and `errors`. Either the trace loads and the output is the one the plain file gives,
 * or the user gets one line on stderr (`otrace: <file>: <what> — <what next>`), the documented exit
 * code and no stack trace. Inputs are written to a scratch directory removed at the end.
 */
const dir = mkdtempSync(join(tmpdir(), 'otrace-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scratch = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const COMMANDS = ['show', 'errors'] as const;
const runBoth = (input: readonly string[], options: { input?: Buffer } = {}) =>
  Promise.all(COMMANDS.map((command) => runCli([command, ...input], options)));

/** One line naming the input, what went wrong and what to do next; nothing on stdout, no stack. */
function expectOneLineError(result: CliResult, exitCode: number, file: string, what: RegExp): void {
  expect(result.code).toBe(exitCode);
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]!.startsWith(`otrace: ${file}`)).toBe(true);
  expect(lines[0]).toMatch(what);
  expect(lines[0]).toMatch(/ — \S/);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(/\b[A-Z]\w*Error\b|internal error/);
}

/** The same stdout and exit code as the plain fixture gives, and no warning. */
async function expectSameAsPlain(
  plainFile: string,
  input: readonly string[],
  options: { input?: Buffer } = {},
) {
  const [plain, other] = await Promise.all([runBoth(['-f', plainFile]), runBoth(input, options)]);
  for (const [i, command] of COMMANDS.entries()) {
    // Both name the trace: show in its header, errors in its examples.
    expect(plain[i]!.stdout, command).toContain(DOWN_TRACE_ID);
    expect(other[i]!.stdout, command).toBe(plain[i]!.stdout);
    expect(other[i]!.code, command).toBe(plain[i]!.code);
    expect(other[i]!.stderr, command).toBe('');
  }
}

/** order-service-down: user-service's call is refused; one trace. */
const DOWN_TRACE_ID = '3cbc29e5cc8dbb8bc33bfc66a9a02f4c';
const JSONL = seedFile('order-service-down', 'otlp.jsonl');
const PRETTY = seedFile('order-service-down');
const jsonlBytes = readFileSync(join(REPO_ROOT, JSONL));
const prettyBytes = readFileSync(join(REPO_ROOT, PRETTY));

describe('one JSON line of about 200 MB', () => {
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  // Five spans in a chain, each carrying a 40 MiB attribute: the line is written piece by piece so
  // that the test never holds more than one copy of the payload.
  const writeBigLine = (path: string): void => {
    const spans = [1, 2, 3, 4, 5].map((i) => ({
      traceId: TRACE_ID,
      spanId: i.toString(16).padStart(16, '0'),
      parentSpanId: i === 1 ? '' : (i - 1).toString(16).padStart(16, '0'),
      name: `step-${i}`,
      kind: 1,
      startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n),
      endTimeUnixNano: String(1_700_000_000_100_000_000n - BigInt(i) * 1_000_000n),
      attributes: [{ key: 'payload', value: { stringValue: '@PAYLOAD@' } }],
      status: i === 5 ? { code: 2, message: 'disk full' } : {},
    }));
    const doc = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bulk' } }] },
          scopeSpans: [{ spans }],
        },
      ],
    };
    const pieces = JSON.stringify(doc).split('@PAYLOAD@');
    const payload = 'x'.repeat(40 * 1024 * 1024);
    const fd = openSync(path, 'w');
    pieces.forEach((piece, i) => {
      writeSync(fd, piece);
      if (i < pieces.length - 1) writeSync(fd, payload);
    });
    writeSync(fd, '\n');
    closeSync(fd);
  };

  it('loads: show and errors report the trace, its five spans and the failing one', {
    timeout: 60_000,
  }, async () => {
    const path = join(dir, 'big.jsonl');
    writeBigLine(path);
    expect(statSync(path).size).toBeGreaterThan(200_000_000);
    const [show, errors] = await Promise.all([
      runCli(['show', '-f', path, '--format', 'json']),
      runCli(['errors', '-f', path, '--format', 'json']),
    ]);
    rmSync(path);
    expect(show.stderr).toBe('');
    expect(show.code).toBe(1);
    const doc = JSON.parse(show.stdout);
    expect(doc).toMatchObject({ traceId: TRACE_ID, spanCount: 5, errorCount: 1, services: ['bulk'] });
    expect(doc.spans.map((s: { name: string }) => s.name)).toEqual([
      'step-1',
      'step-2',
      'step-3',
      'step-4',
      'step-5',
    ]);
    expect(errors.stderr).toBe('');
    expect(errors.code).toBe(1);
    const report = JSON.parse(errors.stdout);
    expect(report).toMatchObject({ tracesAnalysed: 1, errorSpans: 1 });
    expect(report.groups[0]).toMatchObject({ service: 'bulk', operation: 'step-5', examples: [TRACE_ID] });
  });

  it('a line past what one string can hold (512 MiB) is refused in one line, not a crash', {
    timeout: 60_000,
  }, async () => {
    // 600 MiB of one line as 600 identical gzip members: a 600 KB file that gunzips to the real thing.
    const mebibyte = gzipSync('x'.repeat(1024 * 1024));
    const members = [gzipSync('{"resourceSpans":[{"x":"'), ...Array(600).fill(mebibyte), gzipSync('"}]}\n')];
    const path = scratch('huge-line.jsonl', Buffer.concat(members));
    for (const result of await runBoth(['-f', path]))
      expectOneLineError(result, 2, path, /:1: a line of more than 511 MiB: too long to parse/);
  });
});

describe('gzip', () => {
  it('reads a gzip export named .gz and one without the extension (magic bytes) as the plain file', async () => {
    const gz = gzipSync(jsonlBytes);
    await expectSameAsPlain(JSONL, ['-f', scratch('down.jsonl.gz', gz)]);
    await expectSameAsPlain(JSONL, ['-f', scratch('down-no-extension.jsonl', gz)]);
  });

  it('reads gzip followed by trailing garbage as the plain file, with one warning, as gzip -d does', async () => {
    // Two members (`cat a.gz b.gz`), then bytes that are not gzip: a log line appended by mistake.
    const half = jsonlBytes.indexOf('\n', jsonlBytes.length / 2) + 1;
    const members = Buffer.concat([
      gzipSync(jsonlBytes.subarray(0, half)),
      gzipSync(jsonlBytes.subarray(half)),
    ]);
    const path = scratch('down-garbage.jsonl.gz', Buffer.concat([members, Buffer.from('tail -f said hi\n')]));
    const [plain, other] = await Promise.all([runBoth(['-f', JSONL]), runBoth(['-f', path])]);
    for (const [i, command] of COMMANDS.entries()) {
      expect(other[i]!.stdout, command).toContain(DOWN_TRACE_ID);
      expect(other[i]!.stdout, command).toBe(plain[i]!.stdout);
      expect(other[i]!.code, command).toBe(plain[i]!.code);
      expect(other[i]!.stderr, command).toBe(
        `otrace: warning: ${path}: trailing garbage ignored: what follows the gzip data, from byte ${members.length} on, is not gzip and is left out, as gzip -d does; was something appended to the file?\n`,
      );
    }
    // Zeros after the data (tar pads with them) are the end, nothing said: as gzip -d.
    await expectSameAsPlain(JSONL, [
      '-f',
      scratch('down-zeros.jsonl.gz', Buffer.concat([members, Buffer.alloc(512)])),
    ]);
  });

  it('refuses gzip data cut short with one line, exit 2', async () => {
    const gz = gzipSync(jsonlBytes);
    const path = scratch('cut.jsonl.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    for (const result of await runBoth(['-f', path]))
      expectOneLineError(result, 2, path, /: gzip data is corrupt or cut short/);
  });
});

describe('empty input', () => {
  it.each([
    ['an empty file', ''],
    ['blank lines and whitespace', '\n   \n\t\r\n  \r\n'],
  ])('refuses %s: "is empty", exit 2', async (_title, content) => {
    const path = scratch(`empty-${content.length}.json`, content);
    for (const result of await runBoth(['-f', path])) expectOneLineError(result, 2, path, /: is empty — /);
  });

  it('refuses empty standard input, saying what to pipe in', async () => {
    for (const result of await runBoth(['-f', '-'], { input: Buffer.alloc(0) }))
      expectOneLineError(result, 2, '<stdin>', /: is empty — nothing was piped in/);
  });
});

describe('not a readable file', () => {
  it('refuses a directory with a hint to pass its files or a glob, exit 2', async () => {
    const path = join(dir, 'a-directory');
    mkdirSync(path);
    for (const result of await runBoth(['-f', path]))
      expectOneLineError(result, 2, path, /: is a directory — pass the files in it, or a quoted glob/);
  });

  it('reports a missing file as source unavailable, exit 3', async () => {
    const path = join(dir, 'no-such-file.json');
    for (const result of await runBoth(['-f', path]))
      expectOneLineError(result, 3, path, /: no such file — /);
  });

  const isRoot = process.getuid?.() === 0;
  const unreadable = (): string => {
    const path = scratch('unreadable.json', prettyBytes);
    chmodSync(path, 0o000);
    return path;
  };

  it.skipIf(isRoot)(
    'reports an unreadable file (mode 000) as permission denied, exit 3 (skipped as root: root reads it)',
    async () => {
      const path = unreadable();
      for (const result of await runBoth(['-f', path]))
        expectOneLineError(result, 3, path, /: permission denied — /);
    },
  );

  it.runIf(isRoot)(
    'reports an unreadable file (mode 000) as permission denied, exit 3, run as nobody since root reads it',
    async () => {
      const path = unreadable();
      chmodSync(dir, 0o755); // mkdtemp makes it 0700: nobody must reach the file to be refused by it
      for (const command of COMMANDS) {
        const result = await runAsNobody([command, '-f', path]);
        expectOneLineError(result, 3, path, /: permission denied — /);
      }
    },
  );
});

/** The built CLI as uid/gid 65534 (nobody), for the one check that root cannot make. */
function runAsNobody(args: readonly string[]): Promise<CliResult> {
  return runCli(args, { user: { uid: 65534, gid: 65534 } });
}

describe('OTLP protobuf files', () => {
  /** Real SDK spans: a failed SERVER span and its CLIENT child, serialised by the SDK's own serializers. */
  async function sdkSpans() {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('limits');
    const parent = tracer.startSpan('charge', { kind: SpanKind.SERVER });
    const { trace, context } = await import('@opentelemetry/api');
    const child = tracer.startSpan(
      'POST /payments',
      { kind: SpanKind.CLIENT },
      trace.setSpan(context.active(), parent),
    );
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
    child.end();
    parent.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
    parent.end();
    await provider.forceFlush();
    return exporter.getFinishedSpans();
  }
  const prefixed = (message: Uint8Array) => {
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(message.length);
    return Buffer.concat([prefix, message]);
  };

  it("reads one message, and the Collector file exporter's length-delimited messages, as their JSON", async () => {
    const spans = await sdkSpans();
    const json = Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
    const perSpan = spans.map((span) => ProtobufTraceSerializer.serializeRequest([span])!);
    const jsonLines = Buffer.from(
      spans
        .map((span) => Buffer.from(JsonTraceSerializer.serializeRequest([span])!).toString('utf8'))
        .join('\n'),
    );
    const cases: [reference: string, protobuf: string][] = [
      [
        scratch('one.json', json),
        scratch('one.binpb', Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!)),
      ],
      [scratch('two.jsonl', jsonLines), scratch('two.pb', Buffer.concat(perSpan.map(prefixed)))],
      [
        scratch('two-again.jsonl', jsonLines),
        scratch('two.pb.gz', gzipSync(Buffer.concat(perSpan.map(prefixed)))),
      ],
    ];
    for (const [reference, protobuf] of cases) {
      const [plain, other] = await Promise.all([runBoth(['-f', reference]), runBoth(['-f', protobuf])]);
      for (const [i, command] of COMMANDS.entries()) {
        expect(plain[i]!.stdout, `${command} ${protobuf}`).toContain('declined');
        expect(other[i]!.stdout, `${command} ${protobuf}`).toBe(plain[i]!.stdout);
        expect(other[i]!.code).toBe(plain[i]!.code);
        expect(other[i]!.stderr).toBe('');
      }
    }
  });

  it('a message cut short, or binary that is no protobuf export, gets one line and exit 2', async () => {
    const [first] = (await sdkSpans()).map((span) =>
      prefixed(ProtobufTraceSerializer.serializeRequest([span])!),
    );
    const cut = scratch('cut.pb', Buffer.concat([first!, first!.subarray(0, 9)]));
    for (const result of await runBoth(['-f', cut]))
      expectOneLineError(result, 2, cut, /: protobuf message 2 \(byte \d+\) is cut short: 9 bytes of it — /);
    const binary = scratch('image.bin', Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    for (const result of await runBoth(['-f', binary]))
      expectOneLineError(
        result,
        2,
        binary,
        /:1: binary data that is neither JSON nor an OTLP protobuf trace export — /,
      );
  });
});

describe('attribute values nested deep', () => {
  // 100,000 arrays one inside the other once overflowed the stack of every command on the file.
  const depth = 100_000;
  const span = (value: string) =>
    `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"a","attributes":[{"key":"error.type","value":${value}}]}]}]}]}\n`;

  it('a JSON export is refused in one line naming the attribute, exit 2', async () => {
    const nested = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}`;
    const file = scratch('deep.json', span(nested));
    for (const result of await runBoth(['-f', file]))
      expectOneLineError(
        result,
        2,
        file,
        /^otrace: \S+:1: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.attributes\[0\]\.value: an attribute value nests arrays or key-value lists more than 64 levels deep — /,
      );
    // 64 levels, as deep as is read, load.
    const deepest = `${'{"arrayValue":{"values":['.repeat(64)}{"stringValue":"x"}${']}}'.repeat(64)}`;
    const [show] = await runBoth(['-f', scratch('deep-ok.json', span(deepest))]);
    expect(show!.code).toBe(0);
  });

  it('a protobuf export is refused in one line, exit 2', async () => {
    const bytes = request(
      resourceSpans(
        scopeSpans(
          spanMessage(
            protoSpan.traceId('5b8efff798038103d269b633813fc60c'),
            protoSpan.spanId('eee19b7ec3c1b174'),
            protoSpan.attribute('error.type', nestedArrays(depth)),
          ),
        ),
      ),
    );
    const file = scratch('deep.binpb', bytes);
    for (const result of await runBoth(['-f', file]))
      expectOneLineError(
        result,
        2,
        file,
        /:1: \(document\): an attribute value nests arrays or key-value lists more than 64 levels deep — /,
      );
  });
});

describe('pipes and devices', () => {
  it('reads a pipe named as a file (a FIFO, as -f <(…) and /dev/stdin in a shell are) as a stream', async () => {
    const plain = await runCli(['list', '-f', JSONL]);
    const fifo = join(dir, 'export.fifo');
    execFileSync('mkfifo', [fifo]);
    // The writer opens when otrace opens the FIFO to read it.
    const writing = new Promise<void>((resolve, reject) =>
      createReadStream(JSONL).pipe(createWriteStream(fifo)).on('finish', resolve).on('error', reject),
    );
    const [piped] = await Promise.all([spawnCli(['list', '-f', fifo]), writing]);
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(plain.stdout);
  });

  it('refuses /dev/zero at once as binary data, without reading on for the end of a line', async () => {
    for (const result of await runBoth(['-f', '/dev/zero']))
      expectOneLineError(
        result,
        2,
        '/dev/zero',
        /:1: binary data that is neither JSON nor an OTLP protobuf trace export — /,
      );
  });
});

describe('line endings and byte order mark', () => {
  const crlf = (bytes: Buffer) => Buffer.from(bytes.toString('utf8').replace(/\n/g, '\r\n'));
  const bom = (bytes: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);

  it('reads CRLF JSON Lines as the plain file', async () => {
    await expectSameAsPlain(JSONL, ['-f', scratch('crlf.jsonl', crlf(jsonlBytes))]);
  });

  it('reads a CRLF pretty-printed document as the plain file', async () => {
    expect(prettyBytes.toString('utf8').split('\n').length).toBeGreaterThan(100);
    await expectSameAsPlain(PRETTY, ['-f', scratch('crlf.json', crlf(prettyBytes))]);
  });

  it('skips a UTF-8 BOM before a document and before JSON Lines', async () => {
    await expectSameAsPlain(PRETTY, ['-f', scratch('bom.json', bom(prettyBytes))]);
    await expectSameAsPlain(JSONL, ['-f', scratch('bom.jsonl', bom(crlf(jsonlBytes)))]);
  });
});

describe('standard input', () => {
  it('reads a piped trace, with -f - or with no -f at all, as the file', async () => {
    await expectSameAsPlain(JSONL, ['-f', '-'], { input: jsonlBytes });
    await expectSameAsPlain(PRETTY, [], { input: prettyBytes });
  });

  it('gunzips piped gzip', async () => {
    await expectSameAsPlain(JSONL, ['-f', '-'], { input: gzipSync(jsonlBytes) });
  });
});
