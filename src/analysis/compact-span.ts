import type { Attributes, AttributeValue, Span } from '../model/types.js';
import { exceptionOf } from './exceptions.js';

/**
 * The span attributes the analysis reads (`attributes.ts`, `span-errors.ts`, `timeouts.ts`,
 * `exceptions.ts`, `peers.ts`, `propagation/callee-match.ts`). Commands that look across many traces keep only these (and the keys a search
 * names) for each span until the whole input is read: a Collector export's spans carry dozens of
 * attributes that no verdict depends on. A test runs the analysis on every fixture with and
 * without compaction and expects the same verdicts, so a key missing here fails it.
 */
export const ATTRIBUTES_READ: readonly string[] = [
  'error',
  'error.type',
  'http.response.status_code',
  'http.status_code',
  'rpc.grpc.status_code',
  'rpc.response.status_code',
  'rpc.status_code',
  'rpc.system',
  'rpc.system.name',
  'rpc.service',
  'envoy.response_flags',
  'response_flags',
  'peer.service',
  'service.peer.name',
  'server.address',
  'server.port',
  'net.peer.name',
  'net.peer.port',
  'url.full',
  'http.url',
  'url.path',
  'http.target',
  'http.route',
  'rpc.method',
  'messaging.destination.name',
  'db.system',
  'db.system.name',
  'otel.status_code',
  'span.kind',
  'net.host.name',
  'net.host.port',
  'upstream_cluster',
  'upstream_cluster.name',
  'peer.address',
  'net.peer.ip',
  'net.sock.peer.addr',
  'net.sock.peer.port',
];

const NONE: readonly never[] = Object.freeze([]);

/**
 * A function that makes a span compact: only the attributes in `ATTRIBUTES_READ` and `extraKeys`,
 * only the events that record an exception, one copy of each repeated string (trace ids, names,
 * services, short attribute values: JSON.parse makes a new string for every occurrence), shared
 * empty arrays, one unset status and one origin object per input document. Returns new spans; the
 * ones it is given are not changed.
 */
export function spanCompactor(extraKeys: readonly string[] = []): SpanCompactor {
  const keep = extraKeys.includes(ALL_ATTRIBUTES) ? undefined : new Set([...ATTRIBUTES_READ, ...extraKeys]);
  const strings = new Map<string, string>();
  const intern = <T extends string>(text: T): T => {
    if (text.length > MAX_INTERNED) return text;
    const seen = strings.get(text);
    if (seen !== undefined) return seen as T;
    if (strings.size < MAX_STRINGS) strings.set(text, text);
    return text;
  };
  let lastOrigin: Span['origin'] | undefined;
  const compact = (span: Span): Span => {
    const origin =
      lastOrigin && lastOrigin.file === span.origin.file && lastOrigin.line === span.origin.line
        ? lastOrigin
        : span.origin;
    lastOrigin = origin;
    const events = span.events.some((e) => exceptionOf(e) === undefined)
      ? span.events.filter((e) => exceptionOf(e) !== undefined)
      : span.events;
    const unset = span.status.code === 'unset' && span.status.message === '';
    // Every field written out (no spread): V8 then keeps them inside the object, not in a
    // separate property array.
    return {
      traceId: intern(span.traceId),
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      name: intern(span.name),
      kind: span.kind,
      service: intern(span.service),
      start: span.start,
      end: span.end,
      status: unset ? UNSET : span.status,
      attributes: pick(span.attributes, keep, intern),
      resource: span.resource,
      scope: span.scope,
      events: events.length === 0 ? NONE : events,
      links: span.links.length === 0 ? NONE : span.links,
      flags: span.flags,
      warnings: span.warnings.length === 0 ? NONE : span.warnings,
      origin,
    } satisfies Record<keyof Span, unknown>;
  };
  return Object.assign(compact, { keep: keep as ReadonlySet<string> | undefined });
}

/** Among the extra keys, keeps every attribute (`compare --where` looks at all of them). */
export const ALL_ATTRIBUTES = '*';

/** Makes a span compact; `keep` names the attributes it keeps (all where undefined), so a decoder can skip the rest. */
export interface SpanCompactor {
  (span: Span): Span;
  readonly keep: ReadonlySet<string> | undefined;
}

/** Strings longer than this are rarely repeated (URLs with ids, messages): not worth a lookup. */
const MAX_INTERNED = 64;
/** Bounds the table for inputs whose values never repeat. */
const MAX_STRINGS = 200_000;
const UNSET: Span['status'] = Object.freeze({ code: 'unset', message: '' });

function pick(
  attributes: Attributes,
  keep: ReadonlySet<string> | undefined,
  intern: (text: string) => string,
): Attributes {
  let out: Record<string, AttributeValue> | undefined;
  for (const key in attributes) {
    if (keep !== undefined && !keep.has(key)) continue;
    out ??= {};
    const value = attributes[key]!;
    out[intern(key)] = typeof value === 'string' ? intern(value) : value;
  }
  return out ?? NONE_ATTRIBUTES;
}

const NONE_ATTRIBUTES: Attributes = Object.freeze({});
