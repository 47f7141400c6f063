import type { TraceQuery } from '../model/query.js';
import type { TraceSummary } from '../model/summary.js';
import type { TraceId } from '../model/types.js';

// What every backend offers (backends.ts makes one of them); its own module, so that the
// backends and their factory do not import each other.

/** What a backend gave for one trace id: a document for schema/ to decode, or not found (expected). */
export type FetchedTrace =
  | { readonly status: 'found'; readonly document: unknown; readonly url: string }
  | { readonly status: 'not-found'; readonly url: string; readonly api: string };

/**
 * What a search gave: whole traces in the answer (Jaeger, Zipkin), or the ids of the traces that matched,
 * to be fetched one by one (Tempo).
 */
export type SearchAnswer =
  | { readonly kind: 'documents'; readonly documents: readonly { document: unknown; url: string }[] }
  | { readonly kind: 'ids'; readonly ids: readonly TraceId[]; readonly url: string };

export interface TraceBackend {
  readonly kind: BackendKind;
  readonly baseUrl: string;
  fetchTrace(traceId: TraceId): Promise<FetchedTrace>;
  searchTraces(query: TraceQuery): Promise<SearchAnswer>;
  /** Per-trace counts without the spans, where the backend offers them; undefined where not. */
  traceSummaries(query: TraceQuery): Promise<TraceSummary[] | undefined>;
  /** The services a search may name, where the backend lists them; undefined where not. */
  services(): Promise<string[] | undefined>;
  close(): Promise<void>;
}

export const BACKEND_KINDS = ['jaeger', 'tempo', 'zipkin'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];
