/**
 * The protobuf wire format, read in place: a cursor over a buffer that every message of a request
 * shares, each nested message being the bytes [pos, end) of its parent. Nothing is copied and no
 * reader is made per message: a field's end is returned and passed on. Varints that fit a double
 * exactly (tags, lengths, enums and nearly every integer) are read as numbers; 64-bit values as
 * bigint. Malformed bytes throw MalformedProtobuf, which callers turn into a one-line InputError.
 */
export class MalformedProtobuf extends Error {}

/**
 * How deep an AnyValue may nest (arrays of arrays, kvlists of kvlists). Real attributes nest a few
 * levels; a hostile request nested 100,000 levels once overflowed the stack of every reader.
 */
export const MAX_VALUE_NESTING = 64;

/** Wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

/** Strings by the hash of their bytes (ProtobufReader.cachedString). */
export type StringCache = Map<number, string>;
const MAX_CACHED_LENGTH = 64;
const MAX_CACHED_STRINGS = 4096;

export class ProtobufReader {
  pos = 0;
  /** A tag's field number and wire type, set by `nextTag`. */
  field = 0;
  wireType = 0;
  readonly buf: Buffer;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Reads the next tag of a message ending at `end`; false at its end. */
  nextTag(end: number): boolean {
    if (this.pos >= end) return false;
    const tag = this.uint32(end);
    this.field = tag >>> 3;
    this.wireType = tag & 7;
    return true;
  }

  /** A varint as an unsigned 32-bit number (tags, lengths, enums: higher bits are dropped, as protobuf does). */
  uint32(end: number): number {
    const buf = this.buf;
    let result = 0;
    // Bounded: at most 10 bytes.
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) throw new MalformedProtobuf('truncated varint');
      const byte = buf[this.pos++]!;
      if (i < 5) result |= (byte & 0x7f) << (7 * i);
      if (byte < 0x80) return result >>> 0;
    }
    throw new MalformedProtobuf('varint longer than 10 bytes');
  }

  /**
   * A varint as a signed 64-bit integer: a number while it is a safe integer, else its exact
   * decimal string (as OTLP/JSON writes int64).
   */
  int64(end: number): number | string {
    const start = this.pos;
    const buf = this.buf;
    let value = 0;
    let scale = 1;
    // Up to 7 bytes (49 bits) a double holds the value exactly.
    for (let i = 0; i < 7; i++) {
      if (this.pos >= end) throw new MalformedProtobuf('truncated varint');
      const byte = buf[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    this.pos = start;
    const exact = BigInt.asIntN(64, this.uint64(end));
    const n = Number(exact);
    return Number.isSafeInteger(n) ? n : exact.toString();
  }

  /** A varint as an unsigned 64-bit bigint. */
  uint64(end: number): bigint {
    let result = 0n;
    let shift = 0n;
    // Bounded: at most 10 bytes.
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) throw new MalformedProtobuf('truncated varint');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new MalformedProtobuf('varint longer than 10 bytes');
  }

  /** A boolean varint: any non-zero value is true. */
  bool(end: number): boolean {
    const start = this.pos;
    const low = this.uint32(end);
    if (low !== 0) return true;
    // A zero low part may hide set high bits (a 10-byte varint).
    for (let i = start; i < this.pos; i++) if ((this.buf[i]! & 0x7f) !== 0) return true;
    return false;
  }

  fixed64(end: number): bigint {
    if (this.pos + 8 > end) throw new MalformedProtobuf('truncated fixed64');
    const value = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return value;
  }

  double(end: number): number {
    if (this.pos + 8 > end) throw new MalformedProtobuf('truncated double');
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  fixed32(end: number): number {
    if (this.pos + 4 > end) throw new MalformedProtobuf('truncated fixed32');
    const value = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  /**
   * A length-delimited field: returns where it ends, with `pos` at its first byte. The caller
   * reads up to that end (or calls `skipTo`).
   */
  delimited(end: number): number {
    const length = this.uint32(end);
    const fieldEnd = this.pos + length;
    if (fieldEnd > end) throw new MalformedProtobuf('a length-delimited field runs past its message');
    return fieldEnd;
  }

  string(end: number): string {
    return this.#stringTo(this.delimited(end));
  }

  /**
   * A string field that repeats (attribute keys): short ASCII ones are looked up by their bytes in
   * `cache` rather than decoded again, which was a sixth of reading a span-heavy export.
   */
  cachedString(end: number, cache: StringCache): string {
    const fieldEnd = this.delimited(end);
    const buf = this.buf;
    const start = this.pos;
    const length = fieldEnd - start;
    if (length > MAX_CACHED_LENGTH) return this.#stringTo(fieldEnd);
    let hash = length;
    for (let i = start; i < fieldEnd; i++) hash = (Math.imul(hash, 31) + buf[i]!) | 0;
    const known = cache.get(hash);
    if (known !== undefined && known.length === length) {
      let same = true;
      for (let i = 0; i < length; i++)
        if (known.charCodeAt(i) !== buf[start + i]) {
          same = false;
          break;
        }
      if (same) {
        this.pos = fieldEnd;
        return known;
      }
    }
    const text = this.#stringTo(fieldEnd);
    // Only ASCII strings compare byte for character; the cache is bounded.
    if (text.length === length && cache.size < MAX_CACHED_STRINGS) cache.set(hash, text);
    return text;
  }

  #stringTo(fieldEnd: number): string {
    const text = this.buf.toString('utf8', this.pos, fieldEnd);
    this.pos = fieldEnd;
    return text;
  }

  /** A bytes field as lowercase hex. */
  hex(end: number): string {
    const fieldEnd = this.delimited(end);
    const text = this.buf.toString('hex', this.pos, fieldEnd);
    this.pos = fieldEnd;
    return text;
  }

  base64(end: number): string {
    const fieldEnd = this.delimited(end);
    const text = this.buf.toString('base64', this.pos, fieldEnd);
    this.pos = fieldEnd;
    return text;
  }

  /** Moves past the value of the tag just read, whatever its wire type. */
  skip(end: number): void {
    const wireType = this.wireType;
    if (wireType === VARINT) this.uint32(end);
    else if (wireType === FIXED64) this.pos += 8;
    else if (wireType === LENGTH_DELIMITED) this.pos = this.delimited(end);
    else if (wireType === FIXED32) this.pos += 4;
    else throw new MalformedProtobuf(`unsupported wire type ${wireType}`);
    if (this.pos > end) throw new MalformedProtobuf('a field runs past its message');
  }
}
