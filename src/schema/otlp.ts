import type { SpanSink } from '../model/span-sink.js';
import type { Attributes, Nanos, Span, SpanEvent, SpanKind, SpanLink, StatusCode } from '../model/types.js';
import { decodeAttributes } from './any-value.js';
import {
  type DecodeContext,
  decodeError,
  describeValue,
  formatPath,
  isRecord,
  type PathPart,
  warnAt,
} from './decode-context.js';
import { decodeSpanId, decodeTraceId } from './ids.js';
import { JAEGER_WARNINGS_ATTRIBUTE, jaegerWarnings } from './jaeger-warnings.js';

/**
 * OTLP/JSON traces in every envelope seen in real files:
 *   {"resourceSpans": [...]}              spec (TracesData / ExportTraceServiceRequest)
 *   {"resource_spans": [...]}             snake_case, accepted by the Collector
 *   {"batches": [...]}                    Tempo /api/traces/<id>, Grafana "download trace"
 *   {"result": {"resourceSpans": [...]}}  Jaeger /api/v3/traces/{id} (grpc-gateway)
 *   {"trace": {"resourceSpans"|"batches"}} Tempo /api/v2/traces/<id>
 *   {"traces": {"resourceSpans": [...]}, "meta": …}  Grafana Faro's browser payloads
 * and below them: `scopeSpans` or the deprecated `instrumentationLibrarySpans`, hex or base64 ids,
 * integer or named enums, int64 as strings, numbers or {low, high}.
 */

type Envelope = { key: string; list: unknown };

function findEnvelope(doc: Record<string, unknown>): Envelope | undefined {
  for (const key of ['resourceSpans', 'resource_spans', 'batches']) {
    if (key in doc) return { key, list: doc[key] };
  }
  for (const wrapper of ['result', 'trace', 'traces']) {
    const inner = doc[wrapper];
    if (isRecord(inner)) {
      const found = findEnvelope(inner);
      if (found) return { key: `${wrapper}.${found.key}`, list: found.list };
    }
  }
  return undefined;
}

export function isOtlpTraceDocument(doc: unknown): boolean {
  return isRecord(doc) && findEnvelope(doc) !== undefined;
}

const OTHER_SIGNALS = [
  'resourceMetrics',
  'resource_metrics',
  'resourceLogs',
  'resource_logs',
  'resourceProfiles',
];

/** Metrics, logs and profiles lines share Collector file exports with traces: they are skipped. */
export function isOtlpOtherSignal(doc: unknown): boolean {
  return isRecord(doc) && OTHER_SIGNALS.some((key) => key in doc);
}

export function decodeOtlpDocument(doc: unknown, ctx: DecodeContext, sink: SpanSink): void {
  const envelope = isRecord(doc) ? findEnvelope(doc) : undefined;
  if (!envelope) throw decodeError(ctx, [], 'expected an OTLP document with "resourceSpans"');
  const { key, list } = envelope;
  if (list === null || list === undefined) return;
  if (!Array.isArray(list)) throw decodeError(ctx, [key], `expected an array, got ${describeValue(list)}`);
  const state: DocumentState = {
    missingTimes: 0,
    origin: { file: ctx.file, line: ctx.line },
    keep: sink.keepAttributes && keptWithJaegerWarnings(sink.keepAttributes),
  };
  for (let r = 0; r < list.length; r++) decodeResourceSpans(list[r], ctx, sink, [key, r], state);
  if (state.missingTimes > 0) {
    warnAt(ctx, `${state.missingTimes} span(s) have no start/end time; shown as 0 ms`);
  }
}

/** Jaeger's warnings become the span's warnings, whatever the sink keeps of the attributes. */
const KEPT_WITH_WARNINGS = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();
export function keptWithJaegerWarnings(keep: ReadonlySet<string>): ReadonlySet<string> {
  let kept = KEPT_WITH_WARNINGS.get(keep);
  if (!kept) {
    kept = new Set([...keep, JAEGER_WARNINGS_ATTRIBUTE]);
    KEPT_WITH_WARNINGS.set(keep, kept);
  }
  return kept;
}

interface DocumentState {
  missingTimes: number;
  /** One origin object for every span of the document. */
  readonly origin: Span['origin'];
  /** The span attributes the sink keeps (see SpanSink.keepAttributes). */
  readonly keep: ReadonlySet<string> | undefined;
}

const UNKNOWN_SERVICE = 'unknown_service';

/** A resource's `service.name`, or `unknown_service` as the SDKs name a service that set none. */
export function serviceOf(resource: Attributes): string {
  const name = resource['service.name'];
  return typeof name === 'string' && name !== '' ? name : UNKNOWN_SERVICE;
}

function decodeResourceSpans(
  rs: unknown,
  ctx: DecodeContext,
  sink: SpanSink,
  path: PathPart[],
  state: DocumentState,
): void {
  if (!isRecord(rs)) throw decodeError(ctx, path, `expected an object, got ${describeValue(rs)}`);
  const resourceRaw = rs.resource;
  const resource: Attributes = isRecord(resourceRaw)
    ? decodeAttributes(resourceRaw.attributes, ctx, () => [...path, 'resource'], 'attributes')
    : {};
  const service = serviceOf(resource);

  const scopeKey = [
    'scopeSpans',
    'scope_spans',
    'instrumentationLibrarySpans',
    'instrumentation_library_spans',
  ].find((k) => k in rs);
  if (scopeKey === undefined) return;
  const scopes = rs[scopeKey];
  if (scopes === null) return;
  if (!Array.isArray(scopes))
    throw decodeError(ctx, [...path, scopeKey], `expected an array, got ${describeValue(scopes)}`);
  for (let s = 0; s < scopes.length; s++) {
    const ss = scopes[s];
    const scopePath = [...path, scopeKey, s];
    if (!isRecord(ss)) throw decodeError(ctx, scopePath, `expected an object, got ${describeValue(ss)}`);
    const scopeRaw = ss.scope ?? ss.instrumentationLibrary ?? ss.instrumentation_library;
    const scope =
      isRecord(scopeRaw) && typeof scopeRaw.name === 'string' && scopeRaw.name !== ''
        ? { name: scopeRaw.name, version: typeof scopeRaw.version === 'string' ? scopeRaw.version : '' }
        : undefined;
    const spans = ss.spans;
    if (spans === undefined || spans === null) continue;
    if (!Array.isArray(spans))
      throw decodeError(ctx, [...scopePath, 'spans'], `expected an array, got ${describeValue(spans)}`);
    const shared: SharedFields = { service, resource, scope };
    for (let i = 0; i < spans.length; i++) {
      // The path is built only for an error message: this loop runs once per span.
      sink.span(decodeSpan(spans[i], ctx, shared, () => [...scopePath, 'spans', i], state));
    }
  }
}

interface SharedFields {
  readonly service: string;
  readonly resource: Attributes;
  readonly scope: Span['scope'];
}

function decodeSpan(
  raw: unknown,
  ctx: DecodeContext,
  shared: SharedFields,
  path: () => PathPart[],
  state: DocumentState,
): Span {
  if (!isRecord(raw)) throw decodeError(ctx, path(), `expected a span object, got ${describeValue(raw)}`);
  const traceIdRaw = raw.traceId ?? raw.trace_id;
  const spanIdRaw = raw.spanId ?? raw.span_id;
  const parentRaw = raw.parentSpanId ?? raw.parent_span_id;

  const traceId = requireId(
    decodeTraceId(asIdString(traceIdRaw, ctx, path, 'traceId')),
    ctx,
    path,
    'traceId',
  );
  const spanId = requireId(decodeSpanId(asIdString(spanIdRaw, ctx, path, 'spanId')), ctx, path, 'spanId');
  let parentSpanId: Span['parentSpanId'];
  if (parentRaw !== undefined && parentRaw !== null) {
    const parent = decodeSpanId(asIdString(parentRaw, ctx, path, 'parentSpanId'));
    if (!parent.ok) throw decodeError(ctx, [...path(), 'parentSpanId'], parent.reason, parent.hint);
    parentSpanId = parent.id;
  }

  const startRaw = raw.startTimeUnixNano ?? raw.start_time_unix_nano;
  const endRaw = raw.endTimeUnixNano ?? raw.end_time_unix_nano;
  if (startRaw === undefined && endRaw === undefined) state.missingTimes++;
  const start = decodeNanos(startRaw, ctx, path, 'startTimeUnixNano');
  const end = endRaw === undefined ? start : decodeNanos(endRaw, ctx, path, 'endTimeUnixNano');

  const name = raw.name;
  const attributes = decodeAttributes(raw.attributes, ctx, path, 'attributes', state.keep);
  const warnings = takeJaegerWarnings(attributes);
  return {
    traceId,
    spanId,
    parentSpanId,
    name: typeof name === 'string' ? name : name === undefined || name === null ? '' : String(name),
    kind: decodeKind(raw.kind, ctx, path),
    service: shared.service,
    start,
    end,
    status: decodeStatus(raw.status, ctx, path),
    attributes,
    resource: shared.resource,
    scope: shared.scope,
    events: decodeEvents(raw.events, ctx, path),
    links: decodeLinks(raw.links, ctx, path),
    flags: typeof raw.flags === 'number' ? raw.flags : undefined,
    warnings,
    origin: state.origin,
  };
}

/** Jaeger's warnings (api_v3 puts them in an attribute): taken out of the attributes, returned. */
export function takeJaegerWarnings(attributes: Attributes): readonly string[] {
  const noted = attributes[JAEGER_WARNINGS_ATTRIBUTE];
  if (noted === undefined) return NO_WARNINGS;
  delete (attributes as Record<string, unknown>)[JAEGER_WARNINGS_ATTRIBUTE];
  return jaegerWarnings(Array.isArray(noted) ? noted : [noted]);
}

function asIdString(value: unknown, ctx: DecodeContext, path: () => PathPart[], field: string): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  throw decodeError(ctx, [...path(), field], `expected a hex string, got ${describeValue(value)}`);
}

/** A span's trace or span id, refused with its path where it is malformed, missing or all zero. */
export function requireId<T>(
  result: { ok: true; id: T | undefined } | { ok: false; reason: string; hint?: string },
  ctx: DecodeContext,
  path: () => PathPart[],
  field: string,
): T {
  if (!result.ok) throw decodeError(ctx, [...path(), field], result.reason, result.hint);
  if (result.id === undefined) {
    throw decodeError(
      ctx,
      [...path(), field],
      'missing, empty or all-zero id',
      'every span needs a trace id and a span id',
    );
  }
  return result.id;
}

const DECIMAL = /^\d+$/;

/** int64 nanoseconds: decimal string (spec), JSON number (loses < 256 ns past 2^53), or {low, high}. */
export function decodeNanos(
  value: unknown,
  ctx: DecodeContext,
  path: () => PathPart[],
  field: PathPart,
): Nanos {
  if (typeof value === 'string') {
    if (DECIMAL.test(value)) return BigInt(value) as Nanos;
    if (value === '') return 0n as Nanos;
  } else if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return BigInt(Math.round(value)) as Nanos;
  } else if (value === undefined || value === null) {
    return 0n as Nanos;
  } else if (isRecord(value) && typeof value.low === 'number' && typeof value.high === 'number') {
    // opentelemetry-js 0.44 briefly wrote Long-style {low, high} objects.
    return ((BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0)) as Nanos;
  }
  throw decodeError(
    ctx,
    [...path(), field],
    `expected nanoseconds since the epoch as a decimal string, got ${describeValue(value)}`,
  );
}

const KIND_BY_NUMBER: readonly SpanKind[] = [
  'internal',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];
const KIND_BY_NAME: Readonly<Record<string, SpanKind>> = {
  SPAN_KIND_UNSPECIFIED: 'internal',
  SPAN_KIND_INTERNAL: 'internal',
  SPAN_KIND_SERVER: 'server',
  SPAN_KIND_CLIENT: 'client',
  SPAN_KIND_PRODUCER: 'producer',
  SPAN_KIND_CONSUMER: 'consumer',
  UNSPECIFIED: 'internal',
  INTERNAL: 'internal',
  SERVER: 'server',
  CLIENT: 'client',
  PRODUCER: 'producer',
  CONSUMER: 'consumer',
};

export function decodeKind(value: unknown, ctx: DecodeContext, path: () => PathPart[]): SpanKind {
  if (value === undefined || value === null) return 'internal';
  if (typeof value === 'number' && KIND_BY_NUMBER[value]) return KIND_BY_NUMBER[value];
  if (typeof value === 'string') {
    const kind =
      KIND_BY_NAME[value.toUpperCase()] ?? (DECIMAL.test(value) ? KIND_BY_NUMBER[Number(value)] : undefined);
    if (kind) return kind;
  }
  throw decodeError(
    ctx,
    [...path(), 'kind'],
    `expected a SpanKind 0-5 or a name like "SPAN_KIND_SERVER", got ${describeValue(value)}`,
  );
}

const STATUS_BY_NAME: Readonly<Record<string, StatusCode>> = {
  STATUS_CODE_UNSET: 'unset',
  STATUS_CODE_OK: 'ok',
  STATUS_CODE_ERROR: 'error',
  UNSET: 'unset',
  OK: 'ok',
  ERROR: 'error',
};

export function decodeStatus(value: unknown, ctx: DecodeContext, path: () => PathPart[]): Span['status'] {
  if (!isRecord(value)) return UNSET_STATUS;
  const message = typeof value.message === 'string' ? value.message : '';
  const code = value.code;
  let status: StatusCode | undefined;
  if (code === undefined || code === null) status = 'unset';
  else if (typeof code === 'number') {
    // 0 unset, 1 ok, 2 error; a larger code is a pre-2020 status (gRPC-style, non-zero = failure).
    status = code === 0 ? 'unset' : code === 1 ? 'ok' : code === 2 ? 'error' : code > 2 ? 'error' : undefined;
  } else if (typeof code === 'string') {
    status =
      STATUS_BY_NAME[code.toUpperCase()] ??
      (DECIMAL.test(code) ? (['unset', 'ok', 'error'] as const)[Number(code)] : undefined);
  }
  if (status === undefined) {
    throw decodeError(
      ctx,
      [...path(), 'status', 'code'],
      `expected a status code 0-2 or a name like "STATUS_CODE_ERROR", got ${describeValue(code)}`,
    );
  }
  if (status === 'unset' && message === '') return UNSET_STATUS;
  return { code: status, message };
}

const UNSET_STATUS: Span['status'] = Object.freeze({ code: 'unset', message: '' });
const NO_EVENTS: readonly SpanEvent[] = Object.freeze([]);
const NO_LINKS: readonly SpanLink[] = Object.freeze([]);
const NO_WARNINGS: readonly string[] = Object.freeze([]);

function decodeEvents(value: unknown, ctx: DecodeContext, path: () => PathPart[]): readonly SpanEvent[] {
  if (value === undefined || value === null) return NO_EVENTS;
  if (!Array.isArray(value))
    throw decodeError(ctx, [...path(), 'events'], `expected an array, got ${describeValue(value)}`);
  if (value.length === 0) return NO_EVENTS;
  return value.map((event, i): SpanEvent => {
    const eventPath = (): PathPart[] => [...path(), 'events', i];
    if (!isRecord(event))
      throw decodeError(ctx, eventPath(), `expected an event object, got ${describeValue(event)}`);
    return {
      name: typeof event.name === 'string' ? event.name : '',
      time: decodeNanos(event.timeUnixNano ?? event.time_unix_nano, ctx, eventPath, 'timeUnixNano'),
      attributes: decodeAttributes(event.attributes, ctx, eventPath, 'attributes'),
    };
  });
}

function decodeLinks(value: unknown, ctx: DecodeContext, path: () => PathPart[]): readonly SpanLink[] {
  if (value === undefined || value === null) return NO_LINKS;
  if (!Array.isArray(value))
    throw decodeError(ctx, [...path(), 'links'], `expected an array, got ${describeValue(value)}`);
  const links: SpanLink[] = [];
  for (let i = 0; i < value.length; i++) {
    const link = value[i];
    if (!isRecord(link))
      throw decodeError(ctx, [...path(), 'links', i], `expected a link object, got ${describeValue(link)}`);
    const traceRaw = link.traceId ?? link.trace_id;
    const spanRaw = link.spanId ?? link.span_id;
    const traceId = typeof traceRaw === 'string' ? decodeTraceId(traceRaw) : undefined;
    const spanId = typeof spanRaw === 'string' ? decodeSpanId(spanRaw) : undefined;
    // Real files carry placeholder links ("spanId": "spanId"); a link we cannot follow is dropped, not fatal.
    if (!traceId?.ok || !spanId?.ok || traceId.id === undefined || spanId.id === undefined) {
      warnAt(ctx, `${formatPath([...path(), 'links', i])}: link ids are not usable ids; link ignored`);
      continue;
    }
    links.push({
      traceId: traceId.id,
      spanId: spanId.id,
      attributes: decodeAttributes(link.attributes, ctx, () => [...path(), 'links', i], 'attributes'),
    });
  }
  return links;
}
