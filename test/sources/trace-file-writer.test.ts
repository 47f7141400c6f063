import { mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { TraceFileWriter, WriteFailed } from '../../src/sources/trace-file-writer.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'otrace-writer-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('TraceFileWriter', () => {
  it('writes one request per line and counts the lines', () => {
    const path = join(dir, 'out.jsonl');
    const writer = new TraceFileWriter(path);
    expect(writer.path).toBe(path);
    expect(writer.lines).toBe(0);
    writer.write('{"resourceSpans":[]}');
    writer.write('{"resourceSpans":[{"resource":{}}]}');
    expect(writer.lines).toBe(2);
    // Written synchronously: the lines are in the file before close.
    expect(readFileSync(path, 'utf8')).toBe('{"resourceSpans":[]}\n{"resourceSpans":[{"resource":{}}]}\n');
    writer.close();
  });

  it('puts a pretty-printed request on one line, so that the file stays JSON Lines', () => {
    const path = join(dir, 'out.jsonl');
    const writer = new TraceFileWriter(path);
    writer.write('{\n  "resourceSpans": [\n    {"name": "a\\nb"}\n  ]\n}');
    writer.close();
    const text = readFileSync(path, 'utf8');
    expect(text).toBe('{"resourceSpans":[{"name":"a\\nb"}]}\n');
    expect(JSON.parse(text)).toEqual({ resourceSpans: [{ name: 'a\nb' }] });
  });

  it('appends to a file that is already there', () => {
    const path = join(dir, 'out.jsonl');
    writeFileSync(path, '{"resourceSpans":[]}\n');
    const writer = new TraceFileWriter(path);
    writer.write('{"batches":[]}');
    writer.close();
    expect(readFileSync(path, 'utf8')).toBe('{"resourceSpans":[]}\n{"batches":[]}\n');
    expect(writer.lines).toBe(1);
  });

  it('starts on a fresh line after a last line cut short, never glued to the fragment', () => {
    const path = join(dir, 'out.jsonl');
    writeFileSync(path, '{"resourceSpans":[]}\n{"resourceSp');
    const writer = new TraceFileWriter(path);
    writer.write('{"batches":[]}');
    writer.close();
    expect(readFileSync(path, 'utf8')).toBe('{"resourceSpans":[]}\n{"resourceSp\n{"batches":[]}\n');
  });

  it('a line that cannot be written whole is taken back, and the next one is written whole', () => {
    const path = join(dir, 'out.jsonl');
    writeFileSync(path, '{"resourceSpans":[]}\n');
    let fail = true;
    // A full disk: part of the line goes in, then ENOSPC.
    const writer = new TraceFileWriter(path, (fd, bytes, offset) => {
      if (!fail) return writeSync(fd, bytes, offset);
      if (offset > 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return writeSync(fd, bytes, offset, 5);
    });
    expect(() => writer.write('{"batches":[1]}')).toThrow(WriteFailed);
    expect(readFileSync(path, 'utf8')).toBe('{"resourceSpans":[]}\n');
    expect(writer.lines).toBe(0);
    fail = false;
    writer.write('{"batches":[2]}');
    writer.close();
    expect(readFileSync(path, 'utf8')).toBe('{"resourceSpans":[]}\n{"batches":[2]}\n');
  });

  it('refuses a path it cannot open, with the reason and what to check (exit 3)', () => {
    const path = join(dir, 'missing', 'out.jsonl');
    let error: unknown;
    try {
      new TraceFileWriter(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe(`${path}: cannot write (ENOENT)`);
    expect((error as SourceError).hint).toBe('check the directory exists and is writable');
    expect((error as SourceError).exitCode).toBe(3);
  });

  it('refuses a directory', () => {
    let error: unknown;
    try {
      new TraceFileWriter(dir);
    } catch (e) {
      error = e;
    }
    expect((error as SourceError).message).toBe(`${dir}: cannot write (EISDIR)`);
  });
});
