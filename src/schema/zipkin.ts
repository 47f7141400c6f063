import type { SpanSink } from '../model/span-sink.js';
import type { Attributes, AttributeValue, Nanos, Span, SpanEvent, SpanId, SpanKind } from '../model/types.js';
import {
  type DecodeContext,
  decodeError,
  describeValue,
  isRecord,
  type PathPart,
  warnAt,
} from './decode-context.js';
import { decodeSpanId, decodeTraceId } from './ids.js';
import { decodeScope } from './jaeger.js';

/**
 * Zipkin v2 JSON: what `GET /api/v2/trace/{id}` answers (a list of spans), what `/api/v2/traces`
 * answers (a list of traces, each a list of spans), and what reporters POST to `/api/v2/spans`.
 *
 *   {traceId, id, parentId?, kind?, name?, timestamp µs, duration µs,
 *    localEndpoint {serviceName, ipv4|ipv6, port}, remoteEndpoint {…}, tags {k: "v"},
 *    annotations [{timestamp, value}], shared?, debug?}
 *
 * Quirks:
 * - a shared span: B3 lets a server join its client's span, so both report the same id (the
 *   server with `shared: true`, or just as a SERVER beside a CLIENT in older data). The server
 *   gets an id of its own, a child of the client's, as Zipkin's UI draws it.
 * - the `error` tag marks a failure; its value is the message ("" when there is none).
 * - OpenTelemetry's Zipkin exporter writes the status as `otel.status_code`, and an event as an
 *   annotation whose value is `{"name":{attributes}}`.
 * - the remote endpoint is who a client called: its service becomes `peer.service`, its address
 *   `server.address`/`server.port` (where the tags do not say).
 */

export function isZipkinDocument(doc: unknown): boolean {
  if (!Array.isArray(doc) || doc.length === 0) return false;
  const first = Array.isArray(doc[0]) ? doc[0][0] : doc[0];
  return isZipkinSpan(first);
}

function isZipkinSpan(value: unknown): value is Record<string, unknown> {
  return (
    isRecord(value) &&
    typeof value.traceId === 'string' &&
    typeof value.id === 'string' &&
    !('spans' in value) &&
    !('binaryAnnotations' in value)
  );
}

/** Zipkin v1 JSON (binaryAnnotations, endpoints on annotations): named, not read. */
export function isZipkinV1Document(doc: unknown): boolean {
  if (!Array.isArray(doc) || doc.length === 0) return false;
  const first = Array.isArray(doc[0]) ? doc[0][0] : doc[0];
  return isRecord(first) && typeof first.traceId === 'string' && 'binaryAnnotations' in first;
}

export function decodeZipkinDocument(doc: unknown, ctx: DecodeContext, sink: SpanSink): void {
  if (!Array.isArray(doc))
    throw decodeError(ctx, [], `expected a list of Zipkin spans, got ${describeValue(doc)}`);
  const traces: { spans: unknown[]; path: PathPart[] }[] = doc.every(Array.isArray)
    ? (doc as unknown[][]).map((spans, i) => ({ spans, path: [i] }))
    : [{ spans: doc, path: [] }];
  const state: DocumentState = {
    missingTimes: 0,
    origin: { file: ctx.file, line: ctx.line },
    keep: sink.keepAttributes,
  };
  for (const { spans, path } of traces) {
    const decoded = spans.map((raw, i) => decodeSpan(raw, ctx, () => [...path, i], state));
    for (const span of unshare(decoded)) sink.span(span);
  }
  if (state.missingTimes > 0)
    warnAt(ctx, `${state.missingTimes} span(s) have no timestamp or duration; shown as 0 ms`);
}

const KINDS: Record<string, SpanKind> = {
  CLIENT: 'client',
  SERVER: 'server',
  PRODUCER: 'producer',
  CONSUMER: 'consumer',
};
const NANOS_PER_MICRO = 1000n;
const UNKNOWN_SERVICE = 'unknown_service';

interface DocumentState {
  missingTimes: number;
  /** One origin object for every span of the document. */
  readonly origin: Span['origin'];
  /** The attributes the sink keeps (SpanSink.keepAttributes). */
  readonly keep: ReadonlySet<string> | undefined;
}

/** A place in the document, built only for an error message: decoding runs once per span. */
type Where = () => PathPart[];
const below =
  (where: Where, ...parts: PathPart[]): Where =>
  () => [...where(), ...parts];

function decodeSpan(raw: unknown, ctx: DecodeContext, path: Where, state: DocumentState): Span {
  if (!isRecord(raw))
    throw decodeError(ctx, path(), `expected a Zipkin span object, got ${describeValue(raw)}`);
  const traceId = decodeTraceId(String(raw.traceId), true);
  if (!traceId.ok || traceId.id === undefined)
    throw decodeError(
      ctx,
      [...path(), 'traceId'],
      traceId.ok ? 'all-zero trace id' : traceId.reason,
      'Zipkin trace ids are 16 or 32 hex chars',
    );
  const spanId = typeof raw.id === 'string' ? decodeSpanId(raw.id, true) : undefined;
  if (!spanId?.ok || spanId.id === undefined)
    throw decodeError(
      ctx,
      [...path(), 'id'],
      spanId && !spanId.ok ? spanId.reason : 'expected a hex span id',
      'Zipkin span ids are 16 hex chars',
    );
  let parentSpanId: SpanId | undefined;
  if (raw.parentId !== undefined && raw.parentId !== null) {
    const parent = typeof raw.parentId === 'string' ? decodeSpanId(raw.parentId, true) : undefined;
    if (!parent?.ok)
      throw decodeError(
        ctx,
        [...path(), 'parentId'],
        `expected a hex span id, got ${describeValue(raw.parentId)}`,
      );
    parentSpanId = parent.id;
  }
  const timestamp = micros(raw.timestamp, ctx, below(path, 'timestamp'));
  const duration = micros(raw.duration, ctx, below(path, 'duration'));
  if (timestamp === undefined || duration === undefined) state.missingTimes++;
  const start = ((timestamp ?? 0n) * NANOS_PER_MICRO) as Nanos;
  const end = (((timestamp ?? 0n) + (duration ?? 0n)) * NANOS_PER_MICRO) as Nanos;
  const kind = (typeof raw.kind === 'string' && KINDS[raw.kind.toUpperCase()]) || 'internal';
  const local = endpoint(raw.localEndpoint, ctx, below(path, 'localEndpoint'));
  const remote = endpoint(raw.remoteEndpoint, ctx, below(path, 'remoteEndpoint'));
  const attributes = tags(raw.tags, ctx, below(path, 'tags'));
  if (kind === 'client' || kind === 'producer') {
    if (remote.service !== undefined && attributes['peer.service'] === undefined)
      attributes['peer.service'] = remote.service;
    if (
      remote.address !== undefined &&
      attributes['server.address'] === undefined &&
      attributes['net.peer.name'] === undefined
    ) {
      attributes['server.address'] = remote.address;
      if (remote.port !== undefined) attributes['server.port'] = remote.port;
    }
  }
  const service = local.service ?? UNKNOWN_SERVICE;
  const status = statusOf(attributes);
  const scope = decodeScope(attributes);
  const events = withExceptionDetail(
    annotations(raw.annotations, ctx, below(path, 'annotations')),
    attributes,
  );
  return {
    traceId: traceId.id,
    spanId: spanId.id,
    parentSpanId,
    name: typeof raw.name === 'string' ? raw.name : '',
    kind,
    service,
    start,
    end,
    status,
    attributes: state.keep === undefined ? attributes : kept(attributes, state.keep),
    resource: resourceOf(service),
    scope,
    events,
    links: NONE,
    flags: undefined,
    warnings: NONE,
    origin: state.origin,
  };
}

/** One resource object per service, shared by its spans (as OTLP's are). */
const RESOURCES = new Map<string, Attributes>();
function resourceOf(service: string): Attributes {
  let resource = RESOURCES.get(service);
  if (!resource) {
    resource = Object.freeze({ 'service.name': service });
    if (RESOURCES.size < 10_000) RESOURCES.set(service, resource);
  }
  return resource;
}

function micros(raw: unknown, ctx: DecodeContext, path: Where): bigint | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return BigInt(Math.round(raw));
  if (typeof raw === 'string' && /^\d+$/.test(raw)) return BigInt(raw);
  throw decodeError(ctx, path(), `expected microseconds as a number, got ${describeValue(raw)}`);
}

function endpoint(
  raw: unknown,
  ctx: DecodeContext,
  path: Where,
): { service: string | undefined; address: string | undefined; port: number | undefined } {
  if (raw === undefined || raw === null) return { service: undefined, address: undefined, port: undefined };
  if (!isRecord(raw))
    throw decodeError(
      ctx,
      path(),
      `expected an endpoint {serviceName, ipv4, port}, got ${describeValue(raw)}`,
    );
  const service = typeof raw.serviceName === 'string' && raw.serviceName !== '' ? raw.serviceName : undefined;
  const address = [raw.ipv4, raw.ipv6].find((a): a is string => typeof a === 'string' && a !== '');
  const port = typeof raw.port === 'number' && raw.port > 0 ? raw.port : undefined;
  return { service, address, port };
}

/** Tags are strings on the wire; Envoy and others write numbers as text, which the analysis reads leniently. */
function tags(raw: unknown, ctx: DecodeContext, path: Where): Record<string, AttributeValue> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw))
    throw decodeError(ctx, path(), `expected tags as an object of strings, got ${describeValue(raw)}`);
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(raw)) {
    out[key] =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : JSON.stringify(value);
  }
  return out;
}

/** `otel.status_code` where OpenTelemetry wrote it, else the `error` tag, whose value is the message. */
function statusOf(attributes: Attributes): Span['status'] {
  const code = attributes['otel.status_code'];
  const description = attributes['otel.status_description'];
  const error = attributes.error;
  const message =
    typeof description === 'string'
      ? description
      : typeof error === 'string' && error !== 'true'
        ? error
        : '';
  if (typeof code === 'string' && code.toUpperCase() === 'ERROR') return { code: 'error', message };
  if (typeof code === 'string' && code.toUpperCase() === 'OK') return { code: 'ok', message: '' };
  if (error !== undefined && error !== false && error !== 'false') return { code: 'error', message };
  return { code: 'unset', message: '' };
}

/** Annotations → events; `{"name":{attributes}}` (OpenTelemetry's exporter) keeps its attributes. */
function annotations(raw: unknown, ctx: DecodeContext, path: Where): SpanEvent[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw decodeError(ctx, path(), `expected a list of annotations, got ${describeValue(raw)}`);
  return raw.map((annotation, i) => {
    if (!isRecord(annotation))
      throw decodeError(
        ctx,
        [...path(), i],
        `expected an annotation {timestamp, value}, got ${describeValue(annotation)}`,
      );
    const time = ((micros(annotation.timestamp, ctx, below(path, i, 'timestamp')) ?? 0n) *
      NANOS_PER_MICRO) as Nanos;
    const value = typeof annotation.value === 'string' ? annotation.value : '';
    return { time, ...eventOf(value) };
  });
}

/**
 * OpenTelemetry's Zipkin exporter writes an exception event as a bare "exception" annotation and
 * keeps its message only in the `error` tag (and its type in `error.type`): put them back.
 */
function withExceptionDetail(events: SpanEvent[], tags: Attributes): SpanEvent[] {
  const message = typeof tags.error === 'string' && tags.error !== 'true' ? tags.error : undefined;
  const type = typeof tags['error.type'] === 'string' ? tags['error.type'] : undefined;
  if (message === undefined && type === undefined) return events;
  return events.map((event) =>
    event.name === 'exception' && Object.keys(event.attributes).length === 0
      ? {
          ...event,
          attributes: {
            ...(type !== undefined && { 'exception.type': type }),
            ...(message !== undefined && { 'exception.message': message }),
          },
        }
      : event,
  );
}

function eventOf(value: string): { name: string; attributes: Attributes } {
  if (value.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(value);
      const entries = isRecord(parsed) ? Object.entries(parsed) : [];
      if (entries.length === 1 && isRecord(entries[0]![1])) {
        const [name, fields] = entries[0]! as [string, Record<string, unknown>];
        const attributes: Record<string, AttributeValue> = {};
        for (const [key, field] of Object.entries(fields)) {
          attributes[key] =
            typeof field === 'string' || typeof field === 'number' || typeof field === 'boolean'
              ? field
              : JSON.stringify(field);
        }
        return { name, attributes };
      }
    } catch {
      // Not the exporter's form: the text is the event's name.
    }
  }
  return { name: value, attributes: {} };
}

/**
 * Shared spans apart: where a SERVER span has the id of a CLIENT span of its trace, it gets an
 * id of its own and the client as its parent; the children of that id in the server's service
 * move under it.
 *
 *   CLIENT  id=a (user-service)            CLIENT  id=a (user-service)
 *   SERVER  id=a (order-service) shared →  └ SERVER id=a' (order-service)
 *   query   parent=a (order-service)         └ query (order-service)
 */
function unshare(spans: readonly Span[]): Span[] {
  const key = (s: Span) => `${s.traceId}/${s.spanId}`;
  const clients = new Set<string>();
  for (const span of spans) if (span.kind === 'client') clients.add(key(span));
  // Most exports share no span: then nothing else is built.
  if (!spans.some((span) => span.kind === 'server' && clients.has(key(span)))) return [...spans];
  const taken = new Set(spans.map(key));
  const moved = new Map<string, { id: SpanId; service: string }>();
  // A SERVER with its CLIENT's id is the other half of a shared span, `shared: true` or not.
  const out = spans.map((span) => {
    if (span.kind !== 'server' || !clients.has(key(span))) return span;
    const id = freshId(span, taken);
    moved.set(key(span), { id, service: span.service });
    return { ...span, spanId: id, parentSpanId: span.spanId };
  });
  if (moved.size === 0) return out;
  return out.map((span) => {
    if (span.parentSpanId === undefined) return span;
    const server = moved.get(`${span.traceId}/${span.parentSpanId}`);
    if (!server || span.service !== server.service || span.spanId === server.id) return span;
    return { ...span, parentSpanId: server.id };
  });
}

/** An id for a shared server span, from its own, that no span of the trace has. */
function freshId(span: Span, taken: Set<string>): SpanId {
  let value = BigInt(`0x${span.spanId}`);
  for (let i = 0; i < 1_000; i++) {
    value = (value * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    const id = value.toString(16).padStart(16, '0') as SpanId;
    if (value !== 0n && !taken.has(`${span.traceId}/${id}`)) {
      taken.add(`${span.traceId}/${id}`);
      return id;
    }
  }
  return span.spanId;
}

/** What the sink keeps of the attributes (see SpanSink.keepAttributes), once status and scope are read from them. */
function kept(attributes: Attributes, keep: ReadonlySet<string>): Attributes {
  let out: Record<string, AttributeValue> | undefined;
  for (const key in attributes)
    if (keep.has(key)) {
      out ??= {};
      out[key] = attributes[key]!;
    }
  return out ?? EMPTY;
}

const EMPTY: Attributes = Object.freeze({});
const NONE: readonly never[] = Object.freeze([]);
