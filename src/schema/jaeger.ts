import type { SpanSink } from '../model/span-sink.js';
import type {
  Attributes,
  AttributeValue,
  Nanos,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  TraceId,
} from '../model/types.js';
import { NANOS_PER_MICRO } from '../model/units.js';
import {
  type DecodeContext,
  decodeError,
  describeValue,
  isRecord,
  type PathPart,
  warnAt,
} from './decode-context.js';
import { decodeSpanId, decodeTraceId } from './ids.js';
import { jaegerWarnings } from './jaeger-warnings.js';

/**
 * Jaeger's v1 JSON (query API `/api/traces/{id}`, the UI's "Trace JSON" download) in its three
 * shapes: the envelope `{"data": [trace], "errors": …}`, a bare trace `{traceID, spans, processes}`,
 * and an array of traces; and Jaeger UI's saved fetch state, `{"data": {trace}, "id", "state"}`. Quirks: ids without leading zeros, times in µs, typed tags whose int64
 * values beyond 2^53 arrive as strings, `error` as the string "true", OTLP status mapped into
 * `otel.status_code` tags, references instead of a parent id, processes shared by id.
 */

export function isJaegerDocument(doc: unknown): boolean {
  if (Array.isArray(doc)) return doc.length > 0 && doc.every(isJaegerTrace);
  if (!isRecord(doc)) return false;
  if ('data' in doc && (Array.isArray(doc.data) || (doc.data === null && 'errors' in doc))) return true;
  if ('data' in doc && isJaegerTrace(doc.data)) return true;
  return isJaegerTrace(doc);
}

function isJaegerTrace(value: unknown): boolean {
  return isRecord(value) && Array.isArray(value.spans) && ('traceID' in value || 'processes' in value);
}

export function decodeJaegerDocument(doc: unknown, ctx: DecodeContext, sink: SpanSink): void {
  if (Array.isArray(doc)) {
    doc.forEach((trace, i) => {
      decodeTrace(trace, ctx, sink, [i]);
    });
    return;
  }
  if (!isRecord(doc)) throw decodeError(ctx, [], `expected Jaeger JSON, got ${describeValue(doc)}`);
  if (!('data' in doc)) {
    decodeTrace(doc, ctx, sink, []);
    return;
  }
  // Jaeger UI's saved fetch state: {"data": {trace}, "id", "state"}.
  if (isRecord(doc.data) && isJaegerTrace(doc.data)) {
    decodeTrace(doc.data, ctx, sink, ['data']);
    return;
  }
  const errors = Array.isArray(doc.errors) ? doc.errors : [];
  const data = doc.data;
  if (!Array.isArray(data) || data.length === 0) {
    const first = errors[0];
    if (isRecord(first)) {
      throw decodeError(
        ctx,
        ['errors', 0],
        `Jaeger answered ${first.code ?? 'an error'} ${JSON.stringify(String(first.msg ?? ''))}`,
        'this file is an error response, not a trace: check the trace id and fetch it again',
      );
    }
    if (data !== null && data !== undefined && !Array.isArray(data)) {
      throw decodeError(ctx, ['data'], `expected an array of traces, got ${describeValue(data)}`);
    }
    return;
  }
  errors.forEach((error, i) => {
    if (isRecord(error))
      warnAt(ctx, `errors[${i}]: Jaeger: ${error.code ?? ''} ${String(error.msg ?? '')}`.trim());
  });
  data.forEach((trace, i) => {
    decodeTrace(trace, ctx, sink, ['data', i]);
  });
}

interface Process {
  readonly service: string;
  readonly resource: Attributes;
}

const UNKNOWN_SERVICE = 'unknown_service';

function decodeTrace(trace: unknown, ctx: DecodeContext, sink: SpanSink, path: PathPart[]): void {
  if (!isRecord(trace))
    throw decodeError(ctx, path, `expected a Jaeger trace object, got ${describeValue(trace)}`);
  const spans = trace.spans;
  if (!Array.isArray(spans))
    throw decodeError(ctx, [...path, 'spans'], `expected an array of spans, got ${describeValue(spans)}`);
  const processes = new Map<string, Process>();
  if (isRecord(trace.processes)) {
    for (const [id, raw] of Object.entries(trace.processes)) {
      processes.set(id, decodeProcess(raw, ctx, [...path, 'processes', id]));
    }
  }
  const seen = new Set<TraceId>();
  for (let i = 0; i < spans.length; i++) {
    const span = decodeSpan(spans[i], ctx, processes, [...path, 'spans', i]);
    seen.add(span.traceId);
    sink.span(span);
  }
  if (Array.isArray(trace.warnings)) {
    for (const warning of trace.warnings) {
      for (const traceId of seen) sink.traceWarning(traceId, String(warning));
    }
  }
}

function decodeProcess(raw: unknown, ctx: DecodeContext, path: PathPart[]): Process {
  if (!isRecord(raw))
    throw decodeError(ctx, path, `expected a process {serviceName, tags}, got ${describeValue(raw)}`);
  const service =
    typeof raw.serviceName === 'string' && raw.serviceName !== '' ? raw.serviceName : UNKNOWN_SERVICE;
  const resource: Record<string, AttributeValue> = { ...decodeTags(raw.tags, ctx, [...path, 'tags']) };
  resource['service.name'] = service;
  return { service, resource };
}

function decodeSpan(
  raw: unknown,
  ctx: DecodeContext,
  processes: Map<string, Process>,
  path: PathPart[],
): Span {
  if (!isRecord(raw)) throw decodeError(ctx, path, `expected a span object, got ${describeValue(raw)}`);
  const traceId = requireTraceId(raw.traceID, ctx, [...path, 'traceID']);
  const spanId = requireSpanId(raw.spanID, ctx, [...path, 'spanID']);
  const startMicros = decodeMicros(raw.startTime, ctx, [...path, 'startTime']);
  const durationMicros = decodeMicros(raw.duration, ctx, [...path, 'duration']);
  const start = (startMicros * NANOS_PER_MICRO) as Nanos;
  const end = ((startMicros + durationMicros) * NANOS_PER_MICRO) as Nanos;

  const attributes = decodeTags(raw.tags, ctx, [...path, 'tags']);
  const { parentSpanId, links } = decodeReferences(raw, traceId, ctx, path);

  let process: Process | undefined;
  if (typeof raw.processID === 'string') process = processes.get(raw.processID);
  if (!process && isRecord(raw.process)) process = decodeProcess(raw.process, ctx, [...path, 'process']);
  if (!process) warnAt(ctx, `spans have no process (service name); shown as ${UNKNOWN_SERVICE}`);

  return {
    traceId,
    spanId,
    parentSpanId,
    name: typeof raw.operationName === 'string' ? raw.operationName : '',
    kind: decodeKind(attributes['span.kind']),
    service: process?.service ?? UNKNOWN_SERVICE,
    start,
    end,
    status: decodeStatus(attributes),
    attributes,
    resource: process?.resource ?? {},
    scope: decodeScope(attributes),
    events: decodeLogs(raw.logs, ctx, path),
    links,
    flags: typeof raw.flags === 'number' ? raw.flags : undefined,
    warnings: Array.isArray(raw.warnings) ? jaegerWarnings(raw.warnings) : [],
    origin: { file: ctx.file, line: ctx.line },
  };
}

function requireTraceId(raw: unknown, ctx: DecodeContext, path: PathPart[]): TraceId {
  if (typeof raw !== 'string')
    throw decodeError(ctx, path, `expected a hex trace id, got ${describeValue(raw)}`);
  const result = decodeTraceId(raw, true);
  if (!result.ok) throw decodeError(ctx, path, result.reason, 'Jaeger trace ids are hex (16 or 32 chars)');
  if (result.id === undefined) throw decodeError(ctx, path, 'empty or all-zero trace id');
  return result.id;
}

function requireSpanId(raw: unknown, ctx: DecodeContext, path: PathPart[]) {
  if (typeof raw !== 'string')
    throw decodeError(ctx, path, `expected a hex span id, got ${describeValue(raw)}`);
  const result = decodeSpanId(raw, true);
  if (!result.ok) throw decodeError(ctx, path, result.reason, 'Jaeger span ids are hex (up to 16 chars)');
  if (result.id === undefined) throw decodeError(ctx, path, 'empty or all-zero span id');
  return result.id;
}

function decodeMicros(raw: unknown, ctx: DecodeContext, path: PathPart[]): bigint {
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return BigInt(Math.round(raw));
  if (typeof raw === 'string' && /^\d+$/.test(raw)) return BigInt(raw);
  throw decodeError(ctx, path, `expected microseconds as a number, got ${describeValue(raw)}`);
}

/**
 * The parent is the first CHILD_OF reference into the same trace, else the first FOLLOWS_FROM
 * (Jaeger UI draws it as the parent too). Every other reference becomes a link. Very old files
 * carry a top-level `parentSpanID` instead.
 */
function decodeReferences(
  raw: Record<string, unknown>,
  traceId: TraceId,
  ctx: DecodeContext,
  path: PathPart[],
): { parentSpanId: Span['parentSpanId']; links: SpanLink[] } {
  const refs = Array.isArray(raw.references) ? raw.references : [];
  const decoded: { type: string; traceId: TraceId; spanId: NonNullable<Span['parentSpanId']> }[] = [];
  refs.forEach((ref, i) => {
    if (!isRecord(ref))
      throw decodeError(ctx, [...path, 'references', i], `expected a reference, got ${describeValue(ref)}`);
    const refTrace = typeof ref.traceID === 'string' ? decodeTraceId(ref.traceID, true) : undefined;
    const refSpan = typeof ref.spanID === 'string' ? decodeSpanId(ref.spanID, true) : undefined;
    if (!refTrace?.ok || !refSpan?.ok || !refSpan.id) {
      throw decodeError(ctx, [...path, 'references', i], 'expected {refType, traceID, spanID} with hex ids');
    }
    decoded.push({
      type: String(ref.refType ?? 'CHILD_OF').toUpperCase(),
      traceId: refTrace.id ?? traceId,
      spanId: refSpan.id,
    });
  });
  const sameTrace = decoded.filter((r) => r.traceId === traceId);
  const parentRef =
    sameTrace.find((r) => r.type === 'CHILD_OF') ?? sameTrace.find((r) => r.type === 'FOLLOWS_FROM');
  let parentSpanId = parentRef?.spanId;
  if (!parentRef && typeof raw.parentSpanID === 'string') {
    const legacy = decodeSpanId(raw.parentSpanID, true);
    if (!legacy.ok) throw decodeError(ctx, [...path, 'parentSpanID'], legacy.reason);
    parentSpanId = legacy.id;
  }
  const links = decoded
    .filter((r) => r !== parentRef)
    .map((r) => ({
      traceId: r.traceId,
      spanId: r.spanId,
      attributes: { 'opentracing.ref_type': r.type === 'FOLLOWS_FROM' ? 'follows_from' : 'child_of' },
    }));
  return { parentSpanId, links };
}

/** Typed tags `[{key, type, value}]`; `type` missing → taken from the JSON type. */
function decodeTags(raw: unknown, ctx: DecodeContext, path: PathPart[]): Attributes {
  if (raw === undefined || raw === null) return {};
  if (!Array.isArray(raw))
    throw decodeError(ctx, path, `expected an array of tags, got ${describeValue(raw)}`);
  const out: Record<string, AttributeValue> = {};
  raw.forEach((tag, i) => {
    if (!isRecord(tag) || typeof tag.key !== 'string') {
      throw decodeError(ctx, [...path, i], 'expected a tag {"key", "type", "value"}');
    }
    out[tag.key] = decodeTagValue(tag.type, tag.value);
  });
  return out;
}

function decodeTagValue(type: unknown, value: unknown): AttributeValue {
  switch (typeof type === 'string' ? type.toLowerCase() : undefined) {
    case 'bool':
      return value === true || value === 'true';
    case 'int64': {
      if (typeof value === 'number') return value;
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : String(value);
    }
    case 'float64':
      return typeof value === 'number' ? value : Number(value);
    case 'string':
    case 'binary':
      return String(value ?? '');
    default:
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
      return value === undefined || value === null ? null : JSON.stringify(value);
  }
}

const KINDS: readonly SpanKind[] = ['internal', 'server', 'client', 'producer', 'consumer'];

export function decodeKind(tag: AttributeValue | undefined): SpanKind {
  const value = typeof tag === 'string' ? tag.toLowerCase() : '';
  return (KINDS as readonly string[]).includes(value) ? (value as SpanKind) : 'internal';
}

/** OTLP status mapped into tags (`otel.status_code`), else the OpenTracing `error` tag. */
export function decodeStatus(tags: Attributes): Span['status'] {
  const code = tags['otel.status_code'];
  const message = typeof tags['otel.status_description'] === 'string' ? tags['otel.status_description'] : '';
  if (typeof code === 'string') {
    if (code.toUpperCase() === 'ERROR') return { code: 'error', message };
    if (code.toUpperCase() === 'OK') return { code: 'ok', message };
  }
  const error = tags.error;
  if (error === true || (typeof error === 'string' && error.toLowerCase() === 'true'))
    return { code: 'error', message };
  return { code: 'unset', message: '' };
}

export function decodeScope(tags: Attributes): Span['scope'] {
  const name = tags['otel.scope.name'] ?? tags['otel.library.name'];
  if (typeof name !== 'string' || name === '') return undefined;
  const version = tags['otel.scope.version'] ?? tags['otel.library.version'];
  return { name, version: typeof version === 'string' ? version : '' };
}

/** Logs → events named after their `event` field (`exception`, `error`), else `message`, else "log". */
function decodeLogs(raw: unknown, ctx: DecodeContext, path: PathPart[]): SpanEvent[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw decodeError(ctx, [...path, 'logs'], `expected an array of logs, got ${describeValue(raw)}`);
  return raw.map((log, i) => {
    if (!isRecord(log))
      throw decodeError(ctx, [...path, 'logs', i], `expected a log, got ${describeValue(log)}`);
    const attributes = decodeTags(log.fields, ctx, [...path, 'logs', i, 'fields']);
    const event = attributes.event ?? attributes.message;
    return {
      name: typeof event === 'string' ? event : 'log',
      time: (decodeMicros(log.timestamp ?? 0, ctx, [...path, 'logs', i, 'timestamp']) *
        NANOS_PER_MICRO) as Nanos,
      attributes,
    };
  });
}
