import { InputError } from '../../src/errors.js';
import type { SpanSink } from '../../src/model/span-sink.js';
import type { Span, TraceId } from '../../src/model/types.js';
import type { DecodeContext } from '../../src/schema/decode-context.js';
import { errorOf } from './error-of.js';

/** A sink that keeps everything, and a context that records warnings. */
export function collecting(file = 'test.json', line = 1) {
  const spans: Span[] = [];
  const traceWarnings: { traceId: TraceId; message: string }[] = [];
  const warnings: string[] = [];
  const sink: SpanSink = {
    span: (span) => spans.push(span),
    traceWarning: (traceId, message) => traceWarnings.push({ traceId, message }),
  };
  const ctx: DecodeContext = { file, line, warn: (m) => warnings.push(m) };
  return { spans, traceWarnings, warnings, sink, ctx };
}

/** The InputError a function throws, for asserting its exact one-line message. */
export const inputErrorOf = (fn: () => unknown): InputError => errorOf(InputError, fn);
