import { InputError } from '../errors.js';
import {
  FIXED32,
  FIXED64,
  LENGTH_DELIMITED,
  MAX_VALUE_NESTING,
  MalformedProtobuf,
  ProtobufReader,
  VARINT,
} from './protobuf-reader.js';

/**
 * OTLP protobuf (`ExportTraceServiceRequest`, as OTLP/gRPC and OTLP/HTTP-protobuf exporters send
 * it) read into the OTLP/JSON shape: camelCase keys, hex ids, 64-bit integers as decimal strings,
 * enums as numbers. The rest of otrace then reads it like any JSON export, and `receive` writes
 * it out as one Collector file-exporter line. Unknown fields are skipped, as protobuf requires.
 *
 * Field numbers from opentelemetry-proto (trace/v1/trace.proto, common/v1/common.proto).
 */

type Json = Record<string, unknown>;

/** Reads the message [pos, end) of `r` field by field: `field` takes the ones it knows (true) or they are skipped. */
function fields(r: ProtobufReader, end: number, field: (num: number, wireType: number) => boolean): void {
  while (r.nextTag(end)) if (!field(r.field, r.wireType)) r.skip(end);
}

/** Reads every field `num` of the message [pos, end) (a repeated message) with `read`. */
function repeated(r: ProtobufReader, end: number, num: number, read: (end: number) => Json): Json[] {
  const values: Json[] = [];
  fields(r, end, (n, w) => {
    if (n !== num || w !== LENGTH_DELIMITED) return false;
    values.push(read(r.delimited(end)));
    return true;
  });
  return values;
}

/** Appends to a repeated field, creating it on first use. */
function pushTo(out: Json, key: string, value: Json): void {
  const list = out[key] as Json[] | undefined;
  if (list) list.push(value);
  else out[key] = [value];
}

/** The decoders of one request: each reads its message [pos, end) of `r`. */
function decoders(r: ProtobufReader) {
  const anyValue = (end: number, depth: number): Json => {
    let out: Json = {};
    fields(r, end, (num, wt) => {
      if (num === 1 && wt === LENGTH_DELIMITED) out = { stringValue: r.string(end) };
      else if (num === 2 && wt === VARINT) out = { boolValue: r.bool(end) };
      else if (num === 3 && wt === VARINT) out = { intValue: String(r.int64(end)) };
      else if (num === 4 && wt === FIXED64) out = { doubleValue: r.double(end) };
      else if ((num === 5 || num === 6) && wt === LENGTH_DELIMITED) {
        if (depth >= MAX_VALUE_NESTING) throw new TooDeep();
        const read =
          num === 5 ? (e: number) => anyValue(e, depth + 1) : (e: number) => keyValue(e, depth + 1);
        const values = repeated(r, r.delimited(end), 1, read);
        out = num === 5 ? { arrayValue: { values } } : { kvlistValue: { values } };
      } else if (num === 7 && wt === LENGTH_DELIMITED) out = { bytesValue: r.base64(end) };
      else return false;
      return true;
    });
    return out;
  };
  const keyValue = (end: number, depth: number): Json => {
    const out: Json = { key: '' };
    fields(r, end, (num, wt) => {
      if (num === 1 && wt === LENGTH_DELIMITED) out.key = r.string(end);
      else if (num === 2 && wt === LENGTH_DELIMITED) out.value = anyValue(r.delimited(end), depth);
      else return false;
      return true;
    });
    return out;
  };
  const attributesInto = (out: Json, end: number) => pushTo(out, 'attributes', keyValue(r.delimited(end), 0));
  const event = (end: number): Json => {
    const out: Json = {};
    fields(r, end, (num, wt) => {
      if (wt === FIXED64 && num === 1) out.timeUnixNano = r.fixed64(end).toString();
      else if (wt === LENGTH_DELIMITED && num === 2) out.name = r.string(end);
      else if (wt === LENGTH_DELIMITED && num === 3) attributesInto(out, end);
      else return false;
      return true;
    });
    return out;
  };
  const link = (end: number): Json => {
    const out: Json = {};
    fields(r, end, (num, wt) => {
      if (wt === LENGTH_DELIMITED && num === 1) out.traceId = r.hex(end);
      else if (wt === LENGTH_DELIMITED && num === 2) out.spanId = r.hex(end);
      else if (wt === LENGTH_DELIMITED && num === 3) out.traceState = r.string(end);
      else if (wt === LENGTH_DELIMITED && num === 4) attributesInto(out, end);
      else if (wt === FIXED32 && num === 6) out.flags = r.fixed32(end);
      else return false;
      return true;
    });
    return out;
  };
  const status = (end: number): Json => {
    const out: Json = {};
    fields(r, end, (num, wt) => {
      if (wt === LENGTH_DELIMITED && num === 2) out.message = r.string(end);
      else if (wt === VARINT && num === 3) out.code = r.uint32(end);
      else return false;
      return true;
    });
    return out;
  };
  const span = (end: number): Json => {
    const out: Json = {};
    fields(r, end, (num, wt) => {
      if (wt === LENGTH_DELIMITED && num === 1) out.traceId = r.hex(end);
      else if (wt === LENGTH_DELIMITED && num === 2) out.spanId = r.hex(end);
      else if (wt === LENGTH_DELIMITED && num === 3) out.traceState = r.string(end);
      else if (wt === LENGTH_DELIMITED && num === 4) out.parentSpanId = r.hex(end);
      else if (wt === LENGTH_DELIMITED && num === 5) out.name = r.string(end);
      else if (wt === VARINT && num === 6) out.kind = r.uint32(end);
      else if (wt === FIXED64 && num === 7) out.startTimeUnixNano = r.fixed64(end).toString();
      else if (wt === FIXED64 && num === 8) out.endTimeUnixNano = r.fixed64(end).toString();
      else if (wt === LENGTH_DELIMITED && num === 9) attributesInto(out, end);
      else if (wt === LENGTH_DELIMITED && num === 11) pushTo(out, 'events', event(r.delimited(end)));
      else if (wt === LENGTH_DELIMITED && num === 13) pushTo(out, 'links', link(r.delimited(end)));
      else if (wt === LENGTH_DELIMITED && num === 15) out.status = status(r.delimited(end));
      else if (wt === FIXED32 && num === 16) out.flags = r.fixed32(end);
      else return false;
      return true;
    });
    return out;
  };
  /** Resource and InstrumentationScope: attributes (and a scope's name and version). */
  const named = (end: number, withName: boolean): Json => {
    const out: Json = {};
    fields(r, end, (num, wt) => {
      if (withName && wt === LENGTH_DELIMITED && num === 1) out.name = r.string(end);
      else if (withName && wt === LENGTH_DELIMITED && num === 2) out.version = r.string(end);
      else if (wt === LENGTH_DELIMITED && num === (withName ? 3 : 1)) attributesInto(out, end);
      else return false;
      return true;
    });
    return out;
  };
  const scopeSpans = (end: number): Json => {
    const out: Json = { spans: [] };
    fields(r, end, (num, wt) => {
      if (wt === LENGTH_DELIMITED && num === 1) out.scope = named(r.delimited(end), true);
      else if (wt === LENGTH_DELIMITED && num === 2) (out.spans as Json[]).push(span(r.delimited(end)));
      else if (wt === LENGTH_DELIMITED && num === 3) out.schemaUrl = r.string(end);
      else return false;
      return true;
    });
    return out;
  };
  const resourceSpans = (end: number): Json => {
    const out: Json = { scopeSpans: [] };
    fields(r, end, (num, wt) => {
      if (wt === LENGTH_DELIMITED && num === 1) out.resource = named(r.delimited(end), false);
      else if (wt === LENGTH_DELIMITED && num === 2)
        (out.scopeSpans as Json[]).push(scopeSpans(r.delimited(end)));
      else if (wt === LENGTH_DELIMITED && num === 3) out.schemaUrl = r.string(end);
      else return false;
      return true;
    });
    return out;
  };
  return { resourceSpans };
}

class TooDeep extends Error {}

/** `ExportTraceServiceRequest` bytes → `{"resourceSpans": […]}`. Throws InputError on malformed bytes. */
export function decodeTraceRequest(bytes: Uint8Array, where: string): { resourceSpans: Json[] } {
  const r = new ProtobufReader(bytes);
  try {
    return { resourceSpans: repeated(r, r.buf.length, 1, decoders(r).resourceSpans) };
  } catch (error) {
    if (error instanceof TooDeep)
      throw new InputError(
        `${where}: an attribute value nests arrays or key-value lists more than ${MAX_VALUE_NESTING} levels deep`,
        'no instrumentation writes such values: this request is corrupt or hostile',
      );
    if (error instanceof MalformedProtobuf)
      throw new InputError(`${where}: not an OTLP ExportTraceServiceRequest (${error.message})`);
    throw error;
  }
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
