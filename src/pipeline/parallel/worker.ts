import { serialize } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { spanCompactor } from '../../analysis/compact-span.js';
import { traceMatches } from '../../analysis/match-query.js';
import { OtraceError } from '../../errors.js';
import { earliestStart } from '../../model/collect-traces.js';
import type { SpanOrigin, Trace, TraceId } from '../../model/types.js';
import type { LocatedWarning } from '../../schema/decode-context.js';
import { readLineRange, readMessageRange } from '../../sources/file-source.js';
import { TraceDecoder } from '../decode-traces.js';
import { eachTrace, fullCollection } from '../each-trace.js';
import { checksPropagation, otherRootServices, runTask, type TraceResult, taskTotals } from '../tasks.js';
import type { FlatError, FromWorker, ToWorker, WorkerJob, WorkerResults } from './messages.js';

/**
 * One worker of a parallel read (see read-in-parallel.ts): decodes its range of the file into
 * compact traces, trades the traces that cross its range's edges, and sends back each trace's
 * result, never its spans.
 */
const job = workerData as WorkerJob;
const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);
const inbox = messages();

async function run(): Promise<void> {
  let traces: Trace[];
  const counted = { lines: 0, chars: 0 };
  try {
    traces = await readRange(counted);
  } catch (error) {
    post({ type: 'failed', error: flatten(error) });
    return;
  }
  post({ type: 'loaded', traceIds: traces.map((t) => t.traceId), lines: counted.lines });

  const exchange = await next('exchange');
  relocateOrigins(traces, exchange.lineOffset);
  const give = new Set(exchange.give);
  post({ type: 'given', traces: traces.filter((t) => give.has(t.traceId)) });
  traces = traces.filter((t) => !give.has(t.traceId));
  traces = completed(traces, (await next('take')).traces);

  const selected = traces.filter((trace) => traceMatches(trace, job.query));
  traces = [];
  let task = job.task;
  if (checksPropagation(task)) {
    // context-lost looks into the spans of the services of other roots, in any trace: all
    // workers' such services are gathered first, so that each part carries just those spans.
    const services = new Set<string>();
    for (const trace of selected) otherRootServices(trace, services);
    post({ type: 'rootServices', services: [...services] });
    task = { ...task, listed: (await next('analyse')).listed };
  }
  // Each trace is let go once its result is taken. Results leave in serialized batches: one
  // serialization of them all needed several times their size at once.
  let results: TraceResult<unknown>[] = [];
  const send = (last: boolean) => {
    const totals = last ? taskTotals(task) : undefined;
    const bytes = serialize({ results, totals } satisfies WorkerResults);
    port.postMessage({ type: 'results', bytes, last } satisfies FromWorker, [bytes.buffer]);
    results = [];
  };
  for (const trace of eachTrace(
    selected,
    task.kind === 'perf' ? PERF_SPANS_PER_COLLECTION : SPANS_PER_COLLECTION,
  )) {
    results.push({ traceId: trace.traceId, start: earliestStart(trace), result: runTask(trace, task) });
    if (results.length === RESULTS_PER_BATCH) send(false);
  }
  send(true);
}

const RESULTS_PER_BATCH = 2_000;
/**
 * A worker's heap stays committed at its peak (a full collection frees objects, not pages), so
 * it is collected more often than the main thread's: with a collection every 125,000 spans,
 * check-propagation on the 400 MB export peaked at 333-344 MB against 357-368 MB at 250,000.
 */
const SPANS_PER_COLLECTION = 125_000;
/**
 * `perf` builds every trace's tree and reads each call, and some of what that allocates lives
 * long enough to be promoted: collected twice as often, the 400 MB export peaked at 323 MB
 * against 360 MB.
 */
const PERF_SPANS_PER_COLLECTION = 60_000;

/**
 * The range's traces. The collector is let go on return: its map would otherwise hold every span
 * while the traces are analysed and let go one by one.
 */
async function readRange(counted: { lines: number; chars: number }): Promise<Trace[]> {
  const warn = (message: string, located?: LocatedWarning) =>
    post({
      type: 'warn',
      warning: { message, at: located?.at, detail: located?.detail ?? message },
    });
  const decoder = new TraceDecoder({
    warn,
    inputFormat: job.inputFormat,
    compact: spanCompactor([...job.keepAttributes]),
  });
  // Large lines leave garbage the young generation cannot hold: collected as the range is read.
  const every = job.collectEveryChars;
  const collect = every === undefined ? undefined : fullCollection();
  let collectedAt = 0;
  const documents =
    job.layout === 'protobuf'
      ? readMessageRange(job.path, job.file, job.range, counted)
      : readLineRange(job.path, job.file, job.range, counted, warn);
  for await (const doc of documents) {
    decoder.add(doc.value, doc.file, doc.line);
    if (collect && every !== undefined && counted.chars - collectedAt >= every) {
      collect();
      collectedAt = counted.chars;
    }
  }
  return decoder.traces();
}

/**
 * Spans were read with lines numbered from the range's start: each place (one object per
 * document, shared by its spans) is moved to the file's own line, so that what leaves this
 * worker is what one thread reading the whole file would have.
 */
function relocateOrigins(traces: readonly Trace[], lineOffset: number): void {
  if (lineOffset === 0) return;
  const moved = new Set<SpanOrigin>();
  for (const trace of traces)
    for (const { origin } of trace.spans)
      if (!moved.has(origin)) {
        moved.add(origin);
        (origin as { line: number }).line += lineOffset;
      }
}

/** Own traces with the parts that other workers read appended, in file order. */
function completed(own: Trace[], parts: readonly Trace[]): Trace[] {
  if (parts.length === 0) return own;
  const byId = new Map<TraceId, Trace>(own.map((t) => [t.traceId, t]));
  for (const part of parts) {
    const mine = byId.get(part.traceId);
    byId.set(
      part.traceId,
      mine
        ? {
            traceId: part.traceId,
            spans: [...mine.spans, ...part.spans],
            warnings: [...new Set([...mine.warnings, ...part.warnings])],
          }
        : part,
    );
  }
  return [...byId.values()];
}

function flatten(error: unknown): FlatError {
  if (error instanceof OtraceError)
    return { exitCode: error.exitCode, detail: error.detail, hint: error.hint, at: error.at };
  return {
    exitCode: undefined,
    detail: error instanceof Error ? error.message : String(error),
    hint: undefined,
    at: undefined,
  };
}

/** The main thread's messages, one at a time, in order. */
async function* messages(): AsyncGenerator<ToWorker> {
  const queue: ToWorker[] = [];
  let wake: (() => void) | undefined;
  port.on('message', (message: ToWorker) => {
    queue.push(message);
    wake?.();
  });
  // Bounded by the conversation: the main thread sends two or three messages, then the worker exits.
  for (;;) {
    while (queue.length > 0) yield queue.shift()!;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
}

async function next<T extends ToWorker['type']>(type: T): Promise<Extract<ToWorker, { type: T }>> {
  const { value } = await inbox.next();
  if (!value || value.type !== type) throw new Error(`parallel read: expected ${type}, got ${value?.type}`);
  return value as Extract<ToWorker, { type: T }>;
}

run().then(
  () => port.close(),
  (error: unknown) => {
    post({ type: 'failed', error: flatten(error) });
    port.close();
  },
);
