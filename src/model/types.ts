/**
 * The one normalised trace model every wire format is decoded into.
 * Ids are lowercase hex (trace 32 chars, span 16 chars); times are exact nanoseconds since the epoch.
 */

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Nanoseconds, exact. Epoch times and durations alike. */
export type Nanos = Brand<bigint, 'Nanos'>;
/** 32 lowercase hex characters. */
export type TraceId = Brand<string, 'TraceId'>;
/** 16 lowercase hex characters. */
export type SpanId = Brand<string, 'SpanId'>;

export const SPAN_KINDS = ['internal', 'server', 'client', 'producer', 'consumer'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

export type StatusCode = 'unset' | 'ok' | 'error';

/** An attribute value as decoded from OTLP AnyValue or a Jaeger typed tag. */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | readonly AttributeValue[]
  | { readonly [key: string]: AttributeValue };

export type Attributes = Readonly<Record<string, AttributeValue>>;

export interface SpanEvent {
  readonly name: string;
  readonly time: Nanos;
  readonly attributes: Attributes;
}

export interface SpanLink {
  readonly traceId: TraceId;
  readonly spanId: SpanId;
  readonly attributes: Attributes;
}

/** Where a span was read from, for messages that point back at the input. */
export interface SpanOrigin {
  readonly file: string;
  /** 1-based line of the JSON Lines record (or of the document start). */
  readonly line: number;
}

export interface Span {
  readonly traceId: TraceId;
  readonly spanId: SpanId;
  /** Absent for a root. An id that is not in the trace makes the span an orphan. */
  readonly parentSpanId: SpanId | undefined;
  readonly name: string;
  readonly kind: SpanKind;
  /** `service.name` of the resource (Jaeger: the process's serviceName). */
  readonly service: string;
  readonly start: Nanos;
  readonly end: Nanos;
  readonly status: { readonly code: StatusCode; readonly message: string };
  readonly attributes: Attributes;
  /** Resource attributes, shared by reference between the spans of one resource. */
  readonly resource: Attributes;
  readonly scope: { readonly name: string; readonly version: string } | undefined;
  readonly events: readonly SpanEvent[];
  readonly links: readonly SpanLink[];
  /** OTLP span flags (W3C trace flags in bits 0-7, 0x100 / 0x200 remote-parent bits); undefined when absent. */
  readonly flags: number | undefined;
  /** Warnings attached by the backend (Jaeger adjusters: clock skew, duplicate ids, truncation). */
  readonly warnings: readonly string[];
  readonly origin: SpanOrigin;
}

/** The spans that share one trace id, in input order, plus trace-level warnings. */
export interface Trace {
  readonly traceId: TraceId;
  readonly spans: readonly Span[];
  readonly warnings: readonly string[];
}

/** A node of the rebuilt span tree. */
export interface SpanNode {
  readonly span: Span;
  /** Position in `TraceTree.nodes` (depth-first, children in start order). */
  readonly index: number;
  readonly parent: SpanNode | undefined;
  readonly children: readonly SpanNode[];
  readonly depth: number;
  /** The span names a parent that is not in the trace. */
  readonly parentMissing: boolean;
  /** Another span with the same id came first; this one cannot be addressed by id. */
  readonly duplicateId: boolean;
  /** The span's parent chain looped back on itself; the loop was cut here. */
  readonly cycleCut: boolean;
}

export interface TraceTree {
  readonly traceId: TraceId;
  readonly roots: readonly SpanNode[];
  /** Every span exactly once, depth-first from the roots, children in start order. */
  readonly nodes: readonly SpanNode[];
  /** First span for each id. */
  readonly byId: ReadonlyMap<SpanId, SpanNode>;
  readonly start: Nanos;
  readonly end: Nanos;
  readonly warnings: readonly string[];
}
