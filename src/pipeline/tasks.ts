import { BubbleUpAccumulator, type BubbleUpData } from '../analysis/compare/bubble-up.js';
import { bubbleUpFactsOf } from '../analysis/compare/bubble-up-facts.js';
import { RunAggregate, type RunAggregateData } from '../analysis/compare/run-aggregate.js';
import { compareFactsOf } from '../analysis/compare/trace-facts.js';
import type { WherePredicate } from '../analysis/compare/where-predicate.js';
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
    }
  | {
      /** One run of `compare --baseline`: what every other check would say of it, in one reading. */
      readonly kind: 'compare';
      readonly limits: readonly Nanos[];
      readonly thresholds: PerfThresholds;
      readonly external: readonly string[];
      readonly listed?: readonly string[];
    }
  | {
      /** `compare --where`: each trace's attribute values, counted in its group. */
      readonly kind: 'bubble-up';
      readonly limits: readonly Nanos[];
      readonly predicate: WherePredicate;
    };

export interface TaskResults {
  errors: ErrorRecord[];
  summaries: TraceSummary;
  /** Nothing: each trace's part is added up where it is worked out, and the totals come apart (taskTotals). */
  perf: undefined;
  /** Without what OrderFreeTotals takes out: the worker sends that once, with its results. */
  propagation: TracePart;
  /** Each trace's failing spans and its part of the propagation checks; the rest is added up. */
  compare: { readonly errors: ErrorRecord[]; readonly part: TracePart };
  'bubble-up': undefined;
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
  compare: CompareTotals;
  'bubble-up': BubbleUpData;
}

/** What one thread adds up of a compare run: operations and edges, performance, what propagation adds up apart. */
export interface CompareTotals {
  readonly facts: RunAggregateData;
  readonly perf: PerfTotals;
  readonly propagation: OrderFreeTotalsData;
}

/** What is kept across the traces of one task: sets made once, totals added up. */
const stateOf = new WeakMap<
  object,
  { external: ReadonlySet<string>; listed: ReadonlySet<string>; totals: OrderFreeTotals }
>();
const perfTotalsOf = new WeakMap<object, PerfTotals>();
const aggregateOf = new WeakMap<object, RunAggregate>();
const bubbleUpOf = new WeakMap<object, BubbleUpAccumulator>();

/** The value kept for `task` in `map`, made by `make` the first time. */
function kept<V>(map: WeakMap<object, V>, task: object, make: () => V): V {
  let value = map.get(task);
  if (value === undefined) {
    value = make();
    map.set(task, value);
  }
  return value;
}

function propagationState(task: Extract<TraceTask, { kind: 'propagation' | 'compare' }>) {
  return kept(stateOf, task, () => ({
    external: new Set(task.external),
    listed: new Set(task.listed),
    totals: new OrderFreeTotals(),
  }));
}

/** The task's totals over the traces it was run on in this thread; undefined for a task that adds nothing up, or before its first trace. */
export function taskTotals<K extends TraceTask['kind']>(
  task: Extract<TraceTask, { kind: K }>,
): TaskTotals[K] | undefined {
  switch (task.kind) {
    case 'perf':
      return perfTotalsOf.get(task) as TaskTotals[K] | undefined;
    case 'bubble-up':
      return bubbleUpOf.get(task)?.toData() as TaskTotals[K] | undefined;
    case 'compare': {
      const facts = aggregateOf.get(task);
      const perf = perfTotalsOf.get(task);
      const propagation = stateOf.get(task)?.totals.data();
      if (!facts || !perf || !propagation) return undefined;
      return { facts: facts.toData(), perf, propagation } satisfies CompareTotals as TaskTotals[K];
    }
    default:
      return stateOf.get(task)?.totals.data() as TaskTotals[K] | undefined;
  }
}

export const TASKS = {
  errors: (trace, task) => errorRecordsOf(trace, { limits: task.limits }, task.service),
  summaries: (trace) => summarizeTrace(trace),
  perf: (trace, task) => {
    const totals = kept(perfTotalsOf, task, emptyPerfTotals);
    addTracePerf(totals, trace.traceId, tracePerf(buildTree(trace), task.thresholds));
    return undefined;
  },
  propagation: (trace, task) => {
    const state = propagationState(task);
    return state.totals.take(tracePart(buildTree(trace), { external: state.external }, state.listed));
  },
  compare: (trace, task) => {
    const tree = buildTree(trace);
    kept(aggregateOf, task, () => new RunAggregate()).addTrace(compareFactsOf(tree));
    addTracePerf(kept(perfTotalsOf, task, emptyPerfTotals), trace.traceId, tracePerf(tree, task.thresholds));
    const state = propagationState(task);
    const part = state.totals.take(tracePart(tree, { external: state.external }, state.listed));
    return { errors: errorRecordsOf(trace, { limits: task.limits }, undefined), part };
  },
  'bubble-up': (trace, task) => {
    kept(bubbleUpOf, task, () => new BubbleUpAccumulator()).add(
      bubbleUpFactsOf(trace, task.predicate, { limits: task.limits }),
    );
    return undefined;
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
    case 'compare':
      return TASKS.compare(trace, task);
    case 'bubble-up':
      return TASKS['bubble-up'](trace, task);
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

/** A task that runs the propagation checks, and so needs the first round (otherRootServices). */
export function checksPropagation(
  task: TraceTask,
): task is Extract<TraceTask, { kind: 'propagation' | 'compare' }> {
  return task.kind === 'propagation' || task.kind === 'compare';
}

/** A task whose totals cover every trace a thread holds: with a search limit, one thread reads. */
export function addsUp(task: TraceTask): boolean {
  return task.kind !== 'errors' && task.kind !== 'summaries';
}
