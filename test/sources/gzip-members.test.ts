import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GzipCorrupt, gunzipMembers } from '../../src/sources/gzip-members.js';

/**
 * gzip read member by member, with what follows the last taken as `gzip -d` takes it: zeros are
 * the end, another member must be whole, anything else is trailing garbage, ignored with one
 * notice, the data before it kept. Inputs are cut into chunks of every size, so that headers,
 * deflate data and trailers straddle chunk boundaries.
 */
async function gunzip(bytes: Buffer, chunkSize = 7) {
  const first = bytes.subarray(0, chunkSize);
  const rest = (async function* () {
    for (let at = chunkSize; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
  })();
  const garbageAt: number[] = [];
  const out: Buffer[] = [];
  for await (const chunk of gunzipMembers(first, rest, (offset) => garbageAt.push(offset))) out.push(chunk);
  // Read to its end, or closed by the reader (its return, not awaited, has run by now): nothing more.
  const closed = (await rest.next()).done === true;
  return { text: Buffer.concat(out).toString(), garbageAt, closed };
}

async function failure(bytes: Buffer, chunkSize = 7): Promise<GzipCorrupt> {
  try {
    await gunzip(bytes, chunkSize);
  } catch (error) {
    if (error instanceof GzipCorrupt) return error;
    throw error;
  }
  throw new Error('expected GzipCorrupt');
}

/** A member with the given header flags and fields, as RFC 1952 lays it out. */
function member(text: string, flags = 0, fields: Buffer[] = []): Buffer {
  const data = Buffer.from(text);
  let header = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3]), ...fields]);
  if (flags & 0x02) {
    const crc16 = Buffer.alloc(2);
    crc16.writeUInt16LE(crc32(header) & 0xffff);
    header = Buffer.concat([header, crc16]);
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, deflateRawSync(data), trailer]);
}

const A = gzipSync('{"a":1}\n');
const B = gzipSync('{"b":2}\n');

describe('gunzipMembers', () => {
  it('reads every member, one after another (cat a.gz b.gz), whatever the chunks', async () => {
    for (const size of [1, 2, 3, 10, 64])
      expect(await gunzip(Buffer.concat([A, B, A]), size), `chunks of ${size}`).toEqual({
        text: '{"a":1}\n{"b":2}\n{"a":1}\n',
        garbageAt: [],
        closed: true,
      });
  });

  it('keeps the data before trailing garbage, says once where it starts, reads no further and closes the source', async () => {
    const input = Buffer.concat([A, B, Buffer.from('garbage'), A]);
    for (const size of [1, 5, 4096])
      expect(await gunzip(input, size), `chunks of ${size}`).toEqual({
        text: '{"a":1}\n{"b":2}\n',
        garbageAt: [A.length + B.length],
        closed: true,
      });
  });

  it('ends silently at zeros after the last member, as gzip -d; zeros then anything else are garbage', async () => {
    expect(await gunzip(Buffer.concat([A, Buffer.alloc(1000)]))).toMatchObject({
      text: '{"a":1}\n',
      garbageAt: [],
    });
    expect(await gunzip(Buffer.concat([A, Buffer.alloc(20), Buffer.from('x')]))).toMatchObject({
      text: '{"a":1}\n',
      garbageAt: [A.length],
    });
  });

  it('refuses a member cut short or corrupt after the first, as gzip -d: its magic bytes say it is one', async () => {
    // A lone first magic byte at the end, a header cut short, a member with another method.
    expect((await failure(Buffer.concat([A, Buffer.from([0x1f])]))).message).toBe('unexpected end of file');
    expect((await failure(Buffer.concat([A, B.subarray(0, 6)]))).message).toBe('unexpected end of file');
    const otherMethod = Buffer.from(B);
    otherMethod[2] = 9;
    expect((await failure(Buffer.concat([A, otherMethod]))).message).toBe('unknown compression method');
  });

  it('checks each member: deflate data cut short, no trailer, a CRC or a size that do not match', async () => {
    expect((await failure(A.subarray(0, 15))).message).toBe('unexpected end of file');
    expect((await failure(A.subarray(0, A.length - 8))).message).toBe('unexpected end of file');
    const crc = Buffer.from(A);
    crc[A.length - 8]! ^= 0xff;
    expect((await failure(crc)).message).toBe('incorrect data check');
    const size = Buffer.from(A);
    size[A.length - 1]! ^= 0xff;
    expect((await failure(size)).message).toBe('incorrect length check');
    const deflate = Buffer.from(A);
    deflate[10] = 0xff;
    expect(await failure(deflate)).toBeInstanceOf(GzipCorrupt);
  });

  it('reads the optional header fields (extra, name, comment, header CRC) and checks the CRC and flags', async () => {
    const fields = [Buffer.from([3, 0, 1, 2, 3]), Buffer.from('traces.jsonl\0'), Buffer.from('a comment\0')];
    const full = member('{"c":3}\n', 0x02 | 0x04 | 0x08 | 0x10, fields);
    for (const size of [1, 4, 100])
      expect((await gunzip(Buffer.concat([full, full]), size)).text, `chunks of ${size}`).toBe(
        '{"c":3}\n{"c":3}\n',
      );
    const badCrc = Buffer.from(full);
    badCrc[5]! ^= 1;
    expect((await failure(badCrc)).message).toBe('header crc mismatch');
    expect((await failure(member('{}', 0x20))).message).toBe('unknown header flags set');
  });

  it('property: any texts as members, any chunks, any tail: every member read, garbage told iff not zeros', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ maxLength: 300 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 50 }),
        fc.oneof(
          fc.constant(Buffer.alloc(0)),
          fc.integer({ min: 1, max: 40 }).map((n) => Buffer.alloc(n)),
          // Garbage: anything that does not start with the magic's first byte.
          fc
            .uint8Array({ minLength: 1, maxLength: 40 })
            .filter((bytes) => bytes[0] !== 0x1f && bytes.some((b) => b !== 0))
            .map((bytes) => Buffer.from(bytes)),
        ),
        async (texts, chunkSize, tail) => {
          const members = Buffer.concat(texts.map((text) => gzipSync(text)));
          const result = await gunzip(Buffer.concat([members, tail]), chunkSize);
          expect(result.text).toBe(texts.join(''));
          expect(result.garbageAt).toEqual(tail.some((b) => b !== 0) ? [members.length] : []);
          expect(result.closed).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
