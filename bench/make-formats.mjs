// The same spans in the other formats otrace reads, made from a bench export (OTLP JSON Lines),
// so that each can be timed against the JSON it came from:
//   - OTLP protobuf as the Collector file exporter writes it (`format: proto`): each line one
//     ExportTraceServiceRequest after its length, 4 bytes big-endian;
//   - Zipkin v2 JSON, one document: the spans as Zipkin's /api/v2/traces lists them.
// The encoder writes the fields the exports use (opentelemetry-proto trace/v1, common/v1).
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

const varint = (value) => {
  const bytes = [];
  let v = BigInt(value);
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
const tag = (field, wire) => varint((field << 3) | wire);
const bytesField = (field, buffer) => Buffer.concat([tag(field, 2), varint(buffer.length), buffer]);
const stringField = (field, text) => bytesField(field, Buffer.from(text, 'utf8'));
const varintField = (field, value) => Buffer.concat([tag(field, 0), varint(value)]);
const fixed64Field = (field, value) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(value));
  return Buffer.concat([tag(field, 1), b]);
};
const hex = (field, id) => bytesField(field, Buffer.from(id, 'hex'));

function anyValue(value) {
  if ('stringValue' in value) return stringField(1, value.stringValue);
  if ('boolValue' in value) return varintField(2, value.boolValue ? 1 : 0);
  if ('intValue' in value) return varintField(3, BigInt.asUintN(64, BigInt(value.intValue)));
  if ('doubleValue' in value) {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value.doubleValue);
    return Buffer.concat([tag(4, 1), b]);
  }
  return Buffer.alloc(0);
}
const keyValues = (field, attributes = []) =>
  attributes.map((a) =>
    bytesField(field, Buffer.concat([stringField(1, a.key), bytesField(2, anyValue(a.value))])),
  );

function span(s) {
  return Buffer.concat([
    hex(1, s.traceId),
    hex(2, s.spanId),
    ...(s.parentSpanId ? [hex(4, s.parentSpanId)] : []),
    stringField(5, s.name),
    varintField(6, s.kind ?? 0),
    fixed64Field(7, s.startTimeUnixNano),
    fixed64Field(8, s.endTimeUnixNano),
    ...keyValues(9, s.attributes),
    ...(s.events ?? []).map((e) =>
      bytesField(
        11,
        Buffer.concat([
          fixed64Field(1, e.timeUnixNano),
          stringField(2, e.name),
          ...keyValues(3, e.attributes),
        ]),
      ),
    ),
    ...(s.status?.code
      ? [
          bytesField(
            15,
            Buffer.concat([stringField(2, s.status.message ?? ''), varintField(3, s.status.code)]),
          ),
        ]
      : []),
  ]);
}

/** One export line (`{"resourceSpans": …}`) as an ExportTraceServiceRequest. */
export function encodeRequest(doc) {
  return Buffer.concat(
    doc.resourceSpans.map((rs) =>
      bytesField(
        1,
        Buffer.concat([
          bytesField(1, Buffer.concat(keyValues(1, rs.resource?.attributes))),
          ...rs.scopeSpans.map((ss) =>
            bytesField(
              2,
              Buffer.concat([
                bytesField(
                  1,
                  Buffer.concat([
                    stringField(1, ss.scope?.name ?? ''),
                    stringField(2, ss.scope?.version ?? ''),
                  ]),
                ),
                ...ss.spans.map((s) => bytesField(2, span(s))),
              ]),
            ),
          ),
        ]),
      ),
    ),
  );
}

async function* lines(path) {
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity }))
    if (line) yield JSON.parse(line);
}

async function write(out, chunk) {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** The export as the Collector file exporter's `format: proto` writes it. */
export async function toProtobuf(jsonl, path) {
  const out = createWriteStream(path);
  for await (const doc of lines(jsonl)) {
    const message = encodeRequest(doc);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(message.length);
    await write(out, length);
    await write(out, message);
  }
  out.end();
  await once(out, 'finish');
}

const ZIPKIN_KINDS = [undefined, undefined, 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

/** The export as one Zipkin v2 document: a list of spans, µs times, string tags. */
export async function toZipkin(jsonl, path) {
  const out = createWriteStream(path);
  let first = true;
  await write(out, '[');
  for await (const doc of lines(jsonl)) {
    for (const rs of doc.resourceSpans) {
      const service = rs.resource.attributes.find((a) => a.key === 'service.name').value.stringValue;
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          const tags = {};
          for (const a of s.attributes ?? []) tags[a.key] = String(Object.values(a.value)[0]);
          if (s.status?.code === 2) tags.error = s.status.message ?? '';
          const zipkin = {
            traceId: s.traceId,
            id: s.spanId,
            parentId: s.parentSpanId || undefined,
            kind: ZIPKIN_KINDS[s.kind],
            name: s.name,
            timestamp: Number(BigInt(s.startTimeUnixNano) / 1000n),
            duration: Number((BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1000n),
            localEndpoint: { serviceName: service },
            tags,
            annotations: (s.events ?? []).map((e) => ({
              timestamp: Number(BigInt(e.timeUnixNano) / 1000n),
              value: e.name,
            })),
          };
          await write(out, `${first ? '' : ','}${JSON.stringify(zipkin)}`);
          first = false;
        }
      }
    }
  }
  await write(out, ']');
  out.end();
  await once(out, 'finish');
}
