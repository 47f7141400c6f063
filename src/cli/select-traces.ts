import { spanCompactor } from '../analysis/compact-span.js';
import { summarizeTrace } from '../analysis/summarize-trace.js';
import { SourceError } from '../errors.js';
import { newestFirst } from '../model/collect-traces.js';
import type { TraceSummary } from '../model/summary.js';
import type { Nanos, Trace } from '../model/types.js';
import type { InputFormat } from '../schema/decode.js';
import type { CommandContext } from './context.js';
import { type BackendOptions, chooseBackend } from './fetch-trace.js';
import { loadTraces } from './load-input.js';
import type { ParallelRead } from './parallel/read-in-parallel.js';
import type { TaskResults, TraceTask } from './parallel/tasks.js';
import { startProgress } from './progress.js';
import {
  parseSearch,
  requireService,
  type SearchOptions,
  searchBackend,
  searchEveryService,
  searchLoaded,
} from './search-traces.js';

export interface SelectOptions extends BackendOptions, SearchOptions {
  file?: string[];
  inputFormat: InputFormat;
  format: string;
}

/**
 * The traces a command that looks across traces works on: from files (the search flags filter
 * them locally) or from a search of Jaeger or Tempo. With `summaries`, a backend that can count
 * spans and errors itself (Jaeger 2.19+) answers with summaries instead of spans.
 */
export async function selectTraces(
  ctx: CommandContext,
  options: SelectOptions,
  want: { summaries: boolean; everyService?: boolean; keepAttributes?: readonly string[] },
): Promise<{ kind: 'traces'; traces: Trace[] } | { kind: 'summaries'; summaries: TraceSummary[] }> {
  const files = options.file ?? [];
  const now = nowNanos();
  const backend = chooseBackend(options, files, ctx);
  if (!backend) {
    const query = parseSearch(options, false, now);
    const loaded = await loadTraces(
      {
        files,
        inputFormat: options.inputFormat,
        stdinIsTTY: ctx.terminal.stdinIsTTY,
        stdin: ctx.io.stdin,
        // The whole input is read before any trace is complete: keep only what is analysed.
        compact: spanCompactor([...query.tags.map(([key]) => key), ...(want.keepAttributes ?? [])]),
      },
      ctx.warn,
    );
    if (loaded.traces.length === 0)
      throw new SourceError(
        `${loaded.inputNames.join(', ')}: no spans found`,
        'the input holds no trace data',
      );
    // A check across services keeps every service's traces; `--service` then narrows its report.
    const selection = want.everyService ? { ...query, service: undefined } : query;
    return { kind: 'traces', traces: searchLoaded(loaded.traces, selection) };
  }
  const query = parseSearch(options, true, now);
  const progress = await startProgress(ctx.terminal, options.format, `searching ${backend.baseUrl}`);
  try {
    if (want.everyService)
      return { kind: 'traces', traces: await searchEveryService(backend, query, ctx, progress.update) };
    await requireService(backend, query);
    const summaries = want.summaries ? await backend.traceSummaries(query) : undefined;
    if (summaries)
      return { kind: 'summaries', summaries: newestFirst(summaries, (s) => s).slice(0, query.limit) };
    return { kind: 'traces', traces: await searchBackend(backend, query, ctx, progress.update) };
  } finally {
    progress.stop();
    await backend.close();
  }
}

/**
 * The result of `task` for each selected trace of one big export file, worked out by parallel
 * readers (see parallel/read-in-parallel.ts), in the order and number `selectTraces` gives; or
 * undefined where the input is not such a file: then select the traces themselves.
 */
export async function selectInParallel<K extends TraceTask['kind']>(
  ctx: CommandContext,
  options: SelectOptions,
  task: Extract<TraceTask, { kind: K }>,
  want: { everyService?: boolean } = {},
): Promise<ParallelRead<TaskResults[K]> | undefined> {
  const files = options.file ?? [];
  if (files.length === 0 || chooseBackend(options, files, ctx)) return undefined;
  const query = parseSearch(options, false, nowNanos());
  const { readInParallel } = await import('./parallel/read-in-parallel.js');
  return readInParallel(
    {
      files,
      inputFormat: options.inputFormat,
      stdinIsTTY: ctx.terminal.stdinIsTTY,
      keepAttributes: query.tags.map(([key]) => key),
      env: ctx.terminal.env,
      debug: ctx.terminal.env.OTRACE_DEBUG ? (m) => ctx.diagnostic(`otrace: debug: ${m}`) : undefined,
    },
    // As in selectTraces: a check across services keeps every service's traces.
    want.everyService ? { ...query, service: undefined } : query,
    task,
    ctx.warn,
  );
}

/** One line per trace, from summaries when the backend gave them. */
export async function selectSummaries(ctx: CommandContext, options: SelectOptions): Promise<TraceSummary[]> {
  const parallel = await selectInParallel(ctx, options, { kind: 'summaries' });
  if (parallel) return parallel.results.map((r) => r.result);
  const selected = await selectTraces(ctx, options, { summaries: true });
  return selected.kind === 'summaries' ? selected.summaries : selected.traces.map(summarizeTrace);
}

/** The present, for the search flags relative to it (`--since`, `--end` by default). */
function nowNanos(): Nanos {
  return (BigInt(Date.now()) * 1_000_000n) as Nanos;
}
