import { InputError } from '../errors.js';
import type { SpanSink } from '../model/span-sink.js';
import type {
  Attributes,
  AttributeValue,
  Nanos,
  Span,
  SpanEvent,
  SpanId,
  SpanLink,
  TraceId,
} from '../model/types.js';
import { type DecodeContext, decodeError, formatPath, type PathPart, warnAt } from './decode-context.js';
import { decodeSpanId, decodeTraceId } from './ids.js';
import {
  decodeKind,
  decodeStatus,
  keptWithJaegerWarnings,
  requireId,
  serviceOf,
  takeJaegerWarnings,
} from './otlp.js';
import {
  FIXED32,
  FIXED64,
  LENGTH_DELIMITED,
  MAX_VALUE_NESTING,
  MalformedProtobuf,
  ProtobufReader,
  type StringCache,
  VARINT,
} from './protobuf-reader.js';

/**
 * An OTLP protobuf message (`TracesData` / `ExportTraceServiceRequest`) read from a file: the
 * bytes, and how to name the message in an error about its bytes (`in.pb: protobuf message 3
 * (byte 1204)`). decode.ts hands it to `decodeOtlpProtobuf`.
 */
export class OtlpProtobufMessage {
  constructor(
    readonly bytes: Uint8Array,
    readonly where: string,
  ) {}
}

/**
 * The spans of an OTLP protobuf message, decoded straight from the bytes into spans: the same
 * spans, warnings and errors as its OTLP/JSON form gives (otlp.ts), without building that form.
 * The attributes a sink does not keep are skipped unread. Field numbers from opentelemetry-proto
 * (trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto).
 */
export function decodeOtlpProtobuf(message: OtlpProtobufMessage, ctx: DecodeContext, sink: SpanSink): void {
  const r = new ProtobufReader(message.bytes);
  const state: MessageState = {
    r,
    ctx,
    sink,
    missingTimes: 0,
    origin: { file: ctx.file, line: ctx.line },
    keep: sink.keepAttributes && keptWithJaegerWarnings(sink.keepAttributes),
  };
  try {
    const end = r.buf.length;
    let index = 0;
    // Bounded: each pass reads one field, moving `pos` towards `end`.
    while (r.nextTag(end)) {
      if (r.field === 1 && r.wireType === LENGTH_DELIMITED) resourceSpans(state, r.delimited(end), index++);
      else r.skip(end);
    }
  } catch (error) {
    if (error instanceof MalformedProtobuf)
      throw new InputError(`${message.where}: not an OTLP ExportTraceServiceRequest (${error.message})`);
    throw error;
  }
  if (state.missingTimes > 0)
    warnAt(ctx, `${state.missingTimes} span(s) have no start/end time; shown as 0 ms`);
}

interface MessageState {
  readonly r: ProtobufReader;
  readonly ctx: DecodeContext;
  readonly sink: SpanSink;
  missingTimes: number;
  /** One origin object for every span of the message. */
  readonly origin: Span['origin'];
  readonly keep: ReadonlySet<string> | undefined;
}

/**
 * ResourceSpans { resource = 1; scope_spans = 2; schema_url = 3 }. Fields may come in any order:
 * the resource is looked for first, since every span carries it.
 */
function resourceSpans(state: MessageState, end: number, index: number): void {
  const { r } = state;
  const start = r.pos;
  let resource: Attributes = EMPTY;
  while (r.nextTag(end)) {
    if (r.field === 1 && r.wireType === LENGTH_DELIMITED) resource = attributesOf(state, r.delimited(end), 1);
    else r.skip(end);
  }
  r.pos = start;
  const service = serviceOf(resource);
  let scopeIndex = 0;
  while (r.nextTag(end)) {
    if (r.field === 2 && r.wireType === LENGTH_DELIMITED) {
      const path: PathPart[] = ['resourceSpans', index, 'scopeSpans', scopeIndex++];
      scopeSpans(state, r.delimited(end), { service, resource, scope: undefined }, path);
    } else r.skip(end);
  }
}

interface SharedFields {
  readonly service: string;
  readonly resource: Attributes;
  readonly scope: Span['scope'];
}

/** ScopeSpans { scope = 1; spans = 2; schema_url = 3 }: the scope first, as for the resource. */
function scopeSpans(state: MessageState, end: number, inResource: SharedFields, path: PathPart[]): void {
  const { r } = state;
  const start = r.pos;
  let scope: Span['scope'];
  while (r.nextTag(end)) {
    if (r.field === 1 && r.wireType === LENGTH_DELIMITED) scope = scopeOf(r, r.delimited(end));
    else r.skip(end);
  }
  r.pos = start;
  const shared: SharedFields = { ...inResource, scope };
  let spanIndex = 0;
  while (r.nextTag(end)) {
    if (r.field === 2 && r.wireType === LENGTH_DELIMITED) {
      const spanEnd = r.delimited(end);
      state.sink.span(span(state, spanEnd, shared, path, spanIndex++));
      r.pos = spanEnd;
    } else r.skip(end);
  }
}

/** InstrumentationScope { name = 1; version = 2 }: undefined without a name, as in OTLP/JSON. */
function scopeOf(r: ProtobufReader, end: number): Span['scope'] {
  let name = '';
  let version = '';
  while (r.nextTag(end)) {
    if (r.field === 1 && r.wireType === LENGTH_DELIMITED) name = r.string(end);
    else if (r.field === 2 && r.wireType === LENGTH_DELIMITED) version = r.string(end);
    else r.skip(end);
  }
  return name === '' ? undefined : { name, version };
}

/** Span field numbers (trace/v1/trace.proto). */
const TRACE_ID = 1;
const SPAN_ID = 2;
const PARENT_SPAN_ID = 4;
const NAME = 5;
const KIND = 6;
const START = 7;
const END = 8;
const ATTRIBUTES = 9;
const EVENTS = 11;
const LINKS = 13;
const STATUS = 15;
const FLAGS = 16;

function span(
  state: MessageState,
  end: number,
  shared: SharedFields,
  scopePath: PathPart[],
  index: number,
): Span {
  const { r, ctx } = state;
  const path = () => [...scopePath, 'spans', index];
  let traceId: string | undefined;
  let spanId: string | undefined;
  let parent: string | undefined;
  let name = '';
  let kind = 0;
  let start: bigint | undefined;
  let finish: bigint | undefined;
  let attributes: Record<string, AttributeValue> | undefined;
  let events: SpanEvent[] | undefined;
  let links: SpanLink[] | undefined;
  let linkIndex = 0;
  let status: Span['status'] | undefined;
  let flags: number | undefined;
  while (r.nextTag(end)) {
    const { field, wireType } = r;
    if (wireType === LENGTH_DELIMITED) {
      if (field === TRACE_ID) traceId = r.hex(end);
      else if (field === SPAN_ID) spanId = r.hex(end);
      else if (field === PARENT_SPAN_ID) parent = r.hex(end);
      else if (field === NAME) name = r.string(end);
      else if (field === ATTRIBUTES)
        attributes = keyValueInto(state, r.delimited(end), attributes, state.keep, 0);
      else if (field === EVENTS) events = appended(events, event(state, r.delimited(end)));
      else if (field === LINKS) {
        const link = linkOf(state, r.delimited(end), () => [...path(), 'links', linkIndex]);
        linkIndex++;
        if (link) links = appended(links, link);
      } else if (field === STATUS) status = statusOf(state, r.delimited(end), path);
      else r.skip(end);
    } else if (wireType === FIXED64 && field === START) start = r.fixed64(end);
    else if (wireType === FIXED64 && field === END) finish = r.fixed64(end);
    else if (wireType === VARINT && field === KIND) kind = r.uint32(end);
    else if (wireType === FIXED32 && field === FLAGS) flags = r.fixed32(end);
    else r.skip(end);
  }
  if (start === undefined && finish === undefined) state.missingTimes++;
  const startNs = (start ?? 0n) as Nanos;
  const found = attributes ?? EMPTY;
  return {
    traceId: traceIdOf(traceId, ctx, path),
    spanId: spanIdOf(spanId, ctx, path),
    parentSpanId: parentOf(parent, ctx, path),
    name,
    kind: kind === 0 ? 'internal' : decodeKind(kind, ctx, path),
    service: shared.service,
    start: startNs,
    end: finish === undefined ? startNs : (finish as Nanos),
    status: status ?? UNSET_STATUS,
    attributes: found,
    resource: shared.resource,
    scope: shared.scope,
    events: events ?? NO_EVENTS,
    links: links ?? NO_LINKS,
    flags,
    warnings: attributes === undefined ? NO_WARNINGS : takeJaegerWarnings(attributes),
    origin: state.origin,
  };
}

/** A repeated field's list, made on its first item. */
function appended<T>(list: T[] | undefined, item: T): T[] {
  if (list === undefined) return [item];
  list.push(item);
  return list;
}

const ALL_ZERO_TRACE = '0'.repeat(32);
const ALL_ZERO_SPAN = '0'.repeat(16);

/** The common case in one comparison: 16 bytes, not all zero. Anything else as OTLP/JSON reads its hex. */
function traceIdOf(hex: string | undefined, ctx: DecodeContext, path: () => PathPart[]): TraceId {
  if (hex !== undefined && hex.length === 32 && hex !== ALL_ZERO_TRACE) return hex as TraceId;
  return requireId(decodeTraceId(hex ?? ''), ctx, path, 'traceId');
}

function spanIdOf(hex: string | undefined, ctx: DecodeContext, path: () => PathPart[]): SpanId {
  if (hex !== undefined && hex.length === 16 && hex !== ALL_ZERO_SPAN) return hex as SpanId;
  return requireId(decodeSpanId(hex ?? ''), ctx, path, 'spanId');
}

function parentOf(hex: string | undefined, ctx: DecodeContext, path: () => PathPart[]): SpanId | undefined {
  if (hex === undefined) return undefined;
  const parent = decodeSpanId(hex);
  if (!parent.ok) throw decodeError(ctx, [...path(), 'parentSpanId'], parent.reason, parent.hint);
  return parent.id;
}

/** Status { message = 2; code = 3 }. */
function statusOf(state: MessageState, end: number, path: () => PathPart[]): Span['status'] {
  const { r } = state;
  let message = '';
  let code = 0;
  while (r.nextTag(end)) {
    if (r.field === 2 && r.wireType === LENGTH_DELIMITED) message = r.string(end);
    else if (r.field === 3 && r.wireType === VARINT) code = r.uint32(end);
    else r.skip(end);
  }
  return decodeStatus({ message, code }, state.ctx, path);
}

/** Span.Event { time_unix_nano = 1; name = 2; attributes = 3 }: every attribute is kept. */
function event(state: MessageState, end: number): SpanEvent {
  const { r } = state;
  let time = 0n;
  let name = '';
  let attributes: Record<string, AttributeValue> | undefined;
  while (r.nextTag(end)) {
    if (r.field === 1 && r.wireType === FIXED64) time = r.fixed64(end);
    else if (r.field === 2 && r.wireType === LENGTH_DELIMITED) name = r.string(end);
    else if (r.field === 3 && r.wireType === LENGTH_DELIMITED)
      attributes = keyValueInto(state, r.delimited(end), attributes, undefined, 0);
    else r.skip(end);
  }
  return { name, time: time as Nanos, attributes: attributes ?? EMPTY };
}

/** Span.Link { trace_id = 1; span_id = 2; attributes = 4 }: one without usable ids is dropped with a warning. */
function linkOf(state: MessageState, end: number, path: () => PathPart[]): SpanLink | undefined {
  const { r } = state;
  let traceHex: string | undefined;
  let spanHex: string | undefined;
  let attributes: Record<string, AttributeValue> | undefined;
  while (r.nextTag(end)) {
    if (r.field === 1 && r.wireType === LENGTH_DELIMITED) traceHex = r.hex(end);
    else if (r.field === 2 && r.wireType === LENGTH_DELIMITED) spanHex = r.hex(end);
    else if (r.field === 4 && r.wireType === LENGTH_DELIMITED)
      attributes = keyValueInto(state, r.delimited(end), attributes, undefined, 0);
    else r.skip(end);
  }
  const traceId = traceHex === undefined ? undefined : decodeTraceId(traceHex);
  const spanId = spanHex === undefined ? undefined : decodeSpanId(spanHex);
  if (!traceId?.ok || !spanId?.ok || traceId.id === undefined || spanId.id === undefined) {
    warnAt(state.ctx, `${formatPath(path())}: link ids are not usable ids; link ignored`);
    return undefined;
  }
  return { traceId: traceId.id, spanId: spanId.id, attributes: attributes ?? EMPTY };
}

/** Resource { attributes = 1 }: its attributes. */
function attributesOf(state: MessageState, end: number, field: number): Attributes {
  const { r } = state;
  let attributes: Record<string, AttributeValue> | undefined;
  while (r.nextTag(end)) {
    if (r.field === field && r.wireType === LENGTH_DELIMITED)
      attributes = keyValueInto(state, r.delimited(end), attributes, undefined, 0);
    else r.skip(end);
  }
  return attributes ?? EMPTY;
}

/**
 * KeyValue { key = 1; value = 2 } into `out` (made on first use). With `keep`, the value of a key
 * not kept is skipped unread.
 */
function keyValueInto(
  state: MessageState,
  end: number,
  out: Record<string, AttributeValue> | undefined,
  keep: ReadonlySet<string> | undefined,
  depth: number,
): Record<string, AttributeValue> | undefined {
  const { r } = state;
  let key = '';
  let valueAt = -1;
  let valueEnd = -1;
  while (r.nextTag(end)) {
    if (r.field === 1 && r.wireType === LENGTH_DELIMITED) key = r.cachedString(end, KEYS);
    else if (r.field === 2 && r.wireType === LENGTH_DELIMITED) {
      valueEnd = r.delimited(end);
      valueAt = r.pos;
      r.pos = valueEnd;
    } else r.skip(end);
  }
  if (keep !== undefined && !keep.has(key)) return out;
  const target = out ?? {};
  if (valueAt === -1) target[key] = null;
  else {
    r.pos = valueAt;
    target[key] = anyValue(state, valueEnd, depth);
  }
  r.pos = end;
  return target;
}

/**
 * AnyValue { string = 1; bool = 2; int = 3; double = 4; array = 5; kvlist = 6; bytes = 7 }, as
 * OTLP/JSON decodes it: an int as a number while it is safe, else its decimal string; bytes as
 * base64; no value as null. Nesting deeper than MAX_VALUE_NESTING is refused.
 */
function anyValue(state: MessageState, end: number, depth: number): AttributeValue {
  const { r } = state;
  let value: AttributeValue = null;
  while (r.nextTag(end)) {
    const { field, wireType } = r;
    if (field === 1 && wireType === LENGTH_DELIMITED) value = r.string(end);
    else if (field === 2 && wireType === VARINT) value = r.bool(end);
    else if (field === 3 && wireType === VARINT) value = r.int64(end);
    else if (field === 4 && wireType === FIXED64) value = r.double(end);
    else if ((field === 5 || field === 6) && wireType === LENGTH_DELIMITED) {
      if (depth >= MAX_VALUE_NESTING) throw tooDeep(state);
      value =
        field === 5
          ? arrayOf(state, r.delimited(end), depth + 1)
          : kvlistOf(state, r.delimited(end), depth + 1);
    } else if (field === 7 && wireType === LENGTH_DELIMITED) value = r.base64(end);
    else r.skip(end);
  }
  return value;
}

/** ArrayValue { values = 1 }. */
function arrayOf(state: MessageState, end: number, depth: number): AttributeValue[] {
  const { r } = state;
  const values: AttributeValue[] = [];
  while (r.nextTag(end)) {
    if (r.field === 1 && r.wireType === LENGTH_DELIMITED) {
      const valueEnd = r.delimited(end);
      values.push(anyValue(state, valueEnd, depth));
      r.pos = valueEnd;
    } else r.skip(end);
  }
  return values;
}

/** KeyValueList { values = 1 }. */
function kvlistOf(state: MessageState, end: number, depth: number): Attributes {
  const { r } = state;
  let out: Record<string, AttributeValue> | undefined;
  while (r.nextTag(end)) {
    if (r.field === 1 && r.wireType === LENGTH_DELIMITED)
      out = keyValueInto(state, r.delimited(end), out, undefined, depth);
    else r.skip(end);
  }
  return out ?? EMPTY;
}

function tooDeep(state: MessageState): InputError {
  return decodeError(
    state.ctx,
    [],
    `an attribute value nests arrays or key-value lists more than ${MAX_VALUE_NESTING} levels deep`,
    'no instrumentation writes such values: this input is corrupt or hostile',
  );
}

/** Attribute keys, which repeat on every span: shared by every message read in this thread. */
const KEYS: StringCache = new Map();

const EMPTY: Attributes = Object.freeze({});
const UNSET_STATUS: Span['status'] = Object.freeze({ code: 'unset', message: '' });
const NO_EVENTS: readonly SpanEvent[] = Object.freeze([]);
const NO_LINKS: readonly SpanLink[] = Object.freeze([]);
const NO_WARNINGS: readonly string[] = Object.freeze([]);
