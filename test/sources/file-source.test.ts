import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { OtlpProtobufMessage } from '../../src/schema/otlp-protobuf-spans.js';
import { readDocuments } from '../../src/sources/file-source.js';

async function read(content: string | Buffer, chunkSize = 7) {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  // Small chunks so that lines and UTF-8 sequences straddle chunk boundaries.
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const docs = [];
  for await (const doc of readDocuments(Readable.from(chunks), 'in.json')) docs.push(doc);
  return docs;
}

async function errorOf(content: string | Buffer): Promise<InputError> {
  try {
    await read(content);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('readDocuments', () => {
  it('streams JSON Lines with the line each document starts on, skipping blank lines', async () => {
    const docs = await read('{"a":1}\n\n{"b":"é"}\r\n{"c":3}');
    expect(docs.map((d) => [d.value, d.line])).toEqual([
      [{ a: 1 }, 1],
      [{ b: 'é' }, 3],
      [{ c: 3 }, 4],
    ]);
  });

  it('reads a pretty-printed document whole', async () => {
    const docs = await read('\n{\n  "resourceSpans": [\n  ]\n}\n');
    expect(docs).toEqual([{ value: { resourceSpans: [] }, file: 'in.json', line: 2 }]);
  });

  it('reads several pretty-printed documents one after another, as jq . a.json b.json writes them', async () => {
    const pretty = (value: unknown) => JSON.stringify(value, null, 2);
    const a = { resourceSpans: [{ note: 'a "quoted" } brace in a string' }] };
    const b = [{ traceId: 'ab', tags: { path: '/x]' } }];
    const docs = await read(`${pretty(a)}\n${pretty(b)}\n\n${pretty({ c: {} })}\n`);
    expect(docs.map((d) => [d.value, d.line])).toEqual([
      [a, 1],
      [b, 8],
      [{ c: {} }, 17],
    ]);
  });

  it('points into the document that breaks among several', async () => {
    const error = await errorOf('{\n  "a": 1\n}\n{\n  "b": tru\n}\n');
    expect(error.message).toMatch(/^in\.json:5:\d+: invalid JSON: /);
    // Text after a document that is not another document is not read as several.
    expect((await errorOf('{\n  "a": 1\n}\nhello\n')).message).toMatch(/^in\.json:4:1: invalid JSON: /);
  });

  it('skips a UTF-8 byte order mark', async () => {
    const docs = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"x":1}\n')]));
    expect(docs.map((d) => d.value)).toEqual([{ x: 1 }]);
  });

  it('gunzips gzip input, detected by its magic bytes', async () => {
    const docs = await read(gzipSync('{"x":1}\n{"y":2}\n'));
    expect(docs.map((d) => d.value)).toEqual([{ x: 1 }, { y: 2 }]);
  });

  it('points at the line of a truncated JSON Lines record', async () => {
    const error = await errorOf('{"a":1}\n{"b":2}\n{"c":[1,2');
    expect(error.message).toMatch(/^in\.json:3(:\d+)?: invalid JSON: /);
    expect(error.hint).toBe('the line is cut short: was the file still being written, or truncated?');
  });

  it('with a warning at hand, leaves out a last line cut short and reads every line before it', async () => {
    const warnings: string[] = [];
    const docs = [];
    const bytes = Buffer.from('{"a":1}\n{"b":2}\n{"c":[1,2');
    for await (const doc of readDocuments(Readable.from([bytes]), 'in.json', (m) => warnings.push(m)))
      docs.push(doc);
    expect(docs.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(warnings).toEqual([
      'in.json:3: the last line is cut short (9 characters, no newline after it) and is left out: was the file still being written, or cut by a crash or a full disk?',
    ]);
    // Cut short but ended by a newline, or broken rather than cut: still an error.
    for (const broken of ['{"a":1}\n{"c":[1,2\n', '{"a":1}\n{"c":]}']) {
      const reading = async () => {
        for await (const _ of readDocuments(Readable.from([Buffer.from(broken)]), 'in.json', () => {}));
      };
      await expect(reading()).rejects.toBeInstanceOf(InputError);
    }
  });

  it('points at line and column inside a pretty-printed document', async () => {
    const error = await errorOf('{\n  "a": 1,\n  "b": ]\n}\n');
    expect(error.message).toMatch(/^in\.json:3:8: invalid JSON: /);
    expect(error.message).not.toContain('\n');
  });

  it.each([
    ['', 'in.json: is empty'],
    ['\n\n  \n', 'in.json: is empty'],
    ['<!doctype html><html>', 'in.json:1: this is HTML or XML, not JSON'],
    ['hello', 'in.json:1: not JSON: starts with "hello"'],
  ])('refuses %j with one line', async (content, message) => {
    expect((await errorOf(content)).message).toBe(message);
  });

  it('reads length-delimited protobuf messages, and says where one is cut short', async () => {
    // Two empty ResourceSpans messages: the tag 0x0a and length 0.
    const docs = await read(Buffer.from([0, 0, 0, 2, 0x0a, 0, 0, 0, 0, 2, 0x0a, 0]));
    expect(docs.map(({ value, line }) => ({ value, line }))).toEqual([
      {
        value: new OtlpProtobufMessage(Buffer.from([0x0a, 0]), 'in.json: protobuf message 1 (byte 0)'),
        line: 1,
      },
      {
        value: new OtlpProtobufMessage(Buffer.from([0x0a, 0]), 'in.json: protobuf message 2 (byte 6)'),
        line: 2,
      },
    ]);
    const error = await errorOf(Buffer.from([0, 0, 0, 12, 0x0a, 0x0a, 0x12, 1, 2, 3]));
    expect(error.message).toBe('in.json: protobuf message 1 (byte 0) is cut short: 10 bytes of it');
  });

  it('refuses other binary data and says what it reads', async () => {
    const error = await errorOf(Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(error.message).toBe(
      'in.json:1: binary data that is neither JSON nor an OTLP protobuf trace export',
    );
    expect(error.hint).toContain('format: proto');
  });
});
