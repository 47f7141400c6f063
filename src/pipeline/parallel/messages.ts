import type { InputLocation } from '../../errors.js';
import type { TraceQuery } from '../../model/query.js';
import type { Trace, TraceId } from '../../model/types.js';
import type { InputFormat } from '../../schema/decode.js';
import type { MessageRange } from '../../sources/file-ranges.js';
import type { TraceResult, TraceTask } from '../tasks.js';

/** What a worker is started with. */
export interface WorkerJob {
  readonly path: string;
  /** The input's name in messages. */
  readonly file: string;
  /** JSON Lines, or the Collector's length-delimited protobuf messages (each a "line"). */
  readonly layout: 'lines' | 'protobuf';
  /** `firstMessage`: the protobuf messages before the range, for messages about their bytes. */
  readonly range: MessageRange;
  readonly inputFormat: InputFormat;
  /** Span attributes to keep beyond those the analysis reads (search tags, rules). */
  readonly keepAttributes: readonly string[];
  readonly query: TraceQuery;
  readonly task: TraceTask;
  /** Collect fully each time this much text has been read (large lines); never when undefined. */
  readonly collectEveryChars: number | undefined;
}

/**
 * An error, flattened to cross threads: its exit code (undefined: not a typed error, a bug), the
 * message without the place, and the place apart, whose line counts from the range's start.
 */
export interface FlatError {
  readonly exitCode: number | undefined;
  readonly detail: string;
  readonly hint: string | undefined;
  readonly at: InputLocation | undefined;
}

/** A warning, as FlatError: the place apart where it is about one. */
export interface FlatWarning {
  readonly message: string;
  readonly at: InputLocation | undefined;
  readonly detail: string;
}

/**
 * The conversation, in order: the worker reads its range (`warn`…, then `loaded` or `failed`);
 * the main thread says which traces go elsewhere (`exchange`), the worker hands them over
 * (`given`); the main thread passes on the parts of the traces the worker is to complete
 * (`take`); the worker analyses every trace it holds and answers (`results`). For a propagation
 * check a round comes first: each worker names the services of its traces' possible other roots
 * (`rootServices`) and is told all of them (`analyse`), whose spans its parts then carry.
 */
export type FromWorker =
  | { readonly type: 'warn'; readonly warning: FlatWarning }
  | { readonly type: 'failed'; readonly error: FlatError }
  /** `lines`: how many lines the range holds, from which each worker learns its first line's number. */
  | { readonly type: 'loaded'; readonly traceIds: readonly TraceId[]; readonly lines: number }
  | { readonly type: 'given'; readonly traces: readonly Trace[] }
  | { readonly type: 'rootServices'; readonly services: readonly string[] }
  /**
   * `WorkerResults`, serialized (v8.serialize) and moved, not copied: the main thread reads it
   * once every worker has stopped and its heap is gone.
   */
  | { readonly type: 'results'; readonly bytes: Uint8Array; readonly last: boolean };

/** What a worker sends back. */
export interface WorkerResults {
  readonly results: readonly TraceResult<unknown>[];
  /** What the task added up over the worker's traces (tasks.ts's TaskTotals), with the last batch. */
  readonly totals: unknown;
}

export type ToWorker =
  /** `lineOffset`: the lines before the worker's range, added to its spans' places before they go anywhere. */
  | { readonly type: 'exchange'; readonly give: readonly TraceId[]; readonly lineOffset: number }
  | { readonly type: 'take'; readonly traces: readonly Trace[] }
  | { readonly type: 'analyse'; readonly listed: readonly string[] };
