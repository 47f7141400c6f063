import type { TraceId } from '../../model/types.js';
import type { PropagationFinding } from './findings.js';
import type { Located, TraceIndex, TraceLookup } from './trace-index.js';

/**
 * A new root that is not an entry point (INTERNAL, CLIENT, PRODUCER; no link) starting while a
 * span of the same service runs in another trace: work that should have been part of that trace
 * lost its context across an async boundary (a queue, a timer, a pool).
 *
 *   trace A  |--get_user_profile (user-service)--------|
 *   trace B        |--write_audit_log (user-service)--|     a root: the callback lost A's context
 *
 * Only when the service was serving exactly one request (a SERVER or CONSUMER span of it running)
 * at that instant: in a busy service a background job overlaps many requests, and guessing would
 * be a false alarm.
 */
export function findLostContexts(index: TraceIndex): PropagationFinding[] {
  const out: PropagationFinding[] = [];
  for (const root of index.otherRoots) {
    const finding = lostContextOf(root, index);
    if (finding) out.push(finding);
  }
  return out;
}

/** The context-lost finding of one root of another kind (`TraceIndex.otherRoots`), if any. */
export function lostContextOf(
  { traceId, span }: Located,
  index: Pick<TraceLookup, 'spansOfServiceAround'>,
): PropagationFinding | undefined {
  const running = index
    .spansOfServiceAround(span.service, span.start)
    .filter((candidate) => candidate.traceId !== traceId);
  // Only requests the service was serving: a load generator or a cron job starts every trace
  // with a root of its own, and those overlap without anything being lost.
  const serving = new Set<TraceId>(
    running.filter((r) => r.span.kind === 'server' || r.span.kind === 'consumer').map((r) => r.traceId),
  );
  if (serving.size !== 1) return undefined;
  const [servingTrace] = serving;
  // The innermost: the latest-starting span that still holds the instant.
  const holder = running
    .filter((r) => r.traceId === servingTrace)
    .reduce((best, r) => (r.span.start >= best.span.start ? r : best));
  return {
    kind: 'context-lost',
    traceId,
    spanId: span.spanId,
    service: span.service,
    operation: span.name,
    relatedTraceId: holder.traceId,
    relatedSpanId: holder.span.spanId,
    relatedOperation: holder.span.name,
  };
}
