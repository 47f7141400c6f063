/**
 * A protobuf writer for tests: OTLP requests built field by field, so that a test can write what
 * real exporters write and what they never do (fields out of order, unknown fields, ids of the
 * wrong length, values nested deep). Field numbers from opentelemetry-proto.
 */
export type Field = Buffer;

const varintBytes = (value: bigint): Buffer => {
  const bytes: number[] = [];
  let v = BigInt.asUintN(64, value);
  // Bounded: a 64-bit value takes at most 10 bytes.
  for (let i = 0; i < 10; i++) {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    if (v === 0n) {
      bytes.push(low);
      break;
    }
    bytes.push(low | 0x80);
  }
  return Buffer.from(bytes);
};

const tag = (field: number, wireType: number) => varintBytes(BigInt((field << 3) | wireType));

export const message = (field: number, ...parts: Buffer[]): Field => {
  const body = Buffer.concat(parts);
  return Buffer.concat([tag(field, 2), varintBytes(BigInt(body.length)), body]);
};
export const bytes = (field: number, value: Buffer): Field =>
  Buffer.concat([tag(field, 2), varintBytes(BigInt(value.length)), value]);
export const text = (field: number, value: string): Field => bytes(field, Buffer.from(value, 'utf8'));
export const hexId = (field: number, hex: string): Field => bytes(field, Buffer.from(hex, 'hex'));
export const varint = (field: number, value: number | bigint): Field =>
  Buffer.concat([tag(field, 0), varintBytes(BigInt(value))]);
export const fixed64 = (field: number, value: bigint): Field => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, value));
  return Buffer.concat([tag(field, 1), b]);
};
export const double = (field: number, value: number): Field => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return Buffer.concat([tag(field, 1), b]);
};
export const fixed32 = (field: number, value: number): Field => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return Buffer.concat([tag(field, 5), b]);
};

/** An AnyValue's one field. */
export const anyValue = {
  string: (value: string) => text(1, value),
  bool: (value: boolean) => varint(2, value ? 1 : 0),
  int: (value: bigint) => varint(3, value),
  double: (value: number) => double(4, value),
  array: (...values: Buffer[]) => message(5, ...values.map((v) => message(1, v))),
  kvlist: (...entries: Buffer[]) => message(6, ...entries),
  bytes: (value: Buffer) => bytes(7, value),
};

/**
 * An AnyValue of `depth` arrays one inside the other, a string at the bottom. Built from the
 * inside out, each level's two prefixes (the array, its one value) computed from the length
 * below it, so that 100,000 levels take one copy and no recursion.
 */
export function nestedArrays(depth: number): Buffer {
  const bottom = anyValue.string('bottom');
  const prefixes: Buffer[] = [];
  let length = bottom.length;
  for (let i = 0; i < depth; i++) {
    const value = Buffer.concat([tag(1, 2), varintBytes(BigInt(length))]);
    const array = Buffer.concat([tag(5, 2), varintBytes(BigInt(value.length + length))]);
    prefixes.push(value, array);
    length += value.length + array.length;
  }
  return Buffer.concat([...prefixes.reverse(), bottom]);
}

/** A KeyValue as field `field` of its parent (9: span attributes; 1: resource; 3: event; 4: link). */
export const keyValue = (field: number, key: string, value?: Buffer): Field =>
  message(field, text(1, key), ...(value === undefined ? [] : [message(2, value)]));

/** Span fields (trace/v1/trace.proto). */
export const span = {
  traceId: (hex: string) => hexId(1, hex),
  spanId: (hex: string) => hexId(2, hex),
  parentSpanId: (hex: string) => hexId(4, hex),
  name: (value: string) => text(5, value),
  kind: (value: number) => varint(6, value),
  start: (ns: bigint) => fixed64(7, ns),
  end: (ns: bigint) => fixed64(8, ns),
  attribute: (key: string, value?: Buffer) => keyValue(9, key, value),
  event: (time: bigint, name: string, ...attributes: Buffer[]) =>
    message(11, fixed64(1, time), text(2, name), ...attributes),
  link: (...fields: Buffer[]) => message(13, ...fields),
  status: (code: number, text_?: string) =>
    message(15, ...(text_ === undefined ? [] : [text(2, text_)]), varint(3, code)),
  flags: (value: number) => fixed32(16, value),
};

/** ExportTraceServiceRequest { resource_spans = 1 { resource = 1; scope_spans = 2 { scope = 1; spans = 2 } } }. */
export const request = (...resourceSpans: Buffer[]): Buffer => Buffer.concat(resourceSpans);
export const resourceSpans = (...fields: Buffer[]): Field => message(1, ...fields);
export const resource = (...attributes: Buffer[]): Field => message(1, ...attributes);
export const scopeSpans = (...fields: Buffer[]): Field => message(2, ...fields);
export const scope = (name: string, version: string): Field => message(1, text(1, name), text(2, version));
export const spanMessage = (...fields: Buffer[]): Field => message(2, ...fields);

/** The Collector file exporter's `format: proto`: each message after its length, 4 bytes big-endian. */
export function delimited(messages: readonly Buffer[]): Buffer {
  return Buffer.concat(
    messages.flatMap((m) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(m.length);
      return [length, m];
    }),
  );
}
