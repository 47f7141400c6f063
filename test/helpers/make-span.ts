import type { Nanos, Span, SpanId, Trace, TraceId } from '../../src/model/types.js';

/**
 * Valid Span objects with short, readable ids and millisecond times, for model and analysis tests.
 * `id: 'a'` becomes span id 000000000000000a; `parent: 'a'` the same; times are ms from 0.
 */
export interface SpanSpec extends Partial<Omit<Span, 'spanId' | 'parentSpanId' | 'start' | 'end'>> {
  id: string;
  parent?: string;
  startMs?: number;
  endMs?: number;
}

export const TEST_TRACE_ID = '0000000000000000000000000000abcd' as TraceId;
export const sid = (short: string): SpanId => short.padStart(16, '0') as SpanId;
const ms = (value: number): Nanos => BigInt(Math.round(value * 1e6)) as Nanos;

export function makeSpan(spec: SpanSpec): Span {
  const { id, parent, startMs = 0, endMs = 1, ...rest } = spec;
  return {
    traceId: TEST_TRACE_ID,
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
    ...rest,
    spanId: sid(id),
    parentSpanId: parent === undefined ? undefined : sid(parent),
    start: ms(startMs),
    end: ms(endMs),
  };
}

export function makeTrace(specs: readonly SpanSpec[], warnings: string[] = []): Trace {
  return { traceId: TEST_TRACE_ID, spans: specs.map(makeSpan), warnings };
}

/** Deep-freezes a trace so that any mutation by the code under test throws. */
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
