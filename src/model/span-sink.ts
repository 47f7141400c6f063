import type { Span, TraceId } from './types.js';

/** Where decoders put what they read. Decoders never hold the spans themselves. */
export interface SpanSink {
  span(span: Span): void;
  /**
   * When set, the only span attributes the sink keeps: decoders may leave the others out
   * (commands over many traces keep only what their analysis reads).
   */
  readonly keepAttributes?: ReadonlySet<string>;
  /** A warning about a whole trace (Jaeger trace-level `warnings`, truncation notices). */
  traceWarning(traceId: TraceId, message: string): void;
}
