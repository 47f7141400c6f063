import { spanCompactor } from '../analysis/compact-span.js';
import { SourceError } from '../errors.js';
import { earliestStart, newestFirst } from '../model/collect-traces.js';
import type { TraceQuery } from '../model/query.js';
import type { Trace } from '../model/types.js';
import type { TraceBackend } from '../sources/backends.js';
import { eachTrace } from './each-trace.js';
import type { PipelineHooks } from './hooks.js';
import { type FileInputs, readInputs, resolveInputs } from './inputs.js';
import { refuseTraceQL, requireService, searchBackend, searchEveryService, searchLoaded } from './search.js';
import {
  checksPropagation,
  otherRootServices,
  runTask,
  type TaskResults,
  type TaskTotals,
  type TraceResult,
  type TraceTask,
  taskTotals,
} from './tasks.js';

/** Where the traces come from: files (or stdin), or a search of Jaeger or Tempo. */
export type TraceSource =
  | ({ readonly kind: 'files' } & FileInputs)
  | { readonly kind: 'backend'; readonly backend: TraceBackend };

/** Which traces a command works on. */
export interface Selection {
  readonly source: TraceSource;
  readonly query: TraceQuery;
  /**
   * A check across services keeps every service's traces: `--service` then narrows its report,
   * not the traces (a split trace has its halves in two services).
   */
  readonly everyService?: boolean;
  /** Span attributes to keep beyond those the analysis reads (the rules of `assert`). */
  readonly keepAttributes?: readonly string[];
  /** OTRACE_THREADS and OTRACE_PARALLEL_MIN_BYTES (parallel/read-in-parallel.ts). */
  readonly env: NodeJS.ProcessEnv;
}

/** A task's result for each selected trace, and what the task adds up apart (propagation, perf). */
export interface OverTraces<R, T = undefined> {
  /**
   * Files: ordered by earliest start, then id; a backend: newest first. Cut to the search's limit.
   * Iterate once: in-process, each result is worked out as it is asked for and its trace let go,
   * so a command that folds the results as they come (errors) never holds them all.
   */
  readonly results: Iterable<TraceResult<R>>;
  /**
   * The task's totals (tasks.ts's TaskTotals: a propagation check's OrderFreeTotals, perf's
   * PerfTotals), one per thread that read traces, once `results` were iterated; none for other tasks.
   */
  totals(): T[];
}

/**
 * The one way a command goes over many traces: the selection is read, searched and `task` is
 * worked out for each trace, and only the results are kept. A big JSON Lines export is read by
 * worker threads (parallel/read-in-parallel.ts); anything else in-process, through the same task
 * functions (tasks.ts), so the results are the same either way and both are exercised on every
 * input. A backend that sums traces up itself (Jaeger 2.19+) answers `summaries` directly.
 */
export async function overTraces<K extends TraceTask['kind']>(
  selection: Selection,
  task: Extract<TraceTask, { kind: K }>,
  hooks: PipelineHooks,
): Promise<OverTraces<TaskResults[K], TaskTotals[K]>> {
  const { source } = selection;
  if (source.kind === 'files') {
    refuseTraceQL(selection.query, 'files');
    const inputs = await resolveInputs(source.files, source.stdinIsTTY);
    const { readInParallel } = await import('./parallel/read-in-parallel.js');
    const parallel = await readInParallel(
      {
        inputs,
        inputFormat: source.inputFormat,
        keepAttributes: keptAttributes(selection),
        env: selection.env,
        debug: hooks.debug,
      },
      filesQuery(selection),
      task,
      hooks.warn,
    );
    if (parallel) return { results: parallel.results, totals: () => parallel.totals };
    return runInProcess(await readSelected(selection, source, inputs, hooks), task);
  }
  if (task.kind === 'summaries') {
    const summaries = await backendSummaries(source.backend, selection.query);
    if (summaries)
      return {
        results: summaries.map((s) => ({ traceId: s.traceId, start: s.start, result: s })) as TraceResult<
          TaskResults[K]
        >[],
        totals: () => [],
      };
  }
  return runInProcess(await searchSelected(selection, source.backend, hooks), task);
}

/** The selected traces themselves, whole, for a command that needs more than a task's result (`assert`). */
export async function selectTraces(selection: Selection, hooks: PipelineHooks): Promise<Trace[]> {
  const { source } = selection;
  if (source.kind === 'backend') return searchSelected(selection, source.backend, hooks);
  refuseTraceQL(selection.query, 'files');
  const inputs = await resolveInputs(source.files, source.stdinIsTTY);
  return readSelected(selection, source, inputs, hooks);
}

/** The attributes kept beyond those the analysis reads: the search's tags and the selection's own. */
function keptAttributes(selection: Selection): string[] {
  return [...selection.query.tags.map(([key]) => key), ...(selection.keepAttributes ?? [])];
}

/** The query over files: a check across services drops `--service`. */
function filesQuery(selection: Selection): TraceQuery {
  return selection.everyService ? { ...selection.query, service: undefined } : selection.query;
}

async function readSelected(
  selection: Selection,
  source: Extract<TraceSource, { kind: 'files' }>,
  inputs: readonly string[],
  hooks: PipelineHooks,
): Promise<Trace[]> {
  const loaded = await readInputs(
    inputs,
    source.stdin,
    {
      warn: hooks.warn,
      inputFormat: source.inputFormat,
      // The whole input is read before any trace is complete: keep only what is analysed.
      compact: spanCompactor(keptAttributes(selection)),
    },
    hooks.skipInput,
  );
  if (loaded.traces.length === 0)
    throw new SourceError(`${loaded.inputNames.join(', ')}: no spans found`, 'the input holds no trace data');
  return searchLoaded(loaded.traces, filesQuery(selection));
}

async function searchSelected(
  selection: Selection,
  backend: TraceBackend,
  hooks: PipelineHooks,
): Promise<Trace[]> {
  // The whole answer is read before any trace is analysed: keep only what is analysed.
  const compact = spanCompactor(keptAttributes(selection));
  if (selection.everyService) return searchEveryService(backend, selection.query, hooks, compact);
  return searchBackend(backend, selection.query, hooks, compact);
}

async function backendSummaries(backend: TraceBackend, query: TraceQuery) {
  await requireService(backend, query);
  const summaries = await backend.traceSummaries(query);
  return summaries && newestFirst(summaries, (s) => s).slice(0, query.limit);
}

/**
 * The task over traces in this thread, as a worker does over its own: a propagation task first
 * learns the services of every trace's possible other roots, each trace's result is worked out
 * when it is asked for and the trace let go (eachTrace), and the order-free totals come apart
 * from the parts.
 */
function runInProcess<K extends TraceTask['kind']>(
  traces: Trace[],
  task: Extract<TraceTask, { kind: K }>,
): OverTraces<TaskResults[K], TaskTotals[K]> {
  let run = task;
  if (checksPropagation(task)) {
    const listed = new Set<string>();
    for (const trace of traces) otherRootServices(trace, listed);
    run = { ...task, listed: [...listed] } as Extract<TraceTask, { kind: K }>;
  }
  function* results(): Generator<TraceResult<TaskResults[K]>> {
    for (const trace of eachTrace(traces)) {
      const result = runTask(trace, run) as TaskResults[K];
      yield { traceId: trace.traceId, start: earliestStart(trace), result };
    }
  }
  return {
    results: results(),
    totals: () => {
      const totals = taskTotals(run);
      return totals ? [totals] : [];
    },
  };
}
