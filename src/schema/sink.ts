import type { Span, TraceId } from '../model/types.js';

/** Where decoders put what they read. Decoders never hold the spans themselves. */
export interface SpanSink {
  span(span: Span): void;
  /** A warning about a whole trace (Jaeger trace-level `warnings`, truncation notices). */
  traceWarning(traceId: TraceId, message: string): void;
}
