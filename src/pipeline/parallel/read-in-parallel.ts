import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { deserialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { formatLocation, InputError, type InputLocation, SourceError } from '../../errors.js';
import { byStartThenId } from '../../model/collect-traces.js';
import type { TraceQuery } from '../../model/query.js';
import type { Trace, TraceId } from '../../model/types.js';
import type { InputFormat } from '../../schema/decode.js';
import {
  longestLineIn,
  type MessageRange,
  splitIntoLineRanges,
  splitIntoMessageRanges,
} from '../../sources/file-ranges.js';
import { protobufLayout } from '../../sources/file-source.js';
import {
  addsUp,
  checksPropagation,
  type TaskResults,
  type TaskTotals,
  type TraceResult,
  type TraceTask,
} from '../tasks.js';
import type { FlatError, FlatWarning, FromWorker, ToWorker, WorkerJob, WorkerResults } from './messages.js';

/**
 * A big JSON Lines export (or the Collector's `format: proto`, cut at messages) read by several
 * threads at once. Parsing JSON is most of the work of
 * `errors`, `list` and `check-propagation` on a file, and one thread does it at one core's speed.
 * Here the file is cut into byte ranges at line starts; each worker decodes its range, the traces
 * that cross a cut are handed to one worker (the one that read their first part), each worker
 * works out every trace's result (error records, a summary, its part of the propagation checks)
 * and only those results come back.
 *
 *   file    |----range 0----|----range 1----|
 *   trace A  ···········A·A·|·A··                 spans on both sides: completed by worker 0
 *
 * The results are ordered by trace start, then id, and cut to the search's limit, so the report
 * is the one a single thread gives. Warnings and errors carry the file's own line numbers.
 * Inputs this does not fit (stdin, several files, gzip, one big document, small files) return
 * undefined: the pipeline reads them in-process (pipeline/over-traces.ts).
 */
export async function readInParallel<K extends TraceTask['kind']>(
  input: {
    /** The inputs, resolved (pipeline/inputs.ts). */
    readonly inputs: readonly string[];
    readonly inputFormat: InputFormat;
    readonly keepAttributes: readonly string[];
    /** OTRACE_THREADS, OTRACE_PARALLEL_MIN_BYTES. */
    readonly env: NodeJS.ProcessEnv;
    /** Says how the file is read (OTRACE_DEBUG). */
    readonly debug?: (message: string) => void;
  },
  query: TraceQuery,
  task: Extract<TraceTask, { kind: K }>,
  warn: (message: string) => void,
): Promise<ParallelRead<TaskResults[K], TaskTotals[K]> | undefined> {
  const { env, inputs } = input;
  const threads = threadsWanted(env);
  if (threads < 2 || inputs.length !== 1 || inputs[0] === '-') return undefined;
  // Totals cover every trace a worker holds, not the limit's: with a limit, one thread.
  if (addsUp(task) && Number.isFinite(query.limit)) return undefined;
  const path = inputs[0]!;
  const size = await fileSize(path);
  if (size === undefined || size < minBytes(env)) return undefined;
  const split = await splitInput(path, threads);
  if (!split || split.ranges.length < 2) return undefined;

  // Protobuf messages are decoded in place, without a text's garbage: the small generation does.
  const youngMb =
    split.layout === 'lines'
      ? youngGenerationMb(await longestLineIn(path, SAMPLE_BYTES))
      : SMALL_YOUNG_GENERATION_MB;
  const jobs = split.ranges.map(
    (range): WorkerJob => ({
      path,
      file: path,
      layout: split.layout,
      range,
      inputFormat: input.inputFormat,
      keepAttributes: input.keepAttributes,
      query,
      task,
      collectEveryChars: youngMb > SMALL_YOUNG_GENERATION_MB ? COLLECT_EVERY_CHARS : undefined,
    }),
  );
  input.debug?.(`reading ${path} with ${jobs.length} threads`);
  const { answers, totalTraces } = await converse(jobs, youngMb, warn);
  // Read only now: every worker has stopped, and its heap is gone.
  const read = answers.map((bytes) => deserialize(bytes) as WorkerResults);
  const results = read.flatMap((r) => r.results) as TraceResult<TaskResults[K]>[];
  if (results.length === 0 && totalTraces === 0)
    throw new SourceError(`${path}: no spans found`, 'the input holds no trace data');
  const ordered = results.sort(byStartThenId);
  return {
    results: Number.isFinite(query.limit) ? ordered.slice(0, query.limit) : ordered,
    totals: read.flatMap((r) => (r.totals ? [r.totals as TaskTotals[K]] : [])),
  };
}

export interface ParallelRead<R, T> {
  /** Each selected trace's result, ordered by earliest start, then id; cut to the limit. */
  readonly results: TraceResult<R>[];
  /** Each worker's totals, for a task that adds up (tasks.ts's TaskTotals). */
  readonly totals: T[];
}

/**
 * The file cut into ranges a worker each: JSON Lines at lines, the Collector's protobuf at
 * messages. Undefined for anything else.
 */
async function splitInput(
  path: string,
  parts: number,
): Promise<{ layout: WorkerJob['layout']; ranges: readonly MessageRange[] } | undefined> {
  const lines = await splitIntoLineRanges(path, parts);
  if (lines) return { layout: 'lines', ranges: lines.map((range) => ({ ...range, firstMessage: 0 })) };
  const messages = await splitIntoMessageRanges(path, parts, (head) => protobufLayout(head) === 'delimited');
  return messages && { layout: 'protobuf', ranges: messages };
}

/** Below this a file is read by one thread: starting workers costs more than it saves. */
const DEFAULT_MIN_BYTES = 64 * 2 ** 20;
const MAX_THREADS = 4;
const DEFAULT_THREADS = 2;
/** The sample of the file whose longest line sizes the workers' young generation. */
const SAMPLE_BYTES = 8 * 2 ** 20;
/** The young generation where lines are small. */
const SMALL_YOUNG_GENERATION_MB = 8;

/**
 * Each worker's young generation, in MB, from the longest line of the sample: parsing a line
 * makes objects of about 16 times its size, all garbage once its spans are kept compact, and
 * what outgrows the young generation is promoted to the old one, whose heap stays committed.
 * Small, where lines are small: each worker's own default made two workers hold 377 MB where
 * 8 MB holds 318 MB on the bench's default export, at the same speed. Larger, where lines are
 * large: on lines of about 1.3 MB (400 traces a line), 8 MB took 4.15 s and 670 MB, 16 MB 3.09 s
 * and 470 MB; on a batch processor's 650 KB lines 8 MB took 3.52 s and 427 MB, 16 MB 2.78 s and
 * 379 MB; with 2 MB lines (wide fan-out) 32 MB 2.45 s and 416 MB against 3.56 s and 551 MB.
 */
export function youngGenerationMb(longestLine: number): number {
  const wanted = (16 * longestLine) / 2 ** 20;
  for (const mb of [SMALL_YOUNG_GENERATION_MB, 16, 32]) if (wanted <= mb) return mb;
  return 64;
}

/**
 * Where lines are large, even a larger young generation promotes some of their garbage: a full
 * collection each 48 MB of text read kept the peak at 427 MB against 505 MB on 1.3 MB lines (2.91
 * against 2.74 s), 374 against 424 MB on a batch processor's lines, 373 against 428 MB with wide
 * fan-out. On small lines it bought nothing and cost 11% (2.65 against 2.38 s): none there.
 */
const COLLECT_EVERY_CHARS = 48 * 2 ** 20;

/**
 * Two workers where there are two cores; OTRACE_THREADS=N sets the number (1: one thread does it
 * all, at most 4). On a 2-core machine two workers read the 400 MB export in 2.2 s against 2.9 s
 * for one thread, holding 320 MB against 281 MB: each worker's heap keeps its own headroom, about
 * 25 MB more per worker (376 MB with 4), which is why more are not started unasked.
 */
function threadsWanted(env: NodeJS.ProcessEnv): number {
  const set = Number(env.OTRACE_THREADS);
  if (Number.isInteger(set) && set >= 1) return Math.min(set, MAX_THREADS);
  return Math.min(availableParallelism(), DEFAULT_THREADS);
}

/** OTRACE_PARALLEL_MIN_BYTES lowers the size from which a file is read in parallel (tests use it). */
function minBytes(env: NodeJS.ProcessEnv): number {
  const set = Number(env.OTRACE_PARALLEL_MIN_BYTES);
  return Number.isInteger(set) && set >= 0 ? set : DEFAULT_MIN_BYTES;
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

interface WorkerState {
  readonly job: WorkerJob;
  readonly worker: Worker;
  readonly warnings: FlatWarning[];
  /** Lines in the worker's range, once it has read it. */
  lines?: number;
  /** Lines before the worker's range: the sum of the earlier ranges' lines. */
  linesBefore?: number;
  loaded?: readonly TraceId[];
  failed?: FlatError;
  given?: readonly Trace[];
  rootServices?: readonly string[];
  /** The worker's results, in serialized batches (messages.ts: WorkerResults). */
  readonly answers: Uint8Array[];
  /** The last batch has come. */
  answered?: boolean;
}

/** Runs the workers through the conversation in messages.ts; every wait ends with a message or an exit. */
async function converse(
  jobs: readonly WorkerJob[],
  youngMb: number,
  warn: (message: string) => void,
): Promise<{ answers: Uint8Array[]; totalTraces: number }> {
  const states: WorkerState[] = jobs.map((job) => ({
    job,
    worker: new Worker(new URL('./worker.js', import.meta.url), {
      workerData: job,
      // Sized to the lines (youngGenerationMb).
      resourceLimits: { maxYoungGenerationSizeMb: youngMb },
    }),
    warnings: [],
    answers: [],
  }));
  const send = (state: WorkerState, message: ToWorker): void => {
    state.worker.postMessage(message);
  };
  try {
    await Promise.all(
      states.map((state) => listen(state, (s) => s.loaded !== undefined || s.failed !== undefined)),
    );
    countLinesBefore(states);
    const failed = states.find((s) => s.failed);
    if (failed) {
      flushWarnings(states.slice(0, states.indexOf(failed) + 1), warn);
      throw relocatedError(failed);
    }
    // Each trace read by several workers goes to the first of them, which read its first part.
    const owner = new Map<TraceId, number>();
    const give: TraceId[][] = states.map(() => []);
    states.forEach((state, i) => {
      for (const id of state.loaded!) {
        const first = owner.get(id);
        if (first === undefined) owner.set(id, i);
        else give[i]!.push(id);
      }
    });
    for (const [i, state] of states.entries())
      send(state, { type: 'exchange', give: give[i]!, lineOffset: state.linesBefore! });
    await Promise.all(states.map((state) => listen(state, (s) => s.given !== undefined)));
    const take: Trace[][] = states.map(() => []);
    for (const state of states)
      for (const trace of state.given!) take[owner.get(trace.traceId)!]!.push(trace);
    for (const [i, state] of states.entries()) send(state, { type: 'take', traces: take[i]! });
    if (checksPropagation(jobs[0]!.task)) {
      await Promise.all(
        states.map((state) => listen(state, (s) => s.rootServices !== undefined || s.failed !== undefined)),
      );
      const listed = new Set(states.flatMap((s) => s.rootServices ?? []));
      for (const state of states) send(state, { type: 'analyse', listed: [...listed] });
    }
    await Promise.all(
      states.map((state) => listen(state, (s) => s.answered === true || s.failed !== undefined)),
    );
    const late = states.find((s) => s.failed);
    if (late) throw relocatedError(late);
    flushWarnings(states, warn);
    return { answers: states.flatMap((s) => s.answers), totalTraces: owner.size };
  } finally {
    await Promise.all(states.map((s) => s.worker.terminate()));
  }
}

/** Resolves once `done(state)` holds after a message; a worker that dies first is an internal error. */
function listen(state: WorkerState, done: (state: WorkerState) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (done(state)) return resolve();
    const onMessage = (message: FromWorker) => {
      if (message.type === 'warn') state.warnings.push(message.warning);
      else if (message.type === 'failed') state.failed = message.error;
      else if (message.type === 'loaded') {
        state.loaded = message.traceIds;
        state.lines = message.lines;
      } else if (message.type === 'given') state.given = message.traces;
      else if (message.type === 'rootServices') state.rootServices = message.services;
      else {
        state.answers.push(message.bytes);
        if (message.last) state.answered = true;
      }
      if (done(state)) finish(resolve);
    };
    const onError = (error: Error) => finish(() => reject(error));
    const onExit = (code: number) =>
      finish(() => reject(new Error(`a parallel reader stopped (exit code ${code}) before it was done`)));
    const finish = (then: () => void) => {
      state.worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      then();
    };
    state.worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

/**
 * Each range's first line in the file, from the lines of the ranges before it; known up to the
 * first worker that failed, which is the one whose error is reported.
 */
function countLinesBefore(states: WorkerState[]): void {
  let before = 0;
  for (const state of states) {
    state.linesBefore = before;
    if (state.lines === undefined) return;
    before += state.lines;
  }
}

/** A worker numbers lines from its range's start; the place is moved to the file's own line. */
function relocate(at: InputLocation, state: WorkerState): InputLocation {
  if (at.line === undefined || at.file !== state.job.file) return at;
  return { ...at, line: at.line + state.linesBefore! };
}

function flushWarnings(states: readonly WorkerState[], warn: (message: string) => void): void {
  for (const state of states)
    for (const { message, at, detail } of state.warnings)
      warn(at === undefined ? message : `${formatLocation(relocate(at, state))}: ${detail}`);
}

function relocatedError(state: WorkerState): Error {
  const { exitCode, detail, hint, at } = state.failed!;
  const where = at === undefined ? undefined : relocate(at, state);
  if (exitCode === 2) return new InputError(detail, hint, where);
  if (exitCode === 3) return new SourceError(detail, hint, where);
  return new Error(where === undefined ? detail : `${formatLocation(where)}: ${detail}`);
}
