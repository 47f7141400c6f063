import type { SpanSink } from '../model/span-sink.js';
import { type DecodeContext, decodeError, isRecord } from './decode-context.js';
import { decodeJaegerDocument, isJaegerDocument } from './jaeger.js';
import { decodeOtlpDocument, isOtlpOtherSignal, isOtlpTraceDocument } from './otlp.js';

export const INPUT_FORMATS = ['auto', 'otlp', 'jaeger'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export type DecodeOutcome = 'decoded' | 'skipped';

/**
 * One parsed JSON document → spans in the sink. `auto` recognises the envelope; metrics and logs
 * lines of a Collector export are skipped, anything else is refused with what it looks like.
 */
export function decodeDocument(
  doc: unknown,
  ctx: DecodeContext,
  sink: SpanSink,
  format: InputFormat,
): DecodeOutcome {
  if (format === 'otlp') {
    if (isOtlpOtherSignal(doc) && !isOtlpTraceDocument(doc)) return 'skipped';
    decodeOtlpDocument(doc, ctx, sink);
    return 'decoded';
  }
  if (format === 'jaeger') {
    decodeJaegerDocument(doc, ctx, sink);
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
  if (isOtlpOtherSignal(doc)) return 'skipped';
  throw unrecognised(doc, ctx);
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
  const keys = isRecord(doc) ? Object.keys(doc).slice(0, 5) : [];
  const shape = Array.isArray(doc)
    ? 'an array that is not of Jaeger traces'
    : keys.length > 0
      ? `an object with keys ${keys.map((k) => JSON.stringify(k)).join(', ')}`
      : `${doc === null ? 'null' : typeof doc}`;
  return decodeError(
    ctx,
    [],
    `not a trace document: found ${shape}`,
    'expected OTLP JSON ("resourceSpans"/"batches"), Collector JSON Lines, or Jaeger JSON ("data"/"traceID"); force with --input-format',
  );
}
