import type { SpanSink } from '../model/span-sink.js';
import { type DecodeContext, decodeError, isRecord } from './decode-context.js';
import { decodeJaegerDocument, isJaegerDocument } from './jaeger.js';
import { decodeJaegerApiV2Document, isJaegerApiV2Document } from './jaeger-api-v2.js';
import { decodeOtlpDocument, isOtlpOtherSignal, isOtlpTraceDocument } from './otlp.js';
import { decodeOtlpProtobuf, OtlpProtobufMessage } from './otlp-protobuf-spans.js';
import { decodeZipkinDocument, isZipkinDocument, isZipkinV1Document } from './zipkin.js';

export const INPUT_FORMATS = ['auto', 'otlp', 'jaeger', 'zipkin'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export type DecodeOutcome = 'decoded' | 'skipped';

/**
 * One parsed JSON document (or an OTLP protobuf message read from a file) → spans in the sink.
 * `auto` recognises the envelope; metrics and logs lines of a Collector export are skipped,
 * anything else is refused with what it looks like.
 */
export function decodeDocument(
  doc: unknown,
  ctx: DecodeContext,
  sink: SpanSink,
  format: InputFormat,
): DecodeOutcome {
  if (doc instanceof OtlpProtobufMessage) {
    if (format === 'jaeger' || format === 'zipkin') refuseOtherFormat(FORCED[format], doc, ctx);
    decodeOtlpProtobuf(doc, ctx, sink);
    return 'decoded';
  }
  if (format === 'otlp') {
    if (isOtlpOtherSignal(doc) && !isOtlpTraceDocument(doc)) return 'skipped';
    refuseOtherFormat('OTLP JSON', doc, ctx);
    decodeOtlpDocument(doc, ctx, sink);
    return 'decoded';
  }
  if (format === 'jaeger') {
    refuseOtherFormat('Jaeger JSON', doc, ctx);
    if (isJaegerApiV2Document(doc)) decodeJaegerApiV2Document(doc, ctx, sink);
    else decodeJaegerDocument(doc, ctx, sink);
    return 'decoded';
  }
  if (format === 'zipkin') {
    refuseOtherFormat('Zipkin v2 JSON', doc, ctx);
    decodeZipkinDocument(doc, ctx, sink);
    return 'decoded';
  }
  if (isOtlpTraceDocument(doc)) {
    decodeOtlpDocument(doc, ctx, sink);
    return 'decoded';
  }
  if (isJaegerDocument(doc)) {
    decodeJaegerDocument(doc, ctx, sink);
    return 'decoded';
  }
  if (isJaegerApiV2Document(doc)) {
    decodeJaegerApiV2Document(doc, ctx, sink);
    return 'decoded';
  }
  if (isZipkinDocument(doc)) {
    decodeZipkinDocument(doc, ctx, sink);
    return 'decoded';
  }
  if (isOtlpOtherSignal(doc)) return 'skipped';
  throw unrecognised(doc, ctx);
}

/**
 * A format forced with --input-format, on a document auto knows as another: say what it is. A
 * document no format claims is left to the forced decoder, which reads what auto would not.
 */
function refuseOtherFormat(forced: string, doc: unknown, ctx: DecodeContext): void {
  const found = recognisedAs(doc);
  if (found !== undefined && found !== forced)
    throw decodeError(
      ctx,
      [],
      `not ${forced}: this is ${found}`,
      'leave out --input-format (or pass auto) to read it as what it is',
    );
}

const FORCED = { jaeger: 'Jaeger JSON', zipkin: 'Zipkin v2 JSON' } as const;

/** The format a document is, by the same tests as auto. */
function recognisedAs(doc: unknown): string | undefined {
  if (doc instanceof OtlpProtobufMessage) return 'OTLP protobuf';
  if (isOtlpTraceDocument(doc)) return 'OTLP JSON';
  if (isJaegerDocument(doc) || isJaegerApiV2Document(doc)) return 'Jaeger JSON';
  if (isZipkinDocument(doc)) return 'Zipkin v2 JSON';
  return undefined;
}

function describeShape(doc: unknown): string {
  const keys = isRecord(doc) ? Object.keys(doc).slice(0, 5) : [];
  return Array.isArray(doc)
    ? 'an array of something else'
    : keys.length > 0
      ? `an object with keys ${keys.map((k) => JSON.stringify(k)).join(', ')}`
      : `${doc === null ? 'null' : typeof doc}`;
}

function unrecognised(doc: unknown, ctx: DecodeContext): Error {
  if (isRecord(doc) && Array.isArray(doc.summaries)) {
    return decodeError(
      ctx,
      ['summaries'],
      'a Jaeger trace-summaries response holds no spans',
      'fetch the traces themselves (/api/v3/traces/{id}) and pass those',
    );
  }
  if (isRecord(doc) && Array.isArray(doc.traces) && !('spans' in doc)) {
    return decodeError(
      ctx,
      ['traces'],
      'a Tempo search response holds no spans',
      'fetch each trace (/api/traces/<id>)',
    );
  }
  const refused = knownButUnread(doc);
  if (refused) return decodeError(ctx, refused.path, refused.what, refused.next);
  return decodeError(
    ctx,
    [],
    `not a trace document: found ${describeShape(doc)}`,
    'expected OTLP JSON ("resourceSpans"/"batches"), Collector JSON Lines, Jaeger JSON ("data"/"traceID") or Zipkin v2 JSON (a list of spans)',
  );
}

/** Trace formats we know by sight but do not read: named, with what to do instead. */
function knownButUnread(doc: unknown): { path: (string | number)[]; what: string; next: string } | undefined {
  if (isZipkinV1Document(doc))
    return {
      path: [0, 'binaryAnnotations'],
      what: 'Zipkin v1 JSON (binaryAnnotations), which otrace does not read',
      next: "fetch the trace from Zipkin's v2 API (/api/v2/trace/{id}), which answers v2 JSON",
    };
  const first = Array.isArray(doc) ? doc[0] : doc;
  if (
    isRecord(first) &&
    isRecord(first._source) &&
    ('traceID' in first._source || 'traceId' in first._source)
  )
    return {
      path: Array.isArray(doc) ? [0, '_source'] : ['_source'],
      what: 'Elasticsearch/OpenSearch span documents (Jaeger storage), which otrace does not read',
      next: "fetch the trace through Jaeger's query API (--jaeger URL), or its UI's Trace JSON download",
    };
  if (isRecord(first) && isRecord(first.hits))
    return {
      path: ['hits'],
      what: 'an Elasticsearch/OpenSearch search response (Jaeger storage), which otrace does not read',
      next: "fetch the trace through Jaeger's query API (--jaeger URL), or its UI's Trace JSON download",
    };
  const thriftSpan = isRecord(first) && Array.isArray(first.spans) ? first.spans[0] : first;
  if (isRecord(thriftSpan) && 'traceIdLow' in thriftSpan)
    return {
      path: thriftSpan === first ? [] : ['spans', 0, 'traceIdLow'],
      what: 'Jaeger Thrift JSON (numeric ids), which otrace does not read',
      next: "fetch the trace through Jaeger's query API (--jaeger URL), which answers JSON",
    };
  if (
    isRecord(first) &&
    ('serviceName' in first || 'service_name' in first) &&
    ('traceID' in first || 'trace_id' in first) &&
    !('spans' in first)
  )
    return {
      path: [],
      what: 'span rows from a database (SigNoz, ClickHouse), which otrace does not read',
      next: 'export the traces as OTLP JSON (the Collector file exporter), or fetch them through a Jaeger or Tempo API',
    };
  return undefined;
}
