import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, SourceError, UsageError } from '../../src/errors.js';
import type { TraceId } from '../../src/model/types.js';
import { loadTraces, readInputs, resolveInputs } from '../../src/pipeline/inputs.js';
import { otlpDocument } from '../helpers/otlp-doc.js';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' as TraceId;
const B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' as TraceId;
const C = 'cccccccccccccccccccccccccccccccc' as TraceId;

const line = (value: unknown) => `${JSON.stringify(value)}\n`;
const traceDoc = (traceId: string, startMs: number, service = 'svc') =>
  otlpDocument([
    { id: 1, name: `root of ${traceId.slice(0, 1)}`, service, startMs, endMs: startMs + 1, traceId },
  ]);

/** Standard input as the pipeline reads it: chunks of bytes. */
async function* stdinOf(text: string): AsyncIterable<Buffer> {
  yield Buffer.from(text);
}
const NO_STDIN: AsyncIterable<Buffer> = {
  [Symbol.asyncIterator]: () => {
    throw new Error('stdin was read');
  },
};

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otrace-inputs-'));
  // Written out of name order: a glob's matches come back sorted.
  await writeFile(join(dir, 'c.jsonl'), line(traceDoc(C, 0)));
  await writeFile(join(dir, 'a.jsonl'), line(traceDoc(A, 20)) + line({ resourceMetrics: [] }));
  await writeFile(join(dir, 'b.jsonl'), line(traceDoc(B, 10)));
  await writeFile(join(dir, 'notes.txt'), 'not matched by *.jsonl');
  // A directory whose name matches the glob: only files are inputs.
  await mkdir(join(dir, 'd.jsonl'));
  // A real file whose name holds glob characters: taken as given.
  await writeFile(join(dir, 'run[1].jsonl'), line(traceDoc(A, 0)));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveInputs', () => {
  it('reads standard input when no file is given and stdin is not a terminal', async () => {
    expect(await resolveInputs([], false)).toEqual(['-']);
  });

  it('refuses to wait on a terminal when no file is given: a UsageError that says what to pass', async () => {
    const error = await resolveInputs([], true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('no input');
    expect((error as UsageError).hint).toContain('-f FILE');
  });

  it('keeps `-` and plain paths as given, even paths that do not exist (reading says so)', async () => {
    expect(await resolveInputs(['-', 'missing.json', 'x/y.jsonl'], true)).toEqual([
      '-',
      'missing.json',
      'x/y.jsonl',
    ]);
  });

  it('expands a glob relative to the working directory into its files, sorted', async () => {
    expect(await resolveInputs(['fixtures/seed/*.otlp.jsonl'], false)).toEqual([
      'fixtures/seed/broken-propagation.otlp.jsonl',
      'fixtures/seed/db-error-fanout.otlp.jsonl',
      'fixtures/seed/healthy.otlp.jsonl',
      'fixtures/seed/order-service-down.otlp.jsonl',
      'fixtures/seed/order-service-slow.otlp.jsonl',
      'fixtures/seed/retry-recovers.otlp.jsonl',
    ]);
  });

  it('expands a glob into its files, sorted, leaving out directories and files it does not match', async () => {
    // An absolute pattern gives absolute paths, named as the pattern was.
    expect(await resolveInputs([join(dir, '*.jsonl')], false)).toEqual([
      join(dir, 'a.jsonl'),
      join(dir, 'b.jsonl'),
      join(dir, 'c.jsonl'),
      join(dir, 'run[1].jsonl'),
    ]);
  });

  it('keeps the order of the values given, each glob expanded in place', async () => {
    expect(await resolveInputs([join(dir, 'c.jsonl'), join(dir, '{b,a}.jsonl'), '-'], false)).toEqual([
      join(dir, 'c.jsonl'),
      join(dir, 'a.jsonl'),
      join(dir, 'b.jsonl'),
      '-',
    ]);
  });

  it('takes an existing file whose name looks like a glob as that file', async () => {
    expect(await resolveInputs([join(dir, 'run[1].jsonl')], false)).toEqual([join(dir, 'run[1].jsonl')]);
  });

  it('refuses a glob that matches no file: a SourceError naming the pattern', async () => {
    const pattern = join(dir, '*.otlp.json');
    const error = await resolveInputs([join(dir, 'a.jsonl'), pattern], false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe(`${pattern}: no files match`);
  });
});

describe('readInputs', () => {
  it('reads every input into traces in trace order, counting skipped documents', async () => {
    const inputs = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl'), join(dir, 'c.jsonl')];
    const loaded = await readInputs(inputs, NO_STDIN, { warn: () => {} });
    // C starts at 0 ms, B at 10, A at 20, whatever the order of the files.
    expect(loaded.traces.map((t) => t.traceId)).toEqual([C, B, A]);
    expect(loaded.inputNames).toEqual(inputs);
    expect(loaded.skippedDocuments).toBe(1);
    expect(loaded.otherTraces).toBe(0);
    expect(loaded.traces[2]!.spans[0]!.origin).toEqual({ file: join(dir, 'a.jsonl'), line: 1 });
  });

  it('reads `-` from the stdin given, named <stdin>', async () => {
    const stdin = stdinOf(line({ resourceLogs: [] }) + line(traceDoc(B, 5)));
    const loaded = await readInputs([join(dir, 'c.jsonl'), '-'], stdin, { warn: () => {} });
    expect(loaded.inputNames).toEqual([join(dir, 'c.jsonl'), '<stdin>']);
    expect(loaded.traces.map((t) => t.traceId)).toEqual([C, B]);
    expect(loaded.traces[1]!.spans[0]!.origin).toEqual({ file: '<stdin>', line: 2 });
    expect(loaded.skippedDocuments).toBe(1);
  });

  it('merges the spans of one trace spread over several inputs', async () => {
    const loaded = await readInputs([join(dir, 'a.jsonl'), join(dir, 'run[1].jsonl')], NO_STDIN, {
      warn: () => {},
    });
    expect(loaded.traces).toHaveLength(1);
    expect(loaded.traces[0]!.spans.map((s) => s.origin.file)).toEqual([
      join(dir, 'a.jsonl'),
      join(dir, 'run[1].jsonl'),
    ]);
  });

  it('counts the traces `onlyTraces` leaves out', async () => {
    const loaded = await readInputs([join(dir, 'a.jsonl'), join(dir, 'b.jsonl')], NO_STDIN, {
      warn: () => {},
      onlyTraces: (id) => id === B,
    });
    expect(loaded.traces.map((t) => t.traceId)).toEqual([B]);
    expect(loaded.otherTraces).toBe(1);
  });

  it('refuses a missing file with a SourceError naming it', async () => {
    const missing = join(dir, 'gone.json');
    const error = await readInputs([missing], NO_STDIN, { warn: () => {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe(`${missing}: no such file`);
  });
});

describe('loadTraces', () => {
  it('resolves the -f values, then reads them', async () => {
    const loaded = await loadTraces(
      { files: [join(dir, '[ab].jsonl')], inputFormat: 'auto', stdinIsTTY: true, stdin: NO_STDIN },
      { warn: () => {} },
    );
    expect(loaded.inputNames).toEqual([join(dir, 'a.jsonl'), join(dir, 'b.jsonl')]);
    expect(loaded.traces.map((t) => t.traceId)).toEqual([B, A]);
  });

  it('reads stdin when no file is given', async () => {
    const loaded = await loadTraces(
      { files: [], inputFormat: 'auto', stdinIsTTY: false, stdin: stdinOf(line(traceDoc(C, 1))) },
      { warn: () => {} },
    );
    expect(loaded.inputNames).toEqual(['<stdin>']);
    expect(loaded.traces.map((t) => t.traceId)).toEqual([C]);
  });

  it("decodes in the source's input format", async () => {
    const source = { files: [join(dir, 'b.jsonl')], stdinIsTTY: true, stdin: NO_STDIN };
    await expect(loadTraces({ ...source, inputFormat: 'jaeger' }, { warn: () => {} })).rejects.toThrow(
      InputError,
    );
    const loaded = await loadTraces({ ...source, inputFormat: 'otlp' }, { warn: () => {} });
    expect(loaded.traces.map((t) => t.traceId)).toEqual([B]);
  });
});
