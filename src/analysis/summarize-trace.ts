import type { TraceSummary } from '../model/summary.js';
import type { Span, Trace } from '../model/types.js';
import { nanosToMillis } from '../model/units.js';
import { detectError } from './span-errors.js';

/** One line's worth for `otrace list`: a single pass, no tree. */
export function summarizeTrace(trace: Trace): TraceSummary {
  let start = trace.spans[0]!.start as bigint;
  let end = trace.spans[0]!.end as bigint;
  let root: Span | undefined;
  let earliest = trace.spans[0]!;
  let errorCount = 0;
  const services = new Set<string>();
  for (const span of trace.spans) {
    if (span.start < start) start = span.start;
    if (span.end > end) end = span.end;
    if (span.start < earliest.start) earliest = span;
    if (span.parentSpanId === undefined && (!root || span.start < root.start)) root = span;
    if (detectError(span)) errorCount++;
    services.add(span.service);
  }
  const shown = root ?? earliest;
  return {
    traceId: trace.traceId,
    start,
    durationMs: nanosToMillis(end - start),
    spanCount: trace.spans.length,
    errorCount,
    rootService: shown.service,
    rootName: shown.name,
    rootMissing: root === undefined,
    services: [...services],
  };
}
