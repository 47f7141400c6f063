import { SourceError } from '../errors.js';
import type { Nanos, Trace, TraceId } from '../model/types.js';
import type { FetchedTrace, TraceBackend } from '../sources/backends.js';
import { traceReader } from './decode-answer.js';
import { type DecodeOptions, decodeTraces } from './decode-traces.js';
import type { PipelineHooks } from './hooks.js';

const POLL_MS = 1000;

/**
 * One trace from a backend. With `--wait`, poll until the trace exists and its span count has
 * stopped growing (spans arrive late through the Collector's batching), within the wait.
 */
export async function fetchTrace(
  backend: TraceBackend,
  traceId: TraceId,
  wait: Nanos | undefined,
  hooks: PipelineHooks,
): Promise<Trace> {
  const waitMs = wait === undefined ? 0 : Number(wait / 1_000_000n);
  const deadline = Date.now() + waitMs;
  let trace: Trace | undefined;
  /** Times the trace was found: one look cannot tell whether it is still growing. */
  let looks = 0;
  let notFound: { url: string; api: string } | undefined;
  // Bounded by the deadline and by the number of polls that fit in it; at least one attempt.
  for (let polls = 0; polls <= Math.ceil(waitMs / POLL_MS); polls++) {
    const fetched = await backend.fetchTrace(traceId, traceReader({ warn: hooks.warn }));
    if (fetched.status !== 'not-found') {
      const next = traceOf(fetched, traceId, { warn: hooks.warn });
      if (wait === undefined || (trace !== undefined && next.spans.length === trace.spans.length))
        return next;
      trace = next;
      looks++;
      hooks.progress?.(`trace ${traceId}: ${next.spans.length} spans, waiting for more…`);
    } else {
      notFound = fetched;
      hooks.progress?.(`waiting for trace ${traceId}…`);
    }
    if (Date.now() + POLL_MS > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (trace) {
    hooks.warn(
      looks > 1
        ? `trace ${traceId} was still growing when --wait ran out; showing ${trace.spans.length} spans`
        : `trace ${traceId} appeared as --wait ran out, too late to see whether more spans were coming; showing ${trace.spans.length} spans`,
    );
    return trace;
  }
  throw new SourceError(
    `trace ${traceId} not found: ${notFound!.api} answered 404 (${notFound!.url})`,
    wait === undefined
      ? 'check the id, or pass --wait 30s if the spans may still be on their way'
      : 'check the id and the backend URL',
  );
}

/** The trace a backend answered for `traceId` (an answer may hold others, or name it differently). */
export function decodeFetched(document: unknown, url: string, traceId: TraceId, hooks: PipelineHooks): Trace {
  return traceOf({ status: 'found', document, url }, traceId, { warn: hooks.warn });
}

/** The trace found for `traceId`, decoded as the answer arrived or from its document. */
export function traceOf(
  fetched: Exclude<FetchedTrace, { status: 'not-found' }>,
  traceId: TraceId,
  options: DecodeOptions,
): Trace {
  const traces =
    fetched.status === 'decoded' ? fetched.traces : decodeTraces(fetched.document, fetched.url, options);
  const trace = traces.find((t) => t.traceId === traceId) ?? (traces.length === 1 ? traces[0] : undefined);
  if (!trace) throw new SourceError(`${fetched.url}: the answer holds no spans of trace ${traceId}`);
  return trace;
}
