import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longestLineIn, splitIntoLineRanges } from '../../src/sources/file-ranges.js';

let dir: string;
const write = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otrace-ranges-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('splitIntoLineRanges', () => {
  it('cuts a JSON Lines file into ranges that cover it exactly, each starting at a line', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(i % 37) }));
    const text = `${lines.join('\r\n')}\n`;
    const path = write('lines.jsonl', text);
    for (const parts of [2, 3, 7]) {
      const ranges = (await splitIntoLineRanges(path, parts))!;
      expect(ranges).toHaveLength(parts);
      expect(ranges[0]!.start).toBe(0);
      expect(ranges.at(-1)!.end).toBe(Buffer.byteLength(text));
      for (let k = 1; k < ranges.length; k++) {
        expect(ranges[k]!.start).toBe(ranges[k - 1]!.end);
        expect(text[ranges[k]!.start - 1]).toBe('\n');
      }
    }
  });

  it('gives fewer ranges when the lines are too long to cut that often', async () => {
    const text = `${JSON.stringify({ a: 'x'.repeat(5000) })}\n{"b":1}\n`;
    const path = write('two-lines.jsonl', text);
    const ranges = (await splitIntoLineRanges(path, 4))!;
    expect(ranges.length).toBeLessThan(4);
    expect(ranges.map((r) => r.end - r.start).reduce((a, b) => a + b)).toBe(text.length);
  });

  it('skips a byte order mark and blank lines to judge the first line', async () => {
    expect(await splitIntoLineRanges(write('bom.jsonl', '\uFEFF\n\n{"a":1}\n{"a":2}\n'), 2)).toBeDefined();
  });

  it.each([
    ['a pretty-printed document', '{\n  "resourceSpans": []\n}\n'],
    ['one document without a newline', '{"resourceSpans": []}'],
    ['an empty file', ''],
    ['a first line that is not JSON', 'hello\n{"a":1}\n'],
    ['a first line that is a bare value', '42\n{"a":1}\n'],
  ])('declines %s', async (_name, content) => {
    expect(await splitIntoLineRanges(write('declined.json', content), 2)).toBeUndefined();
  });

  it('declines gzip and a missing file', async () => {
    expect(await splitIntoLineRanges(write('x.jsonl.gz', gzipSync('{"a":1}\n{"a":2}\n')), 2)).toBeUndefined();
    expect(await splitIntoLineRanges(join(dir, 'missing.jsonl'), 2)).toBeUndefined();
  });
});

describe('longestLineIn', () => {
  it('finds the longest line of the sample, the last one even without its newline', async () => {
    const path = write(
      'lines.jsonl',
      `${'a'.repeat(10)}\n${'b'.repeat(30)}\n${'c'.repeat(5)}\n${'d'.repeat(40)}`,
    );
    expect(await longestLineIn(path, 1_000)).toBe(40);
    // Only the sample counts: the first 20 bytes hold a line of 10 and the start of one of 30.
    expect(await longestLineIn(path, 20)).toBe(10);
    expect(await longestLineIn(path, 11)).toBe(10);
  });

  it('gives what was read when no line ends in the sample', async () => {
    const path = write('one.json', 'x'.repeat(100));
    expect(await longestLineIn(path, 64)).toBe(64);
  });
});
