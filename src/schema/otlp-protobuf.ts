import { InputError } from '../errors.js';

/**
 * OTLP protobuf (`ExportTraceServiceRequest`, as OTLP/gRPC and OTLP/HTTP-protobuf exporters send
 * it) read into the OTLP/JSON shape: camelCase keys, hex ids, 64-bit integers as decimal strings,
 * enums as numbers. The rest of otrace then reads it like any JSON export, and `receive` writes
 * it out as one Collector file-exporter line. Unknown fields are skipped, as protobuf requires.
 *
 * Field numbers from opentelemetry-proto (trace/v1/trace.proto, common/v1/common.proto).
 */

type Json = Record<string, unknown>;

class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
    throw new Error('varint longer than 10 bytes');
  }

  smallVarint(): number {
    return Number(BigInt.asUintN(32, this.varint()));
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw new Error('truncated fixed64');
    let value = 0n;
    for (let i = 7; i >= 0; i--) value = (value << 8n) | BigInt(this.buf[this.pos + i]!);
    this.pos += 8;
    return value;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new Error('truncated fixed32');
    const b = this.buf;
    const value =
      (b[this.pos]! | (b[this.pos + 1]! << 8) | (b[this.pos + 2]! << 16) | (b[this.pos + 3]! << 24)) >>> 0;
    this.pos += 4;
    return value;
  }

  /** A length-delimited field: returns a reader over its bytes and moves past them. */
  sub(): Reader {
    const length = this.smallVarint();
    if (this.pos + length > this.end) throw new Error('length-delimited field runs past its message');
    const reader = new Reader(this.buf, this.pos, this.pos + length);
    this.pos += length;
    return reader;
  }

  bytes(): Uint8Array {
    const sub = this.sub();
    return this.buf.subarray(sub.pos, sub.end);
  }

  string(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.sub();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
    if (this.pos > this.end) throw new Error('field runs past its message');
  }

  /** Calls `field` for each field of this message until its end. */
  fields(field: (num: number, wireType: number) => boolean): void {
    while (this.pos < this.end) {
      const tag = this.smallVarint();
      const num = tag >>> 3;
      const wireType = tag & 7;
      if (!field(num, wireType)) this.skip(wireType);
    }
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function anyValue(r: Reader): Json {
  let out: Json = {};
  r.fields((num, wt) => {
    if (num === 1 && wt === 2) out = { stringValue: r.string() };
    else if (num === 2 && wt === 0) out = { boolValue: r.varint() !== 0n };
    else if (num === 3 && wt === 0) out = { intValue: BigInt.asIntN(64, r.varint()).toString() };
    else if (num === 4 && wt === 1) {
      const bits = r.fixed64();
      const view = new DataView(new ArrayBuffer(8));
      view.setBigUint64(0, bits, true);
      out = { doubleValue: view.getFloat64(0, true) };
    } else if (num === 5 && wt === 2) {
      out = { arrayValue: { values: repeated(r.sub(), 1, anyValue) } };
    } else if (num === 6 && wt === 2) {
      out = { kvlistValue: { values: repeated(r.sub(), 1, keyValue) } };
    } else if (num === 7 && wt === 2) out = { bytesValue: Buffer.from(r.bytes()).toString('base64') };
    else return false;
    return true;
  });
  return out;
}

function keyValue(r: Reader): Json {
  const out: Json = { key: '' };
  r.fields((num, wt) => {
    if (num === 1 && wt === 2) out.key = r.string();
    else if (num === 2 && wt === 2) out.value = anyValue(r.sub());
    else return false;
    return true;
  });
  return out;
}

/** Appends to a repeated field, creating it on first use. */
function pushTo(out: Json, key: string, value: Json): void {
  const list = out[key] as Json[] | undefined;
  if (list) list.push(value);
  else out[key] = [value];
}

function attributesInto(out: Json, r: Reader): void {
  pushTo(out, 'attributes', keyValue(r.sub()));
}

/** Reads every field `num` of `r` (a repeated message) with `read`. */
function repeated(r: Reader, num: number, read: (sub: Reader) => Json): Json[] {
  const values: Json[] = [];
  r.fields((n, w) => {
    if (n !== num || w !== 2) return false;
    values.push(read(r.sub()));
    return true;
  });
  return values;
}

function span(r: Reader): Json {
  const out: Json = {};
  r.fields((num, wt) => {
    if (wt === 2 && num === 1) out.traceId = hex(r.bytes());
    else if (wt === 2 && num === 2) out.spanId = hex(r.bytes());
    else if (wt === 2 && num === 3) out.traceState = r.string();
    else if (wt === 2 && num === 4) out.parentSpanId = hex(r.bytes());
    else if (wt === 2 && num === 5) out.name = r.string();
    else if (wt === 0 && num === 6) out.kind = r.smallVarint();
    else if (wt === 1 && num === 7) out.startTimeUnixNano = r.fixed64().toString();
    else if (wt === 1 && num === 8) out.endTimeUnixNano = r.fixed64().toString();
    else if (wt === 2 && num === 9) attributesInto(out, r);
    else if (wt === 2 && num === 11) pushTo(out, 'events', event(r.sub()));
    else if (wt === 2 && num === 13) pushTo(out, 'links', link(r.sub()));
    else if (wt === 2 && num === 15) out.status = status(r.sub());
    else if (wt === 5 && num === 16) out.flags = r.fixed32();
    else return false;
    return true;
  });
  return out;
}

function event(r: Reader): Json {
  const out: Json = {};
  r.fields((num, wt) => {
    if (wt === 1 && num === 1) out.timeUnixNano = r.fixed64().toString();
    else if (wt === 2 && num === 2) out.name = r.string();
    else if (wt === 2 && num === 3) attributesInto(out, r);
    else return false;
    return true;
  });
  return out;
}

function link(r: Reader): Json {
  const out: Json = {};
  r.fields((num, wt) => {
    if (wt === 2 && num === 1) out.traceId = hex(r.bytes());
    else if (wt === 2 && num === 2) out.spanId = hex(r.bytes());
    else if (wt === 2 && num === 3) out.traceState = r.string();
    else if (wt === 2 && num === 4) attributesInto(out, r);
    else if (wt === 5 && num === 6) out.flags = r.fixed32();
    else return false;
    return true;
  });
  return out;
}

function status(r: Reader): Json {
  const out: Json = {};
  r.fields((num, wt) => {
    if (wt === 2 && num === 2) out.message = r.string();
    else if (wt === 0 && num === 3) out.code = r.smallVarint();
    else return false;
    return true;
  });
  return out;
}

/** Resource and InstrumentationScope: attributes (and a scope's name and version). */
function named(r: Reader, withName: boolean): Json {
  const out: Json = {};
  r.fields((num, wt) => {
    if (withName && wt === 2 && num === 1) out.name = r.string();
    else if (withName && wt === 2 && num === 2) out.version = r.string();
    else if (wt === 2 && num === (withName ? 3 : 1)) attributesInto(out, r);
    else return false;
    return true;
  });
  return out;
}

function scopeSpans(r: Reader): Json {
  const out: Json = { spans: [] };
  r.fields((num, wt) => {
    if (wt === 2 && num === 1) out.scope = named(r.sub(), true);
    else if (wt === 2 && num === 2) (out.spans as Json[]).push(span(r.sub()));
    else if (wt === 2 && num === 3) out.schemaUrl = r.string();
    else return false;
    return true;
  });
  return out;
}

function resourceSpans(r: Reader): Json {
  const out: Json = { scopeSpans: [] };
  r.fields((num, wt) => {
    if (wt === 2 && num === 1) out.resource = named(r.sub(), false);
    else if (wt === 2 && num === 2) (out.scopeSpans as Json[]).push(scopeSpans(r.sub()));
    else if (wt === 2 && num === 3) out.schemaUrl = r.string();
    else return false;
    return true;
  });
  return out;
}

/** `ExportTraceServiceRequest` bytes → `{"resourceSpans": […]}`. Throws InputError on malformed bytes. */
export function decodeTraceRequest(bytes: Uint8Array, where: string): { resourceSpans: Json[] } {
  let out: Json[];
  try {
    out = repeated(new Reader(bytes, 0, bytes.length), 1, resourceSpans);
  } catch (error) {
    throw new InputError(`${where}: not an OTLP ExportTraceServiceRequest (${(error as Error).message})`);
  }
  return { resourceSpans: out };
}

/** `ExportTraceServiceResponse` with a partial success, or empty (full success). */
export function encodeTraceResponse(rejectedSpans: number, message: string): Uint8Array {
  if (rejectedSpans === 0 && message === '') return new Uint8Array(0);
  const text = Buffer.from(message, 'utf8');
  const inner = Buffer.concat([
    Buffer.from([0x08]),
    varint(BigInt(rejectedSpans)),
    ...(text.length > 0 ? [Buffer.from([0x12]), varint(BigInt(text.length)), text] : []),
  ]);
  return Buffer.concat([Buffer.from([0x0a]), varint(BigInt(inner.length)), inner]);
}

function varint(value: bigint): Buffer {
  const bytes: number[] = [];
  let v = value;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return Buffer.from(bytes);
}
