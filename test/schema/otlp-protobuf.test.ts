import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { TraceCollector } from '../../src/model/collect-traces.js';
import { decodeDocument } from '../../src/schema/decode.js';
import { decodeTraceRequest, encodeTraceResponse } from '../../src/schema/otlp-protobuf.js';
import { spansFromSdk } from '../helpers/sdk-spans.js';

/** The protobuf reader against the OpenTelemetry JS serializers: the same spans as from their JSON. */
const decodeSpans = (doc: unknown) => {
  const collector = new TraceCollector();
  decodeDocument(doc, { file: 'test', line: 1, warn: () => {} }, collector, 'otlp');
  return collector.traces().flatMap((t) => t.spans.map(({ origin: _origin, ...span }) => span));
};

describe('decodeTraceRequest', () => {
  it('reads what the SDK protobuf serializer writes into the same spans as its JSON', async () => {
    const spans = await spansFromSdk();
    const proto = ProtobufTraceSerializer.serializeRequest(spans)!;
    const json = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!));
    const fromProto = decodeSpans(decodeTraceRequest(proto, 'test'));
    expect(fromProto).toHaveLength(2);
    expect(fromProto).toEqual(decodeSpans(json));
    const charge = fromProto.find((s) => s.name === 'charge')!;
    expect(charge.attributes).toMatchObject({
      negative: -3,
      tags: ['a', 'b'],
      ratio: 0.25,
    });
    expect(charge.links).toHaveLength(1);
  });

  it('refuses bytes that are not a request, saying where', () => {
    expect(() => decodeTraceRequest(Uint8Array.from([0x0a, 0x05, 0x01]), 'OTLP/gRPC 127.0.0.1:5')).toThrow(
      InputError,
    );
    expect(() => decodeTraceRequest(Uint8Array.from([0x0a, 0x05, 0x01]), 'here')).toThrow(
      /^here: not an OTLP ExportTraceServiceRequest/,
    );
  });

  it('encodes a partial success and an empty full success', () => {
    expect(encodeTraceResponse(0, '')).toHaveLength(0);
    expect([...encodeTraceResponse(2, 'x')]).toEqual([0x0a, 0x05, 0x08, 0x02, 0x12, 0x01, 0x78]);
  });
});
