import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { TraceCollector } from '../../src/model/collect-traces.js';
import { decodeDocument } from '../../src/schema/decode.js';
import { decodeTraceRequest } from '../../src/schema/otlp-protobuf.js';
import { OtlpProtobufMessage } from '../../src/schema/otlp-protobuf-spans.js';
import { MAX_VALUE_NESTING } from '../../src/schema/protobuf-reader.js';
import {
  anyValue,
  hexId,
  keyValue,
  nestedArrays,
  request,
  resource,
  resourceSpans,
  scope,
  scopeSpans,
  span,
  spanMessage,
  varint,
} from '../helpers/encode-otlp-protobuf.js';
import { spansFromSdk } from '../helpers/sdk-spans.js';

/**
 * Protobuf read straight into spans must give what its OTLP/JSON form gives: the same spans, the
 * same warnings, and an error where that form has one. The OTLP/JSON form is made from the same
 * bytes by decodeTraceRequest (what `receive` writes), itself checked against the SDK's serializers.
 */
interface Decoded {
  spans: unknown[];
  warnings: string[];
}

function decodeWith(doc: unknown, keep?: ReadonlySet<string>): Decoded | 'refused' {
  const warnings: string[] = [];
  const collector = new TraceCollector();
  const sink = keep
    ? { span: (s: never) => collector.span(s), traceWarning: () => {}, keepAttributes: keep }
    : collector;
  try {
    decodeDocument(doc, { file: 'in.pb', line: 3, warn: (m) => warnings.push(m) }, sink, 'auto');
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.message.split('\n')).toHaveLength(1);
    return 'refused';
  }
  return { spans: collector.traces().flatMap((t) => t.spans), warnings };
}

const direct = (bytes: Buffer, keep?: ReadonlySet<string>) =>
  decodeWith(new OtlpProtobufMessage(bytes, 'in.pb: protobuf message 3'), keep);

function viaJson(bytes: Buffer, keep?: ReadonlySet<string>): Decoded | 'refused' {
  let doc: unknown;
  try {
    doc = decodeTraceRequest(bytes, 'in.pb: protobuf message 3');
  } catch (error) {
    if (error instanceof InputError) return 'refused';
    throw error;
  }
  return decodeWith(doc, keep);
}

const TRACE = '5b8efff798038103d269b633813fc60c';
const ROOT = 'eee19b7ec3c1b174';

describe('decodeOtlpProtobuf', () => {
  it('reads what the SDK protobuf serializer writes into the spans its JSON serializer gives', async () => {
    const spans = await spansFromSdk();
    const proto = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
    const json = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!));
    const fromProto = direct(proto);
    expect(fromProto).not.toBe('refused');
    expect((fromProto as Decoded).spans).toHaveLength(2);
    const fromJson = decodeWith(json) as Decoded;
    // Each document has its own origin object; the places are the same.
    expect(fromProto).toEqual(fromJson);
    const charge = (fromProto as Decoded).spans.find((s) => (s as { name: string }).name === 'charge');
    expect(charge).toMatchObject({
      kind: 'client',
      service: 'shop',
      status: { code: 'error', message: 'declined' },
      attributes: { negative: -3, tags: ['a', 'b'], ratio: 0.25, retried: true },
      scope: { name: 'proto-test', version: '1.2.3' },
    });
  });

  it('takes the resource and the scope wherever they come in their message', () => {
    const theSpan = spanMessage(span.traceId(TRACE), span.spanId(ROOT), span.name('late'));
    const bytes = request(
      resourceSpans(
        scopeSpans(theSpan, scope('lib', '2')),
        resource(keyValue(1, 'service.name', anyValue.string('orders'))),
      ),
    );
    const decoded = direct(bytes) as Decoded;
    expect(decoded.spans).toMatchObject([{ service: 'orders', scope: { name: 'lib', version: '2' } }]);
    expect(decoded).toEqual(viaJson(bytes));
  });

  it('leaves out unread the attributes a sink does not keep', () => {
    const bytes = request(
      resourceSpans(
        scopeSpans(
          spanMessage(
            span.traceId(TRACE),
            span.spanId(ROOT),
            span.attribute('kept', anyValue.int(7n)),
            // Not kept: a value that would be refused if it were read.
            span.attribute('skipped', nestedArrays(MAX_VALUE_NESTING + 5)),
          ),
        ),
      ),
    );
    expect((direct(bytes, new Set(['kept'])) as Decoded).spans).toMatchObject([{ attributes: { kept: 7 } }]);
    expect(direct(bytes)).toBe('refused');
  });

  it(`refuses values nested more than ${MAX_VALUE_NESTING} levels deep in one line, at any depth asked`, () => {
    const at = (depth: number) =>
      request(
        resourceSpans(
          scopeSpans(
            spanMessage(span.traceId(TRACE), span.spanId(ROOT), span.attribute('x', nestedArrays(depth))),
          ),
        ),
      );
    expect(direct(at(MAX_VALUE_NESTING))).not.toBe('refused');
    expect(direct(at(MAX_VALUE_NESTING + 1))).toBe('refused');
    // What once overflowed the stack of every reader: 100,000 levels.
    const hostile = at(100_000);
    let error: unknown;
    try {
      decodeDocument(
        new OtlpProtobufMessage(hostile, 'in.pb'),
        { file: 'in.pb', line: 1, warn: () => {} },
        new TraceCollector(),
        'auto',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      `in.pb:1: (document): an attribute value nests arrays or key-value lists more than ${MAX_VALUE_NESTING} levels deep`,
    );
    expect(() => decodeTraceRequest(hostile, 'OTLP/HTTP 127.0.0.1:1')).toThrow(
      /^OTLP\/HTTP 127\.0\.0\.1:1: an attribute value nests arrays or key-value lists more than 64 levels deep$/,
    );
  });

  it('names a forced format it is not', () => {
    const bytes = request(resourceSpans(scopeSpans(spanMessage(span.traceId(TRACE), span.spanId(ROOT)))));
    const ctx = { file: 'in.pb', line: 1, warn: () => {} };
    expect(() =>
      decodeDocument(new OtlpProtobufMessage(bytes, 'in.pb'), ctx, new TraceCollector(), 'jaeger'),
    ).toThrow('in.pb:1: (document): not Jaeger JSON: this is OTLP protobuf');
    expect(decodeDocument(new OtlpProtobufMessage(bytes, 'in.pb'), ctx, new TraceCollector(), 'otlp')).toBe(
      'decoded',
    );
  });

  it('gives the spans, warnings and refusals of the OTLP/JSON form, on any request', () => {
    const outcomes = { withSpans: 0, refused: 0 };
    fc.assert(
      fc.property(requests, fc.option(fc.subarray(KEYS)), (bytes, keep) => {
        const kept = keep === null ? undefined : new Set(keep);
        const decoded = direct(bytes, kept);
        expect(decoded).toEqual(viaJson(bytes, kept));
        if (decoded === 'refused') outcomes.refused++;
        else if (decoded.spans.length > 0) outcomes.withSpans++;
      }),
      { numRuns: 400 },
    );
    // The requests exercise both sides: many decode to spans, many are refused.
    expect(outcomes.withSpans).toBeGreaterThan(80);
    expect(outcomes.refused).toBeGreaterThan(40);
  });

  it('refuses any bytes it cannot read with a one-line InputError, never another error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (raw) => {
        // decodeWith rethrows anything that is not an InputError.
        direct(Buffer.from(raw));
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(requests, fc.nat(), fc.nat(), (bytes, at, value) => {
        // One byte of a well-formed request changed.
        const changed = Buffer.from(bytes);
        if (changed.length > 0) changed[at % changed.length] = value % 256;
        direct(changed);
      }),
      { numRuns: 1_000 },
    );
  });
});

const KEYS = ['http.method', 'error.type', '@jaeger@warnings', 'service.name', 'k'];

const hexOf = (length: number) =>
  fc.uint8Array({ minLength: length, maxLength: length }).map((b) => Buffer.from(b).toString('hex'));
/** Ids as exporters write them, and as they should not: empty, all zero, 8 bytes for a trace, odd lengths. */
const traceIds = fc.oneof(
  { weight: 60, arbitrary: hexOf(16) },
  fc.constantFrom('', '00'.repeat(16), '00'.repeat(8)),
  hexOf(8),
  hexOf(5),
);
const spanIds = fc.oneof(
  { weight: 60, arbitrary: hexOf(8) },
  fc.constantFrom('', '00'.repeat(8)),
  hexOf(4),
  hexOf(12),
);

const leafValue = fc.oneof(
  fc.string().map(anyValue.string),
  fc.boolean().map(anyValue.bool),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(anyValue.int),
  fc.integer({ min: 0, max: 2 ** 40 }).map((n) => anyValue.int(BigInt(n))),
  fc.double().map(anyValue.double),
  fc.uint8Array({ maxLength: 8 }).map((b) => anyValue.bytes(Buffer.from(b))),
  fc.constant(Buffer.alloc(0)),
);
const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafValue,
    fc.array(tie('value') as fc.Arbitrary<Buffer>, { maxLength: 3 }).map((vs) => anyValue.array(...vs)),
    fc
      .array(fc.tuple(fc.constantFrom(...KEYS), tie('value') as fc.Arbitrary<Buffer>), { maxLength: 3 })
      .map((kvs) => anyValue.kvlist(...kvs.map(([k, v]) => keyValue(1, k, v)))),
  ),
})).value;
const attributes = (field: number) =>
  fc.array(
    fc.tuple(fc.constantFrom(...KEYS), fc.option(value)).map(([k, v]) => keyValue(field, k, v ?? undefined)),
    { maxLength: 4 },
  );
const times = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

const spanFields = fc
  .record({
    traceId: fc.option(traceIds, { freq: 50 }),
    spanId: fc.option(spanIds, { freq: 50 }),
    parent: fc.option(spanIds),
    name: fc.option(fc.string()),
    kind: fc.option(
      fc.oneof(
        { weight: 20, arbitrary: fc.integer({ min: 0, max: 5 }) },
        fc.integer({ min: 6, max: 2 ** 32 }),
      ),
    ),
    start: fc.option(times),
    end: fc.option(times),
    attributes: attributes(9),
    events: fc.array(fc.tuple(times, fc.string(), attributes(3)), { maxLength: 2 }),
    links: fc.array(fc.tuple(fc.option(traceIds), fc.option(spanIds), attributes(4)), { maxLength: 2 }),
    status: fc.option(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.option(fc.string()))),
    flags: fc.option(fc.nat()),
    unknown: fc.boolean(),
  })
  .chain((f) => {
    const fields: Buffer[] = [
      ...(f.traceId === null ? [] : [span.traceId(f.traceId)]),
      ...(f.spanId === null ? [] : [span.spanId(f.spanId)]),
      ...(f.parent === null ? [] : [span.parentSpanId(f.parent)]),
      ...(f.name === null ? [] : [span.name(f.name)]),
      ...(f.kind === null ? [] : [span.kind(f.kind)]),
      ...(f.start === null ? [] : [span.start(f.start)]),
      ...(f.end === null ? [] : [span.end(f.end)]),
      ...f.attributes,
      ...f.events.map(([t, n, a]) => span.event(t, n, ...a)),
      ...f.links.map(([t, s, a]) =>
        span.link(...(t === null ? [] : [hexId(1, t)]), ...(s === null ? [] : [hexId(2, s)]), ...a),
      ),
      ...(f.status === null ? [] : [span.status(f.status[0], f.status[1] ?? undefined)]),
      ...(f.flags === null ? [] : [span.flags(f.flags)]),
      ...(f.unknown ? [varint(99, 12345)] : []),
    ];
    // Fields in any order: protobuf allows it.
    return fc.shuffledSubarray(fields, { minLength: fields.length, maxLength: fields.length });
  })
  .map((fields) => spanMessage(...fields));

const requests = fc
  .array(
    fc.record({
      service: fc.option(fc.string()),
      scopes: fc.array(
        fc.record({
          scope: fc.option(fc.tuple(fc.string(), fc.string())),
          spans: fc.array(spanFields, { maxLength: 3 }),
        }),
        { maxLength: 2 },
      ),
    }),
    { maxLength: 2 },
  )
  .map((list) =>
    request(
      ...list.map(({ service, scopes }) =>
        resourceSpans(
          ...(service === null ? [] : [resource(keyValue(1, 'service.name', anyValue.string(service)))]),
          ...scopes.map((s) =>
            scopeSpans(...(s.scope === null ? [] : [scope(s.scope[0], s.scope[1])]), ...s.spans),
          ),
        ),
      ),
    ),
  );
