import type { TraceQuery } from '../model/query.js';
import type { TraceSummary } from '../model/summary.js';
import type { Trace, TraceId } from '../model/types.js';

// What every backend offers (backends.ts makes one of them); its own module, so that the
// backends and their factory do not import each other.

/**
 * What a backend gave for one trace id: a document for schema/ to decode, the traces a reader
 * decoded as the answer arrived (`decoded`), or not found (expected).
 */
export type FetchedTrace =
  | { readonly status: 'found'; readonly document: unknown; readonly url: string }
  | { readonly status: 'decoded'; readonly traces: readonly Trace[]; readonly url: string }
  | { readonly status: 'not-found'; readonly url: string; readonly api: string };

/**
 * What a search gave: whole traces in the answer (Jaeger, Zipkin), as documents or as the traces
 * a reader decoded as the answer arrived, or the ids of the traces that matched, to be fetched
 * one by one (Tempo).
 */
export type SearchAnswer =
  | { readonly kind: 'documents'; readonly documents: readonly { document: unknown; url: string }[] }
  | { readonly kind: 'decoded'; readonly traces: readonly Trace[]; readonly url: string }
  | { readonly kind: 'ids'; readonly ids: readonly TraceId[]; readonly url: string };

/**
 * Where the traces of an answer are: the array read element by element as it arrives (its path
 * of keys from the top; none where the answer is that array), and an element that holds no
 * spans, which stands in for them when the rest of the answer is decoded.
 *
 *   Jaeger v1   {"data": [trace, …], "errors": …}           path ["data"], empty {"spans": []}
 *   OTLP        {"result": {"resourceSpans": [rs, …]}}       path ["result", "resourceSpans"], empty {}
 */
export interface TracesArray {
  readonly path: readonly string[];
  readonly empty: unknown;
}

/**
 * Reads an answer's traces as it arrives, never the whole answer at once (the pipeline's reader
 * decodes each element as it comes). `start` begins one reading per attempt: an attempt cut
 * short is asked again and read afresh, and the reading it had is let go.
 */
export interface AnswerReader<R> {
  start(url: string, at: TracesArray): AnswerReading<R>;
}

export interface AnswerReading<R> {
  /** Element `index` of the array at `at.path`, as soon as it is parsed. */
  element(value: unknown, index: number): void;
  /**
   * Once the whole answer is read: the rest of it, its array emptied (`elements` were read),
   * or the whole answer where no array was at the path (`elements` 0).
   */
  end(rest: unknown, elements: number): R;
}

/** What the pipeline reads answers into: their traces. */
export type TraceReader = AnswerReader<readonly Trace[]>;

export interface TraceBackend {
  readonly kind: BackendKind;
  readonly baseUrl: string;
  /** With a reader, the answer is decoded as it arrives (`decoded`); without, it is one document (`found`). */
  fetchTrace(traceId: TraceId, reader?: TraceReader): Promise<FetchedTrace>;
  /** With a reader, an answer of whole traces is decoded as it arrives (`decoded`); without, it is one document. */
  searchTraces(query: TraceQuery, reader?: TraceReader): Promise<SearchAnswer>;
  /** Per-trace counts without the spans, where the backend offers them; undefined where not. */
  traceSummaries(query: TraceQuery): Promise<TraceSummary[] | undefined>;
  /** The services a search may name, where the backend lists them; undefined where not. */
  services(): Promise<string[] | undefined>;
  close(): Promise<void>;
}

export const BACKEND_KINDS = ['jaeger', 'tempo', 'zipkin'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];
