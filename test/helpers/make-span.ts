import type { Nanos, Span, SpanId, Trace, TraceId } from '../../src/model/types.js';
import { millisToNanos, nanos } from '../../src/model/units.js';

/**
 * A span for a test, short: every Span field can be given as is, and the usual ones in short form.
 * - `id: 'a'` is span id 000000000000000a, `parent: 'a'` the same, `trace: 'ab'` trace id 000…0ab
 *   (short ids must be hex: 'a', 'b1', 'beef', 'c0ffee');
 * - `startMs` / `endMs` are milliseconds from 0, exact to the nanosecond; `endMs` defaults to
 *   `startMs + 1`;
 * - a full field (`spanId`, `parentSpanId`, `traceId`, `start`, `end`) wins over its short form.
 * Defaults: kind internal, service svc, status unset with an empty message, no attributes, resource,
 * events, links or warnings, flags and scope undefined, origin test:1, name `span <id>`.
 */
export interface SpanSpec extends Partial<Span> {
  readonly id?: string;
  readonly parent?: string;
  readonly trace?: string;
  readonly startMs?: number;
  readonly endMs?: number;
}

export const TEST_TRACE_ID = tid('abcd');

/** A short hex span id padded to 16 characters: `sid('a')` is 000000000000000a. */
export function sid(short: string): SpanId {
  return padHex(short, 16) as SpanId;
}

/** A short hex trace id padded to 32 characters. */
export function tid(short: string): TraceId {
  return padHex(short, 32) as TraceId;
}

/** Milliseconds as exact Nanos (1.5 is 1_500_000n). */
export const ms = (value: number): Nanos => millisToNanos(value);

export function makeSpan(spec: SpanSpec = {}): Span {
  const { id = '1', parent, trace, startMs = 0, endMs, ...fields } = spec;
  const start = fields.start ?? ms(startMs);
  const end = fields.end ?? (endMs === undefined ? nanos(start + ms(1)) : ms(endMs));
  return {
    name: `span ${id}`,
    kind: 'internal',
    service: 'svc',
    status: { code: 'unset', message: '' },
    attributes: {},
    resource: {},
    scope: undefined,
    events: [],
    links: [],
    flags: undefined,
    warnings: [],
    origin: { file: 'test', line: 1 },
    ...fields,
    traceId: fields.traceId ?? (trace === undefined ? TEST_TRACE_ID : tid(trace)),
    spanId: fields.spanId ?? sid(id),
    parentSpanId: fields.parentSpanId ?? (parent === undefined ? undefined : sid(parent)),
    start,
    end,
  };
}

/**
 * A trace of the given spans, in the given order. A spec without an id gets its position + 1
 * (hex), so `makeTrace([{}, {parent: '1'}])` is a root and its child. The trace id is the first
 * span's.
 */
export function makeTrace(specs: readonly SpanSpec[], warnings: readonly string[] = []): Trace {
  const spans = specs.map((spec, i) =>
    makeSpan(
      spec.id === undefined && spec.spanId === undefined ? { ...spec, id: (i + 1).toString(16) } : spec,
    ),
  );
  return { traceId: spans[0]?.traceId ?? TEST_TRACE_ID, spans, warnings };
}

/** Deep-freezes a value, so that any mutation by the code under test throws. Iterative. */
export function frozen<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'object' && item !== null && !Object.isFrozen(item)) {
      Object.freeze(item);
      for (const child of Object.values(item)) stack.push(child);
    }
  }
  return value;
}

function padHex(short: string, length: number): string {
  if (!/^[0-9a-f]+$/.test(short) || short.length > length) {
    throw new Error(
      `test id "${short}": expected 1 to ${length} lowercase hex digits, such as "a1" or "beef"`,
    );
  }
  return short.padStart(length, '0');
}

/** A chain 1 ← 2 ← … ← count, root first, each span inside its parent (0 to 300,000 ms, 1 ms in per level). */
export function deepChain(count: number): SpanSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    id: (i + 1).toString(16),
    parent: i === 0 ? undefined : i.toString(16),
    name: `s${i}`,
    startMs: i,
    endMs: 300_000 - i,
  }));
}
