import { type ErrorRecord, errorRecordsOf } from '../analysis/error-records.js';
import { tracePerf } from '../analysis/perf/detect-perf.js';
import { addTracePerf, emptyPerfTotals, type PerfTotals } from '../analysis/perf/perf-totals.js';
import type { PerfThresholds } from '../analysis/perf/thresholds.js';
import {
  OrderFreeTotals,
  type OrderFreeTotalsData,
  type TracePart,
  tracePart,
} from '../analysis/propagation/check-propagation.js';
import { mayBeOtherRoot } from '../analysis/propagation/trace-index.js';
import { summarizeTrace } from '../analysis/summarize-trace.js';
import { buildTree } from '../model/build-tree.js';
import type { TraceSummary } from '../model/summary.js';
import type { Nanos, Trace, TraceId } from '../model/types.js';

/**
 * What the pipeline works out for each trace, whichever way it reads them: on a worker thread,
 * so that only that crosses back to the main thread, never all the spans, or in-process. Each
 * kind is what one command would do to the trace itself.
 */
export type TraceTask =
  | { readonly kind: 'errors'; readonly limits: readonly Nanos[]; readonly service: string | undefined }
  | { readonly kind: 'summaries' }
  | { readonly kind: 'perf'; readonly thresholds: PerfThresholds }
  | {
      readonly kind: 'propagation';
      readonly external: readonly string[];
      /** The services of every trace's possible other roots, learnt in a first round (otherRootServices). */
      readonly listed?: readonly string[];
    };

export interface TaskResults {
  errors: ErrorRecord[];
  summaries: TraceSummary;
  /** Nothing: each trace's part is added up where it is worked out, and the totals come apart (taskTotals). */
  perf: undefined;
  /** Without what OrderFreeTotals takes out: the worker sends that once, with its results. */
  propagation: TracePart;
}

/**
 * What a task adds up apart from its per-trace results, the same whatever order its traces come
 * in: each worker thread sends its own, once, and the command merges them.
 */
export interface TaskTotals {
  errors: undefined;
  summaries: undefined;
  perf: PerfTotals;
  propagation: OrderFreeTotalsData;
}

/** What is kept across the traces of one task: sets made once, totals added up. */
const stateOf = new WeakMap<
  object,
  { external: ReadonlySet<string>; listed: ReadonlySet<string>; totals: OrderFreeTotals }
>();
const perfTotalsOf = new WeakMap<object, PerfTotals>();

/** The task's totals over the traces it was run on in this thread; undefined for a task that adds nothing up, or before its first trace. */
export function taskTotals<K extends TraceTask['kind']>(
  task: Extract<TraceTask, { kind: K }>,
): TaskTotals[K] | undefined {
  if (task.kind === 'perf') return perfTotalsOf.get(task) as TaskTotals[K] | undefined;
  return stateOf.get(task)?.totals.data() as TaskTotals[K] | undefined;
}

export const TASKS = {
  errors: (trace, task) => errorRecordsOf(trace, { limits: task.limits }, task.service),
  summaries: (trace) => summarizeTrace(trace),
  perf: (trace, task) => {
    let totals = perfTotalsOf.get(task);
    if (!totals) {
      totals = emptyPerfTotals();
      perfTotalsOf.set(task, totals);
    }
    addTracePerf(totals, trace.traceId, tracePerf(buildTree(trace), task.thresholds));
    return undefined;
  },
  propagation: (trace, task) => {
    let state = stateOf.get(task);
    if (!state) {
      state = {
        external: new Set(task.external),
        listed: new Set(task.listed),
        totals: new OrderFreeTotals(),
      };
      stateOf.set(task, state);
    }
    return state.totals.take(tracePart(buildTree(trace), { external: state.external }, state.listed));
  },
} satisfies {
  [K in TraceTask['kind']]: (trace: Trace, task: Extract<TraceTask, { kind: K }>) => TaskResults[K];
};

/** Runs the task on one trace. */
export function runTask(trace: Trace, task: TraceTask): TaskResults[TraceTask['kind']] {
  switch (task.kind) {
    case 'errors':
      return TASKS.errors(trace, task);
    case 'summaries':
      return TASKS.summaries(trace);
    case 'perf':
      return TASKS.perf(trace, task);
    case 'propagation':
      return TASKS.propagation(trace, task);
  }
}

/** One trace's result, with what orders it among the others: its earliest start, then its id. */
export interface TraceResult<R> {
  readonly traceId: TraceId;
  readonly start: Nanos;
  readonly result: R;
}

/**
 * The services of spans that may be other roots (mayBeOtherRoot): a propagation task's `listed`
 * is those of every trace, gathered before any trace's part is worked out, so that each part
 * carries just the spans context-lost looks into. It needs no tree.
 */
export function otherRootServices(trace: Trace, into: Set<string>): void {
  for (const span of trace.spans) if (mayBeOtherRoot(span)) into.add(span.service);
}
