import type { SpanCompactor } from '../analysis/compact-span.js';
import { TraceCollector } from '../model/collect-traces.js';
import type { Trace, TraceId } from '../model/types.js';
import { decodeDocument, type InputFormat } from '../schema/decode.js';
import type { DecodeContext } from '../schema/decode-context.js';

export interface DecodeOptions {
  /** Each warning as a line; a warning about a place also gets the place and the detail apart. */
  readonly warn: DecodeContext['warn'];
  readonly inputFormat?: InputFormat;
  /** Trades each span for a smaller one as it is read (see analysis/compact-span.ts). */
  readonly compact?: SpanCompactor;
  /** Only these traces are held; the others are counted (`tracesTurnedAway`) and let go. */
  readonly onlyTraces?: (traceId: TraceId) => boolean;
}

/**
 * Documents in, traces out: each document decoded (any wire format, or the one named) and its
 * spans grouped by trace across documents. The one way the pipeline turns JSON into traces:
 * files, backend answers, the receiver's requests and the worker threads' ranges.
 */
export class TraceDecoder {
  readonly #collector: TraceCollector;
  /** Documents that held no traces (metrics or logs lines of a Collector export). */
  skippedDocuments = 0;

  constructor(private readonly options: DecodeOptions) {
    this.#collector = new TraceCollector(options.compact, options.onlyTraces);
  }

  /** One document that starts at `line` of `file`. */
  add(value: unknown, file: string, line: number): void {
    const format = this.options.inputFormat ?? 'auto';
    const ctx = { file, line, warn: this.options.warn };
    if (decodeDocument(value, ctx, this.#collector, format) === 'skipped') this.skippedDocuments++;
  }

  async addAll(documents: AsyncIterable<{ value: unknown; file: string; line: number }>): Promise<void> {
    for await (const doc of documents) this.add(doc.value, doc.file, doc.line);
  }

  /** `addAll`, all or nothing: when reading fails part-way, what it added is taken back, then the error thrown. */
  async addAllOrNone(
    documents: AsyncIterable<{ value: unknown; file: string; line: number }>,
  ): Promise<void> {
    const skippedBefore = this.skippedDocuments;
    this.#collector.begin();
    try {
      await this.addAll(documents);
      this.#collector.commit();
    } catch (error) {
      this.#collector.rollback();
      this.skippedDocuments = skippedBefore;
      throw error;
    }
  }

  /** The traces, ordered by earliest start, then id. */
  traces(): Trace[] {
    return this.#collector.traces();
  }

  get tracesTurnedAway(): number {
    return this.#collector.tracesTurnedAway;
  }
}

/** The traces of one document that came whole (a backend's answer, a receiver's request). */
export function decodeTraces(document: unknown, from: string, options: DecodeOptions): Trace[] {
  const decoder = new TraceDecoder(options);
  decoder.add(document, from, 1);
  return decoder.traces();
}
