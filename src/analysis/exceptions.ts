import type { Span, SpanEvent } from '../model/types.js';
import { attributeString } from './attributes.js';

export interface ExceptionInfo {
  readonly type: string;
  readonly message: string;
  readonly stacktrace: string;
}

/**
 * Exceptions recorded on a span, from every shape seen in real data:
 * - OTLP `exception` events with `exception.type` / `exception.message` / `exception.stacktrace`;
 * - Jaeger logs with `event=exception` (decoded to events named after their `event` field);
 * - Go services that emit an event named `error` carrying `exception.message`;
 * - OpenTracing-style `event=error` logs with `error.kind` / `error.object` / `message` / `stack`;
 * - unnamed events whose attributes carry `event: "exception"` (Tempo/Grafana conversions).
 */
export function extractExceptions(span: Span): ExceptionInfo[] {
  const out: ExceptionInfo[] = [];
  for (const event of span.events) {
    const info = exceptionOf(event);
    if (info) out.push(info);
  }
  return out;
}

function eventName(event: SpanEvent): string {
  if (event.name !== '') return event.name.toLowerCase();
  const named = event.attributes.event;
  return typeof named === 'string' ? named.toLowerCase() : '';
}

/** The exception an event records, if it records one. */
export function exceptionOf(event: SpanEvent): ExceptionInfo | undefined {
  const name = eventName(event);
  if (name !== 'exception' && name !== 'error') return undefined;
  const type = attributeString(event.attributes, 'exception.type', 'error.kind', 'error.type') ?? '';
  const message =
    attributeString(event.attributes, 'exception.message', 'message', 'error.object', 'error.message') ?? '';
  const stacktrace = attributeString(event.attributes, 'exception.stacktrace', 'stack', 'error.stack') ?? '';
  // An `error` event with nothing in it says no more than the status does.
  if (type === '' && message === '' && stacktrace === '')
    return name === 'exception' ? { type, message, stacktrace } : undefined;
  return { type, message, stacktrace };
}
