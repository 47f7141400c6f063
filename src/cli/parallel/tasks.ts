import { type ErrorRecord, errorRecordsOf } from '../../analysis/error-records.js';
import { summarizeTrace } from '../../analysis/summarize-trace.js';
import type { TraceSummary } from '../../model/summary.js';
import type { Nanos, Trace, TraceId } from '../../model/types.js';

/**
 * What a worker works out for each trace it holds, so that only that crosses back to the main
 * thread, never the spans. Each kind is what one command would do to the trace itself.
 */
export type TraceTask =
  | { readonly kind: 'errors'; readonly limits: readonly Nanos[]; readonly service: string | undefined }
  | { readonly kind: 'summaries' };

export interface TaskResults {
  errors: ErrorRecord[];
  summaries: TraceSummary;
}

export const TASKS = {
  errors: (trace, task) => errorRecordsOf(trace, { limits: task.limits }, task.service),
  summaries: (trace) => summarizeTrace(trace),
} satisfies {
  [K in TraceTask['kind']]: (trace: Trace, task: Extract<TraceTask, { kind: K }>) => TaskResults[K];
};

/** One trace's result, with what orders it among the others: its earliest start, then its id. */
export interface TraceResult<R> {
  readonly traceId: TraceId;
  readonly start: Nanos;
  readonly result: R;
}

export function earliestStart(trace: Trace): Nanos {
  let min = trace.spans[0]!.start;
  for (const span of trace.spans) if (span.start < min) min = span.start;
  return min;
}

/** The order TraceCollector.traces() gives: earliest start, then id. */
export function byStartThenId(a: TraceResult<unknown>, b: TraceResult<unknown>): number {
  return a.start < b.start
    ? -1
    : a.start > b.start
      ? 1
      : a.traceId < b.traceId
        ? -1
        : a.traceId > b.traceId
          ? 1
          : 0;
}
