import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib';

/**
 * gzip (RFC 1952) read as its bytes stream in, member by member: a file may hold several one
 * after another (`cat a.gz b.gz`, pigz, bgzip), each a header, deflate data and a trailer (the
 * CRC-32 and the size of what it inflates to). What follows the last member is taken as
 * `gzip -d` takes it:
 *
 *   [member][member]                       the end
 *   [member][member][00 00 …]              zeros (tar pads with them): the end, nothing said
 *   [member][member][1f 8b …]              another member: it must be whole, or the data is corrupt
 *   [member][member][anything else…]       trailing garbage: ignored, `trailingGarbage(offset)`
 *                                           told once, everything before it kept
 *
 * zlib's own gunzip reads members too, but fails on trailing garbage and drops what it inflated
 * in the same pass; here each member's deflate data goes through a raw inflater, which stops at
 * its end and says how many bytes it took (`bytesWritten`), so the rest is known exactly.
 */
export async function* gunzipMembers(
  first: Buffer,
  chunks: AsyncIterator<Buffer>,
  trailingGarbage: (offset: number) => void,
): AsyncGenerator<Buffer> {
  const input = new ByteInput(first, chunks);
  try {
    for (let member = 0; ; member++) {
      if (member > 0 && !(await startsMember(input))) {
        const offset = input.offset;
        if (!(await onlyZerosLeft(input))) trailingGarbage(offset);
        return;
      }
      yield* inflateMember(input);
    }
  } finally {
    // Stopped before the end (trailing garbage, an error, a reader that had enough): the source is
    // closed. Not awaited: a read still pending (stdin) would hold the reader's return.
    chunks.return?.().catch(() => {});
  }
}

/** Why gzip data cannot be read; the caller words it for its input. */
export class GzipCorrupt extends Error {}

const ID1 = 0x1f;
const ID2 = 0x8b;
const DEFLATE = 8;
const FLAG = { HCRC: 0x02, EXTRA: 0x04, NAME: 0x08, COMMENT: 0x10, RESERVED: 0xe0 } as const;

/**
 * Whether the next bytes start a member. A lone 0x1f at the very end may be the first magic byte
 * of one cut short: `gzip -d` says "unexpected end of file", and so does inflateMember.
 */
async function startsMember(input: ByteInput): Promise<boolean> {
  if (!(await input.fill(1))) return false;
  if (input.byteAt(0) !== ID1) return false;
  return !(await input.fill(2)) || input.byteAt(1) === ID2;
}

/** Reads on while the bytes are zeros: true when nothing else comes before the end. */
async function onlyZerosLeft(input: ByteInput): Promise<boolean> {
  while (await input.fill(1)) {
    const rest = input.takeBuffered();
    if (rest.some((byte) => byte !== 0)) return false;
  }
  return true;
}

/** One member: its header checked, its data inflated and yielded, its trailer checked. */
async function* inflateMember(input: ByteInput): AsyncGenerator<Buffer> {
  await skipHeader(input);
  const inflater = createInflateRaw();
  const fed = feed(inflater, input);
  let crc = 0;
  let size = 0;
  let corrupt: Error | undefined;
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      yield chunk;
    }
  } catch (error) {
    corrupt = error as Error;
  } finally {
    // Let go of the inflater whatever happened: a write the feeder waits on then ends too.
    inflater.destroy();
  }
  const rest = await fed;
  // The input could not be read: its own error, not the inflater's.
  if ('failed' in rest) throw rest.failed;
  if (corrupt) throw new GzipCorrupt(corrupt.message);
  // The bytes the inflater did not take: the trailer, and whatever follows the member.
  input.unshift(rest.left);
  if (!(await input.fill(8))) throw new GzipCorrupt('unexpected end of file');
  const trailer = input.take(8);
  if (trailer.readUInt32LE(0) !== crc) throw new GzipCorrupt('incorrect data check');
  // ISIZE is the size modulo 2^32.
  if (trailer.readUInt32LE(4) !== size % 2 ** 32) throw new GzipCorrupt('incorrect length check');
}

/**
 * The header (RFC 1952 §2.3): magic, method, flags, time, extra flags, OS, then what the flags
 * announce: an extra field, a name, a comment, a CRC-16 of the header.
 */
async function skipHeader(input: ByteInput): Promise<void> {
  const header: Buffer[] = [];
  const take = async (bytes: number) => {
    if (!(await input.fill(bytes))) throw new GzipCorrupt('unexpected end of file');
    const taken = input.take(bytes);
    header.push(taken);
    return taken;
  };
  const fixed = await take(10);
  if (fixed[0] !== ID1 || fixed[1] !== ID2) throw new GzipCorrupt('incorrect header check');
  if (fixed[2] !== DEFLATE) throw new GzipCorrupt('unknown compression method');
  const flags = fixed[3]!;
  if ((flags & FLAG.RESERVED) !== 0) throw new GzipCorrupt('unknown header flags set');
  if (flags & FLAG.EXTRA) await take((await take(2)).readUInt16LE(0));
  for (const flag of [FLAG.NAME, FLAG.COMMENT]) {
    if ((flags & flag) === 0) continue;
    // Zero-terminated, however many chunks that takes: the input's end bounds it.
    let byte: number | undefined;
    do byte = (await take(1))[0];
    while (byte !== 0);
  }
  if (flags & FLAG.HCRC) {
    const stated = (await take(2)).readUInt16LE(0);
    if (stated !== (crc32(Buffer.concat(header.slice(0, -1))) & 0xffff))
      throw new GzipCorrupt('header crc mismatch');
  }
}

/**
 * Gives the inflater the input, a chunk at a time, until it stops taking bytes (its deflate data
 * ended) or the input ends; resolves with what it did not take. Each write waits for the chunk to
 * be inflated, so that `bytesWritten` (what it took) is known before the next.
 */
async function feed(
  inflater: InflateRaw,
  input: ByteInput,
): Promise<{ readonly left: Buffer } | { readonly failed: unknown }> {
  let written = 0;
  let chunk: Buffer | undefined;
  try {
    chunk = await input.next();
  } catch (failed) {
    inflater.destroy();
    return { failed };
  }
  for (; chunk !== undefined; ) {
    if (inflater.destroyed) return { left: Buffer.alloc(0) };
    written += chunk.length;
    const refused = await new Promise<boolean>((resolve) => {
      // An inflater that fails on this chunk never calls back: its close ends the wait.
      const closed = () => resolve(true);
      inflater.once('close', closed);
      inflater.write(chunk, (error) => {
        inflater.off('close', closed);
        resolve(error !== undefined && error !== null);
      });
    });
    // Bytes it did not take: its data ended. Known even if its reader let it go meanwhile, having
    // seen that end: the count is made before the end is told.
    const left = written - inflater.bytesWritten;
    if (left > 0) return { left: chunk.subarray(chunk.length - left) };
    // It failed (its reader says why) or was let go.
    if (refused || inflater.destroyed) return { left: Buffer.alloc(0) };
    try {
      chunk = await input.next();
    } catch (failed) {
      inflater.destroy();
      return { failed };
    }
  }
  inflater.end();
  return { left: Buffer.alloc(0) };
}

/** An async stream of chunks read a few bytes at a time, with bytes put back. */
class ByteInput {
  #buffered: Buffer;
  /** Bytes of the input before `#buffered`. */
  #consumed = 0;

  constructor(
    first: Buffer,
    readonly chunks: AsyncIterator<Buffer>,
  ) {
    this.#buffered = first;
  }

  /** Where the next byte is in the input. */
  get offset(): number {
    return this.#consumed;
  }

  /** At least `bytes` buffered; false when the input ends first. */
  async fill(bytes: number): Promise<boolean> {
    while (this.#buffered.length < bytes) {
      const next = await this.chunks.next();
      if (next.done) return false;
      this.#buffered = this.#buffered.length === 0 ? next.value : Buffer.concat([this.#buffered, next.value]);
    }
    return true;
  }

  byteAt(index: number): number {
    return this.#buffered[index]!;
  }

  take(bytes: number): Buffer {
    const taken = this.#buffered.subarray(0, bytes);
    this.#buffered = this.#buffered.subarray(bytes);
    this.#consumed += bytes;
    return taken;
  }

  takeBuffered(): Buffer {
    return this.take(this.#buffered.length);
  }

  /** The next chunk: what is buffered, else the input's next; undefined at the end. */
  async next(): Promise<Buffer | undefined> {
    if (this.#buffered.length === 0 && !(await this.fill(1))) return undefined;
    return this.takeBuffered();
  }

  unshift(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#buffered = this.#buffered.length === 0 ? bytes : Buffer.concat([bytes, this.#buffered]);
    this.#consumed -= bytes.length;
  }
}
