import type { TraceId } from '../../model/types.js';

/** Fields of a report's document that name a trace: `traceId`, `relatedTraceId`, `examples: [id]`. */
const TRACE_FIELDS: ReadonlySet<string> = new Set(['traceId', 'relatedTraceId']);
const TRACE_LIST_FIELDS: ReadonlySet<string> = new Set(['examples']);
const TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * The traces a report's document names, each once, in the order a reader meets them (the tables'
 * order: the worst group or finding first). Works on any command's document, by field name, so a
 * new command's report links to its traces without teaching the html format about it. Iterative:
 * a document is shallow, but nothing here depends on it.
 */
export function namedTraceIds(document: unknown): TraceId[] {
  const found = new Set<TraceId>();
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    const fields: [string | undefined, unknown][] = Array.isArray(value)
      ? value.map((item) => [undefined, item])
      : Object.entries(value);
    for (const [key, field] of fields) {
      if (key === undefined) continue;
      if (TRACE_FIELDS.has(key) && isTraceId(field)) found.add(field);
      if (TRACE_LIST_FIELDS.has(key) && Array.isArray(field))
        for (const id of field) if (isTraceId(id)) found.add(id);
    }
    // Reversed onto the stack: the first field is read first.
    for (let i = fields.length - 1; i >= 0; i--) stack.push(fields[i]![1]);
  }
  return [...found];
}

export function isTraceId(value: unknown): value is TraceId {
  return typeof value === 'string' && TRACE_ID.test(value);
}
