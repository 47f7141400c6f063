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
import {
  type DecodeContext,
  decodeError,
  describeValue,
  isRecord,
  type PathPart,
  warnAt,
} from './decode-context.js';
import { decodeSpanId, decodeTraceId } from './ids.js';
import { decodeKind, decodeScope, decodeStatus } from './jaeger.js';
import { jaegerWarnings } from './jaeger-warnings.js';

/**
 * Jaeger's api_v2 model as protobuf JSON: what its gRPC query service streams (through grpcurl or
 * the grpc-gateway, `{"result": {"spans": […]}}`) and what tools built on `model.Trace` write:
 *
 *   {spans: [{traceId, spanId (base64), operationName, references [{traceId, spanId, refType}],
 *             startTime "2026-12-01T10:00:00.123456Z", duration "0.0025s",
 *             tags [{key, vType, vStr|vInt64|vBool|vFloat64|vBinary}], logs [{timestamp, fields}],
 *             process {serviceName, tags} | processId}],
 *    processMap: [{processId, process}]}
 *
 * Quirks: protobuf JSON leaves out default values, so a tag without `vType` is a string and a
 * missing `refType` is CHILD_OF; int64 values are strings; ids are base64 of their bytes (hex
 * from some writers).
 */

export function isJaegerApiV2Document(doc: unknown): boolean {
  const inner = isRecord(doc) && isRecord(doc.result) ? doc.result : doc;
  if (!isRecord(inner) || !Array.isArray(inner.spans)) return false;
  const first = inner.spans[0];
  return isRecord(first) && 'operationName' in first && typeof first.startTime === 'string';
}

export function decodeJaegerApiV2Document(doc: unknown, ctx: DecodeContext, sink: SpanSink): void {
  const wrapped = isRecord(doc) && isRecord(doc.result);
  const inner = wrapped ? (doc.result as Record<string, unknown>) : doc;
  const base: PathPart[] = wrapped ? ['result'] : [];
  if (!isRecord(inner) || !Array.isArray(inner.spans))
    throw decodeError(ctx, [...base, 'spans'], `expected a list of spans, got ${describeValue(inner)}`);
  const processes = new Map<string, Process>();
  if (Array.isArray(inner.processMap)) {
    inner.processMap.forEach((entry, i) => {
      if (isRecord(entry) && typeof entry.processId === 'string')
        processes.set(
          entry.processId,
          decodeProcess(entry.process, ctx, [...base, 'processMap', i, 'process']),
        );
    });
  }
  let missingProcess = 0;
  inner.spans.forEach((raw, i) => {
    const path = [...base, 'spans', i];
    const span = decodeSpan(raw, ctx, processes, path);
    if (span.service === UNKNOWN_SERVICE) missingProcess++;
    sink.span(span);
  });
  if (missingProcess > 0)
    warnAt(ctx, `${missingProcess} span(s) have no process (service name); shown as ${UNKNOWN_SERVICE}`);
}

interface Process {
  readonly service: string;
  readonly resource: Attributes;
}

const UNKNOWN_SERVICE = 'unknown_service';

function decodeProcess(raw: unknown, ctx: DecodeContext, path: PathPart[]): Process {
  if (!isRecord(raw))
    throw decodeError(ctx, path, `expected a process {serviceName, tags}, got ${describeValue(raw)}`);
  const service =
    typeof raw.serviceName === 'string' && raw.serviceName !== '' ? raw.serviceName : UNKNOWN_SERVICE;
  return { service, resource: { ...decodeTags(raw.tags, ctx, [...path, 'tags']), 'service.name': service } };
}

function decodeSpan(
  raw: unknown,
  ctx: DecodeContext,
  processes: Map<string, Process>,
  path: PathPart[],
): Span {
  if (!isRecord(raw)) throw decodeError(ctx, path, `expected a span object, got ${describeValue(raw)}`);
  const traceId = id(raw.traceId, 'trace', ctx, [...path, 'traceId']) as TraceId;
  const spanId = id(raw.spanId, 'span', ctx, [...path, 'spanId']) as SpanId;
  const start = timestamp(raw.startTime, ctx, [...path, 'startTime']);
  const end = (start + duration(raw.duration, ctx, [...path, 'duration'])) as Nanos;
  const attributes = decodeTags(raw.tags, ctx, [...path, 'tags']);
  const { parentSpanId, links } = references(raw.references, traceId, ctx, [...path, 'references']);
  const process =
    (isRecord(raw.process) ? decodeProcess(raw.process, ctx, [...path, 'process']) : undefined) ??
    (typeof raw.processId === 'string' ? processes.get(raw.processId) : undefined);
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
    events: logs(raw.logs, ctx, [...path, 'logs']),
    links,
    flags: typeof raw.flags === 'number' ? raw.flags : undefined,
    warnings: Array.isArray(raw.warnings) ? jaegerWarnings(raw.warnings) : [],
    origin: { file: ctx.file, line: ctx.line },
  };
}

/** An id as base64 of its bytes (protobuf JSON) or hex. */
function id(raw: unknown, what: 'trace' | 'span', ctx: DecodeContext, path: PathPart[]): string {
  if (typeof raw !== 'string')
    throw decodeError(ctx, path, `expected a ${what} id, got ${describeValue(raw)}`);
  const result = what === 'trace' ? decodeTraceId(raw, true) : decodeSpanId(raw, true);
  if (!result.ok) throw decodeError(ctx, path, result.reason, 'api_v2 ids are base64 of their bytes');
  if (result.id === undefined) throw decodeError(ctx, path, `empty or all-zero ${what} id`);
  return result.id;
}

/** RFC 3339 with up to nanoseconds, `2026-12-01T10:00:00.123456789Z` or with an offset. */
function timestamp(raw: unknown, ctx: DecodeContext, path: PathPart[]): Nanos {
  const match =
    typeof raw === 'string'
      ? /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(raw)
      : null;
  const seconds = match ? Date.parse(`${match[1]}${match[3]}`) : Number.NaN;
  if (!match || Number.isNaN(seconds))
    throw decodeError(
      ctx,
      path,
      `expected an RFC 3339 time such as "2026-12-01T10:00:00.123456Z", got ${describeValue(raw)}`,
    );
  return (BigInt(seconds) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'))) as Nanos;
}

/** Protobuf JSON duration: `"0.0025s"`, `"3s"`. */
function duration(raw: unknown, ctx: DecodeContext, path: PathPart[]): bigint {
  const match = typeof raw === 'string' ? /^(\d+)(?:\.(\d{1,9}))?s$/.exec(raw) : null;
  if (!match)
    throw decodeError(ctx, path, `expected a duration such as "0.0025s", got ${describeValue(raw)}`);
  return BigInt(match[1]!) * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** The first CHILD_OF into the same trace is the parent (a missing refType is CHILD_OF); the rest are links. */
function references(
  raw: unknown,
  traceId: TraceId,
  ctx: DecodeContext,
  path: PathPart[],
): { parentSpanId: SpanId | undefined; links: SpanLink[] } {
  if (raw === undefined || raw === null) return { parentSpanId: undefined, links: [] };
  if (!Array.isArray(raw))
    throw decodeError(ctx, path, `expected a list of references, got ${describeValue(raw)}`);
  let parentSpanId: SpanId | undefined;
  const links: SpanLink[] = [];
  raw.forEach((ref, i) => {
    if (!isRecord(ref))
      throw decodeError(ctx, [...path, i], `expected a reference, got ${describeValue(ref)}`);
    const refTrace = id(ref.traceId, 'trace', ctx, [...path, i, 'traceId']) as TraceId;
    const refSpan = id(ref.spanId, 'span', ctx, [...path, i, 'spanId']) as SpanId;
    const type = ref.refType === 'FOLLOWS_FROM' ? 'follows_from' : 'child_of';
    if (parentSpanId === undefined && refTrace === traceId && type === 'child_of') parentSpanId = refSpan;
    else links.push({ traceId: refTrace, spanId: refSpan, attributes: { 'opentracing.ref_type': type } });
  });
  return { parentSpanId, links };
}

function decodeTags(raw: unknown, ctx: DecodeContext, path: PathPart[]): Record<string, AttributeValue> {
  if (raw === undefined || raw === null) return {};
  if (!Array.isArray(raw)) throw decodeError(ctx, path, `expected a list of tags, got ${describeValue(raw)}`);
  const out: Record<string, AttributeValue> = {};
  raw.forEach((tag, i) => {
    if (!isRecord(tag) || typeof tag.key !== 'string')
      throw decodeError(ctx, [...path, i], 'expected a tag {"key", "vType", "vStr"…}');
    out[tag.key] = tagValue(tag);
  });
  return out;
}

function tagValue(tag: Record<string, unknown>): AttributeValue {
  switch (tag.vType) {
    case 'BOOL':
      return tag.vBool === true;
    case 'INT64': {
      const n = Number(tag.vInt64 ?? 0);
      return Number.isSafeInteger(n) ? n : String(tag.vInt64);
    }
    case 'FLOAT64':
      return Number(tag.vFloat64 ?? 0);
    case 'BINARY':
      return String(tag.vBinary ?? '');
    default:
      return String(tag.vStr ?? '');
  }
}

function logs(raw: unknown, ctx: DecodeContext, path: PathPart[]): SpanEvent[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw decodeError(ctx, path, `expected a list of logs, got ${describeValue(raw)}`);
  return raw.map((log, i) => {
    if (!isRecord(log)) throw decodeError(ctx, [...path, i], `expected a log, got ${describeValue(log)}`);
    const attributes: Attributes = decodeTags(log.fields, ctx, [...path, i, 'fields']);
    const event = attributes.event ?? attributes.message;
    return {
      name: typeof event === 'string' ? event : 'log',
      time: timestamp(log.timestamp, ctx, [...path, i, 'timestamp']),
      attributes,
    };
  });
}
