import type { TraceQuery } from '../model/query.js';
import type { AttributeValue, Span, Trace } from '../model/types.js';
import { detectError } from './span-errors.js';

/**
 * Whether a trace matches a search, checked here rather than trusted to the backend: files are
 * searched this way, and a backend may ignore a filter it does not know (api_v3 before
 * `query.attributes`), so what a backend returns is checked again.
 */
export function traceMatches(trace: Trace, query: TraceQuery): boolean {
  return trace.spans.some((span) => spanMatches(span, query));
}

function spanMatches(span: Span, query: TraceQuery): boolean {
  if (query.service !== undefined && span.service !== query.service) return false;
  if (query.operation !== undefined && span.name !== query.operation) return false;
  if (query.start !== undefined && span.start < query.start) return false;
  if (query.end !== undefined && span.start > query.end) return false;
  if (query.minDuration !== undefined && span.end - span.start < query.minDuration) return false;
  return query.tags.every(([key, value]) => tagMatches(span, key, value));
}

/**
 * Jaeger's tag search looks at span tags, then process (resource) tags. Three tags exist in
 * Jaeger's v1 model but are fields in OTLP, so they are read from the span: `error` (any failure
 * signal), `span.kind` and `otel.status_code`.
 */
function tagMatches(span: Span, key: string, wanted: string): boolean {
  switch (key) {
    case 'error':
      return String(detectError(span) !== undefined) === wanted.toLowerCase();
    case 'span.kind':
      return span.kind === wanted.toLowerCase();
    case 'otel.status_code':
      return span.status.code === wanted.toLowerCase();
  }
  return valueEquals(span.attributes[key], wanted) || valueEquals(span.resource[key], wanted);
}

function valueEquals(value: AttributeValue | undefined, wanted: string): boolean {
  if (value === undefined || value === null || typeof value === 'object') return false;
  return String(value) === wanted;
}
