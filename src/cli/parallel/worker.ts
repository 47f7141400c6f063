import { parentPort, workerData } from 'node:worker_threads';
import { spanCompactor } from '../../analysis/compact-span.js';
import { traceMatches } from '../../analysis/match-query.js';
import { OtraceError } from '../../errors.js';
import { TraceCollector } from '../../model/collect-traces.js';
import type { Trace, TraceId } from '../../model/types.js';
import { decodeDocument } from '../../schema/decode.js';
import { readLineRange } from '../../sources/file-source.js';
import { eachTrace } from '../each-trace.js';
import type { FlatError, FromWorker, ToWorker, WorkerJob } from './messages.js';
import { earliestStart, TASKS, type TraceResult } from './tasks.js';

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
  try {
    traces = await readRange();
  } catch (error) {
    post({ type: 'failed', error: flatten(error) });
    return;
  }
  post({ type: 'loaded', traceIds: traces.map((t) => t.traceId) });

  const exchange = await next('exchange');
  const give = new Set(exchange.give);
  post({ type: 'given', traces: traces.filter((t) => give.has(t.traceId)) });
  traces = traces.filter((t) => !give.has(t.traceId));
  traces = completed(traces, (await next('take')).traces);

  const results: TraceResult<unknown>[] = [];
  const task = job.task;
  eachTrace(traces, (trace) => {
    if (!traceMatches(trace, job.query)) return;
    const result = task.kind === 'errors' ? TASKS.errors(trace, task) : TASKS.summaries(trace);
    results.push({ traceId: trace.traceId, start: earliestStart(trace), result });
  });
  post({ type: 'results', results });
}

/**
 * The range's traces. The collector is let go on return: its map would otherwise hold every span
 * while the traces are analysed and let go one by one.
 */
async function readRange(): Promise<Trace[]> {
  const collector = new TraceCollector(spanCompactor([...job.keepAttributes]));
  const warn = (message: string) => post({ type: 'warn', message });
  for await (const doc of readLineRange(job.path, job.file, job.range)) {
    decodeDocument(doc.value, { file: doc.file, line: doc.line, warn }, collector, job.inputFormat);
  }
  return collector.traces();
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
    return { exitCode: error.exitCode, message: error.message, hint: error.hint };
  return {
    exitCode: undefined,
    message: error instanceof Error ? error.message : String(error),
    hint: undefined,
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
  // Bounded by the conversation: the main thread sends two messages, then the worker exits.
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
